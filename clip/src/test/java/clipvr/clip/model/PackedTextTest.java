package clipvr.clip.model;

import clipvr.autograd.GradMode;
import clipvr.clip.io.Activation;
import clipvr.clip.io.ClipConfig;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The packed text pass (inference: prompts grouped by length, no padded positions) against its padded
 * twin (the graph-recording pass), prompt by prompt.
 */
class PackedTextTest {
    static int[][] prompts(int m, int ctx, int vocab, SplittableRandom rng) {
        int[][] t = new int[m][ctx];
        for (int i = 0; i < m; i++) {
            int len = 2 + rng.nextInt(ctx - 1);                        // SOT, len-2 words, EOT
            t[i][0] = vocab - 2;
            for (int j = 1; j < len - 1; j++) t[i][j] = 1 + rng.nextInt(vocab - 3);
            t[i][len - 1] = vocab - 1;
        }
        return t;
    }

    /** Max |packed - padded| over all features, for a model of the given dtype. */
    static double maxDiff(DType dtype, int m, long seed) {
        ClipConfig c = new ClipConfig(16, 8, 4, 8, 1, 2, 16, 20, 50, 64, 2, 2, 256, Activation.QUICK_GELU, 1e-5);
        Clip model = new Clip(c, dtype, new SplittableRandom(seed));
        int[][] t = prompts(m, c.contextLength(), c.vocabSize(), new SplittableRandom(seed + 1));
        Tensor padded = model.encodeText(t).data();                    // grad mode on: the padded twin
        Tensor packed;
        try (var s = GradMode.noGrad()) { packed = model.encodeText(t).data(); }
        assertArrayEquals(padded.shape(), packed.shape());
        double max = 0;
        for (int i = 0; i < padded.numel(); i++) max = Math.max(max, Math.abs(padded.getFlat(i) - packed.getFlat(i)));
        return max;
    }

    @Test void packedEqualsPaddedInFloat64() {
        for (long seed = 1; seed <= 3; seed++) assertTrue(maxDiff(DType.F64, 9, seed) < 1e-12, "seed " + seed);
    }

    /** float32: features are O(1) sums over width 64 with two layers; rounding differs only in softmax sums. */
    @Test void packedMatchesPaddedInFloat32() {
        for (long seed = 1; seed <= 3; seed++) {
            double d = maxDiff(DType.F32, 12, seed);
            assertTrue(d < 1e-5, "seed " + seed + ": max |packed - padded| = " + d);
        }
    }
}
