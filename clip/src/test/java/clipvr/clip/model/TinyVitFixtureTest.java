package clipvr.clip.model;

import clipvr.autograd.GradMode;
import clipvr.autograd.Var;
import clipvr.autograd.loss.CrossEntropy;
import clipvr.clip.io.Checkpoint;
import clipvr.clip.io.SafetensorsReader;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The model reproduces ../shared/fixtures/tiny-vit: embeddings, logits, loss and the directional
 * derivative of the loss w.r.t. the pixels, computed by an independent float64 numpy implementation,
 * from every checkpoint format of the same weights.
 */
class TinyVitFixtureTest {
    static Path dir;
    static JsonNode expected;
    static Tensor pixels, probe;
    static int[][] tokens;
    static int[] labels;

    @BeforeAll static void load() throws Exception {
        dir = Path.of(System.getProperty("clipvr.shared", "../shared"), "fixtures/tiny-vit");
        assumeTrue(Files.isDirectory(dir), "fixture directory missing: " + dir);
        expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        Checkpoint in = SafetensorsReader.read(dir.resolve("inputs.safetensors"));
        pixels = ClipModels.toTensor(in.tensor("pixel_values"), DType.F64);
        probe = ClipModels.toTensor(in.tensor("probe_direction"), DType.F64);
        int[] ids = in.tensor("input_ids").toIntArray();
        int ctx = (int) in.tensor("input_ids").shape()[1];
        tokens = new int[ids.length / ctx][ctx];
        for (int i = 0; i < tokens.length; i++) System.arraycopy(ids, i * ctx, tokens[i], 0, ctx);
        labels = in.tensor("labels").toIntArray();
    }

    static double[] values(String key) {
        JsonNode v = expected.get(key).get("values");
        double[] out = new double[v.size()];
        for (int i = 0; i < out.length; i++) out[i] = v.get(i).asDouble();
        return out;
    }

    static double maxAbsDiff(double[] want, double[] got) {
        assertEquals(want.length, got.length);
        double m = 0;
        for (int i = 0; i < want.length; i++) m = Math.max(m, Math.abs(want[i] - got[i]));
        return m;
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai.safetensors", "openai_state_dict.pt", "hf"})
    void embeddingsAndLogitsFromEveryFormat(String file) {
        Clip model = ClipModels.load(dir.resolve(file), DType.F32);
        try (var s = GradMode.noGrad()) {
            Var img = model.encodeImage(Var.constant(pixels.to(DType.F32)));
            Var txt = model.encodeText(tokens);
            Var logits = model.logits(img, txt);
            double dImg = maxAbsDiff(values("image_embeds"), img.data().toDoubleArray());
            double dTxt = maxAbsDiff(values("text_embeds"), txt.data().toDoubleArray());
            double dLog = maxAbsDiff(values("logits_per_image"), logits.data().toDoubleArray());
            System.out.printf("tiny-vit %s: max |diff| image %.2e text %.2e logits %.2e%n", file, dImg, dTxt, dLog);
            assertTrue(dImg <= 1e-4, "image_embeds max abs diff " + dImg);
            assertTrue(dTxt <= 1e-4, "text_embeds max abs diff " + dTxt);
            assertTrue(dLog <= 1e-4, "logits max abs diff " + dLog);
            double loss = CrossEntropy.loss(logits, labels).item();
            assertEquals(values("loss")[0], loss, 1e-4);
        }
    }

    /** d/de loss(pixels + e·probe) at e = 0 equals ⟨∂loss/∂pixels, probe⟩ by backprop through the frozen model. */
    @ParameterizedTest
    @ValueSource(strings = {"F32", "F64"})
    void directionalDerivativeOfLossWrtPixels(String dtypeName) {
        DType dtype = DType.valueOf(dtypeName);
        Clip model = ClipModels.load(dir.resolve("openai.safetensors"), dtype);
        model.freeze();
        Var px = Var.param(pixels.to(dtype));
        Var txt;
        try (var s = GradMode.noGrad()) { txt = model.encodeText(tokens); }
        Var loss = CrossEntropy.loss(model.logits(model.encodeImage(px), txt), labels);
        loss.backward();
        double dd = px.grad().to(DType.F64).mul(probe).sum().item();
        double want = values("directional_derivative")[0];
        double rel = Math.abs(dd - want) / Math.abs(want);
        System.out.printf("tiny-vit %s directional derivative %.10g vs %.10g (rel %.2e)%n", dtypeName, dd, want, rel);
        assertTrue(rel <= (dtype == DType.F32 ? 1e-3 : 1e-6), "relative error " + rel);
        model.namedParameters().values().forEach(p -> assertNull(p.grad(), "frozen weight got a gradient: " + p.name()));
    }
}
