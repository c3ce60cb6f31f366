package clipvr.reprogram.train;

import clipvr.autograd.Var;
import clipvr.autograd.loss.CrossEntropy;
import clipvr.clip.model.Clip;
import clipvr.clip.model.ClipPresets;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** The micro-batched training step gives the single-graph gradients (up to float summation order). */
class MicroBatchTest {
    @ParameterizedTest
    @EnumSource(value = Method.class, names = {"AR", "DVP_CSE", "SMM"})
    void chunkedGradientsEqualSingleGraphGradients(Method method, @TempDir Path dir) {
        Clip clip = new Clip(ClipPresets.of("tiny"), DType.F32, new SplittableRandom(1));
        clip.freeze();
        var encoder = new ClipImageEncoder(clip);
        int c = 3, m = 4, e = clip.embedDim();
        var rng = new SplittableRandom(2);
        Map<String, Tensor> tables = new LinkedHashMap<>();
        tables.put("label", unit(Tensor.randn(DType.F32, rng, c, e)));
        for (int i = 1; i <= 3; i++) tables.put("cse_" + i, unit(Tensor.randn(DType.F32, rng, c * m, e)));
        var text = new TextFeatures(tables, Map.of(), null);
        TrainConfig cfg = TinyRun.settings(TinyRun.dataset(dir, 1, 1), null, method, 2).build(clip.resolution());
        int b = 5;
        int r = method == Method.SMM ? clip.resolution() : cfg.inputSize();
        Tensor images = Tensor.uniform(DType.F32, new SplittableRandom(3), 0, 1, b, 3, r, r);
        int[] labels = {0, 1, 2, 1, 0};
        List<Tensor> single = grads(method, cfg, encoder, text, c, images, labels, 1000);
        List<Tensor> chunked = grads(method, cfg, encoder, text, c, images, labels, 2);
        assertEquals(single.size(), chunked.size());
        // one scale for all parameters: e.g. a conv bias followed by batch norm has an exactly-zero gradient,
        // so both runs hold rounding noise there
        double scale = 1e-30;
        for (Tensor t : single) for (float v : t.toFloatArray()) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < single.size(); i++) {
            float[] a = single.get(i).toFloatArray(), g = chunked.get(i).toFloatArray();
            for (int j = 0; j < a.length; j++) assertEquals(a[j], g[j], 1e-4 * scale, method + " parameter " + i + " element " + j);
        }
    }

    static List<Tensor> grads(Method method, TrainConfig cfg, ClipImageEncoder enc, TextFeatures text, int c,
                              Tensor images, int[] labels, int microBatch) {
        Reprogrammer model = Reprogrammer.build(cfg, enc, text, c);
        model.train(true);
        // non-zero prompts so every path carries gradient
        var rng = new SplittableRandom(4);
        for (Var p : model.namedParameters().values()) p.data().copyFrom(Tensor.randn(DType.F32, rng, p.shape()).mul(0.1));
        if (model.decoupledHead() != null)
            model.decoupledHead().setReweighting(clipvr.reprogram.head.PrmEstimator.uniform(c, model.decoupledHead().descriptionsPerClass()));
        double[] loss = new double[1];
        model.trainStep(Var.constant(images), z -> CrossEntropy.loss(z, labels), loss, microBatch);
        return model.namedParameters().values().stream().map(Var::grad).toList();
    }

    static Tensor unit(Tensor t) { return t.div(t.mul(t).sum(1, true).sqrt()); }
}
