package clipvr.reprogram.train;

import clipvr.reprogram.head.CosineLogits;
import clipvr.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The temperature s of the heads' logits s·cos(v, t): the model's own exp(logit_scale) by default, as the reference
 * code reads it ({@code model.logit_scale.exp()}, spec §1.1), {@code --logit-scale} to override, 100 for a config.json
 * written before the field existed. Every head (label, AttrVR, DVP's decoupled head, label mapping) must use it.
 */
class LogitScaleTest {
    /** The tiny fixture's stored logit_scale (float32 2.66015625, read from the file with Python's struct module). */
    static final double TINY_SCALE = Math.exp(2.66015625);

    @TempDir static Path world;
    static Path data, desc;
    @TempDir Path tmp;
    private final CliCapture cli = new CliCapture();

    @BeforeAll static void makeWorld() {
        data = TinyRun.dataset(world, 6, 2);
        desc = TinyRun.descriptions(world, 4);
    }
    @BeforeEach void capture() { cli.start(); }
    @AfterEach void restore() { cli.stop(); }

    private static TrainConfig build(Method m, Double given, double model) {
        TrainConfig.Builder b = new TrainConfig.Builder();
        b.method = m;
        b.logitScale = given;
        return b.build(32, model);
    }

    @Test void defaultIsTheModelsScaleAndTheFlagOverridesIt() {
        assertEquals(17.25, build(Method.AR, null, 17.25).logitScale());
        assertEquals(100.0, build(Method.DVP_CSE, 100.0, 17.25).logitScale());
        TrainConfig.Builder vp = new TrainConfig.Builder();
        vp.method = Method.VP;
        assertEquals(CosineLogits.LOGIT_SCALE, vp.build(32).logitScale());              // the one-argument build: 100
        for (double bad : new double[]{0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            var e = assertThrows(IllegalArgumentException.class, () -> build(Method.AR, bad, 17.25));
            assertTrue(e.getMessage().startsWith("--logit-scale must be a finite number > 0"), e.getMessage());
        }
    }

    @Test void configJsonFromBeforeTheFieldReadsAsTheOldConstant() throws Exception {
        TrainConfig c = build(Method.SMM, null, 17.25);
        assertEquals(c, RunFiles.JSON.readValue(RunFiles.JSON.writeValueAsBytes(c), TrainConfig.class));
        ObjectNode old = RunFiles.JSON.valueToTree(c);
        old.remove("logit_scale");
        assertEquals(100.0, RunFiles.JSON.treeToValue(old, TrainConfig.class).logitScale());
    }

    private Path train(String name, String method, String... extra) {
        Path run = tmp.resolve(name);
        List<String> a = new ArrayList<>(List.of("train", "--method", method, "--weights", TinyRun.weights().toString(),
                "--data", data.toString(), "--out", run.toString(), "--shots", "3", "--batch", "4", "--quiet"));
        if (!method.equals("zeroshot")) a.addAll(List.of("--epochs", "2", "--lr", "10"));
        if (method.equals("attrvr") || method.startsWith("dvp")) a.addAll(List.of("--descriptions", desc.toString(), "--m", "4", "--topk", "2"));
        a.addAll(List.of(extra));
        assertEquals(0, cli.run(a.toArray(String[]::new)), cli.stderr());
        return run;
    }

    /** Logits of {@code run}'s last checkpoint on random inputs, rebuilt with its config's scale replaced by {@code scale}. */
    private static Tensor logits(Path run, Double scale) throws Exception {
        var loaded = RunEvaluator.load(run, "last", null);
        int in = loaded.preprocessing().size();
        Tensor x = Tensor.randn(clipvr.tensor.DType.F32, new SplittableRandom(3), 2, 3, in, in);   // [2, 3, r, r]
        TrainConfig c = loaded.config();
        if (scale != null) {
            ObjectNode t = RunFiles.JSON.valueToTree(c);
            t.put("logit_scale", scale);
            c = RunFiles.JSON.treeToValue(t, TrainConfig.class);
        }
        TextFeatures text = TextFeatures.load(run.resolve(RunFiles.TEXT_FEATURES), c);
        var clip = clipvr.clip.model.ClipModels.load(TinyRun.weights(), clipvr.tensor.DType.F32);
        Reprogrammer m = Reprogrammer.build(c, new ClipImageEncoder(clip), text, loaded.classNames().size());
        m.load(loaded.model().state());
        m.train(false);
        return m.logits(x);
    }

    @Test void everyHeadScalesItsLogitsByTheConfiguredTemperature() throws Exception {
        for (String[] run : new String[][]{{"zeroshot"}, {"ar"}, {"attrvr"}, {"dvp-cse"}, {"ar", "--label-mapping", "flm"}}) {
            String name = String.join("-", run).replace("--", "");
            Path dir = train(name, run[0], java.util.Arrays.copyOfRange(run, 1, run.length));
            JsonNode cfg = RunFiles.JSON.readTree(dir.resolve(RunFiles.CONFIG).toFile());
            assertEquals(TINY_SCALE, cfg.get("logit_scale").asDouble(), 1e-5 * TINY_SCALE, name + ": the model's exp(logit_scale)");
            Tensor base = logits(dir, null), doubled = logits(dir, 2 * cfg.get("logit_scale").asDouble());
            double[] a = base.toDoubleArray(), b = doubled.toDoubleArray();
            double worst = 0;
            for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(b[i] - 2 * a[i]));
            assertTrue(worst <= 1e-4 * TINY_SCALE, name + ": logits at 2s must be twice those at s; worst |Δ| " + worst);
            assertTrue(java.util.Arrays.stream(a).map(Math::abs).max().orElse(0) > 1e-3, name + ": logits all ~0");
        }
        Path given = train("ar-given", "ar", "--logit-scale", "100");
        assertEquals(100.0, RunFiles.JSON.readTree(given.resolve(RunFiles.CONFIG).toFile()).get("logit_scale").asDouble());
        assertEquals(0, cli.run("train", "--out", given.toString(), "--resume", "--quiet"), cli.stderr());   // the run's scale
        assertEquals(2, cli.run("train", "--out", given.toString(), "--resume", "--quiet", "--logit-scale", "50"));
        assertTrue(cli.stderr().contains("logit_scale"), cli.stderr());
    }
}
