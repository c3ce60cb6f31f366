package clipvr.clip.model;

import clipvr.autograd.GradCheck;
import clipvr.autograd.GradMode;
import clipvr.autograd.Var;
import clipvr.autograd.loss.CrossEntropy;
import clipvr.clip.io.Activation;
import clipvr.clip.io.ClipConfig;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Float64 GradCheck of the whole CLIP model (tiny size) with respect to the input pixels. */
class ClipGradCheckTest {
    static ClipConfig tiny(Activation act) {
        // embed 6, image 8 px / patch 4 (2x2 patches + class token), vision width 8 x 2 layers / 2 heads, MLP 16;
        // context 6, vocab 40, text width 8 x 1 layer / 2 heads
        return new ClipConfig(6, 8, 4, 8, 2, 2, 16, 6, 40, 8, 1, 2, 16, act, 1e-5);
    }

    @Test void lossGradientWrtPixelsMatchesFiniteDifferences() {
        for (Activation act : Activation.values()) {
            Clip model = new Clip(tiny(act), DType.F64, new SplittableRandom(7));
            model.freeze();
            int[][] tokens = {{39, 5, 7, 38, 0, 0}, {39, 12, 38, 0, 0, 0}, {39, 1, 2, 3, 4, 38}};
            Var text;
            try (var s = GradMode.noGrad()) { text = model.encodeText(tokens); }
            Var t = text;
            Tensor pixels = Tensor.randn(DType.F64, new SplittableRandom(3), 2, 3, 8, 8);
            var r = GradCheck.check(in -> CrossEntropy.loss(model.logits(model.encodeImage(in.getFirst()), t), new int[]{2, 0}),
                    List.of(pixels), GradCheck.Options.DEFAULT.withTolerance(1e-7, 1e-5));
            assertTrue(r.passed(), act + ": " + r.describe());
            assertEquals(2 * 3 * 8 * 8, r.checked());
        }
    }

    @Test void textFeaturesIgnorePositionsAfterEot() {
        Clip model = new Clip(tiny(Activation.QUICK_GELU), DType.F64, new SplittableRandom(8));
        try (var s = GradMode.noGrad()) {
            Tensor a = model.encodeText(new int[][]{{39, 5, 38, 0, 0, 0}}).data();
            Tensor b = model.encodeText(new int[][]{{39, 5, 38, 0, 0, 0}, {39, 1, 2, 3, 4, 38}}).data().narrow(0, 0, 1);
            // the second batch is computed over 6 positions instead of 3: the first row must not change
            assertArrayEquals(a.toDoubleArray(), b.toDoubleArray(), 1e-12);
        }
    }
}
