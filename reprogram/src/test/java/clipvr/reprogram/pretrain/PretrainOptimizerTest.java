package clipvr.reprogram.pretrain;

import clipvr.clip.model.Clip;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The fused AdamW that skips untouched token-embedding rows gives the bits of the dense reference on real
 * pretraining steps: both weight-decay groups, gradient clipping, and captions whose words are used, then not,
 * then used again.
 */
class PretrainOptimizerTest {
    /** Words of the captions at each step: {320, 1929} twice, then others, then 320 again. */
    static final int[][] WORDS = {{320, 1929}, {320, 1929}, {500, 501}, {49000, 7}, {320, 7}, {1929, 1929}};

    static int[][] tokens(int[] words) {
        int[][] tok = new int[words.length][77];
        for (int i = 0; i < words.length; i++) { tok[i][0] = 49406; tok[i][1] = words[i]; tok[i][2] = 49407; }
        return tok;
    }

    @Test void theSparseUpdateGivesTheBitsOfTheDenseOne() {
        // the tiny model of PretrainerTest: lr 1e-3, warm-up 3, weight decay 0.2 on matrices, gradient clipping at 1
        PretrainConfig c = new PretrainConfig(List.of("x"), List.of(), null, 16, 8, 64, 1, 64, 1, 32,
                1, 6, 1e-3, 3, 0.2, 0.9, 0.98, 1e-6, 1.0, 0.0, 0.6, 0.1, 30, 0);
        Clip fast = new Clip(c.clipConfig(), DType.F32, new SplittableRandom(0));
        Clip ref = new Clip(c.clipConfig(), DType.F32, new SplittableRandom(0));
        PretrainOptimizer of = new PretrainOptimizer(fast, c, 20), or = new PretrainOptimizer(ref, c, 20);
        of.setReference(false);
        or.setReference(true);
        assertFalse(PretrainOptimizer.decays("token_embedding.weight", fast.parameter("token_embedding.weight")));
        for (int s = 0; s < WORDS.length; s++) {
            Tensor px = Tensor.randn(DType.F32, new SplittableRandom(10 + s), 2, 3, 16, 16);
            for (var o : List.of(of, or)) o.zeroGrad();
            Pretrainer.step(fast, px, tokens(WORDS[s]));
            Pretrainer.step(ref, px, tokens(WORDS[s]));
            assertEquals(or.step(s), of.step(s));
            for (var e : ref.namedParameters().entrySet())
                assertSameBits(e.getValue().data(), fast.parameter(e.getKey()).data(), e.getKey() + " after step " + (s + 1));
            Map<String, Tensor> fs = of.state(), rs = or.state();
            assertEquals(rs.keySet(), fs.keySet());
            for (var e : rs.entrySet()) assertSameBits(e.getValue(), fs.get(e.getKey()), e.getKey() + " after step " + (s + 1));
        }
    }

    /** The former {@code gradNorm}: Σ over a copy of every gradient, no element skipped. */
    static double copyingNorm(Clip model) {
        double s = 0;
        for (var p : model.namedParameters().values()) {
            Tensor g = p.grad();
            if (g == null) continue;
            for (float v : g.toFloatArray()) s += (double) v * v;
        }
        return Math.sqrt(s);
    }

    /**
     * The in-place gradient norm (no copies, ±0 skipped) has the bits of the copying loop on real pretraining steps —
     * before and after clipping, whose factor it decides — and on awkward values: ±0 first and between, subnormals,
     * huge values, an infinity, a NaN, a view that is not contiguous.
     */
    @Test void theInPlaceGradNormHasTheBitsOfTheCopyingOne() {
        PretrainConfig c = new PretrainConfig(List.of("x"), List.of(), null, 16, 8, 64, 1, 64, 1, 32,
                1, 6, 1e-3, 3, 0.2, 0.9, 0.98, 1e-6, 0.5, 0.0, 0.6, 0.1, 30, 0);
        Clip model = new Clip(c.clipConfig(), DType.F32, new SplittableRandom(0));
        PretrainOptimizer o = new PretrainOptimizer(model, c, 20);
        for (int s = 0; s < WORDS.length; s++) {
            o.zeroGrad();
            Pretrainer.step(model, Tensor.randn(DType.F32, new SplittableRandom(10 + s), 2, 3, 16, 16), tokens(WORDS[s]));
            double expected = copyingNorm(model);
            assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(o.gradNorm()), "step " + s);
            assertTrue(expected > 0.5, "the clipping branch is exercised: " + expected);
            assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(o.step(s)), "step " + s + " (returned)");
            // the gradients are clipped now: the norm of the scaled ones too
            assertEquals(Double.doubleToRawLongBits(copyingNorm(model)), Double.doubleToRawLongBits(o.gradNorm()), "step " + s + " clipped");
        }
        SplittableRandom r = new SplittableRandom(4);
        float[] a = new float[257];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian() * (i % 5 == 0 ? 1e18f : i % 7 == 0 ? 1e-30f : 1);
        a[0] = -0.0f; a[1] = 0.0f; a[40] = -0.0f; a[41] = Float.MIN_VALUE; a[42] = -Float.MIN_VALUE;
        Tensor t = Tensor.of(a, 257);
        Tensor m = Tensor.of(java.util.Arrays.copyOf(a, 256), 16, 16).mT();           // not contiguous: the copy
        Tensor tail = Tensor.of(a, 257).narrow(0, 40, 100);                          // contiguous at an offset
        float[] sparse = new float[300];                                            // whole vectors of ±0 between values
        for (int i = 0; i < sparse.length; i += 3) sparse[i] = -0.0f;
        sparse[37] = 3f; sparse[38] = -1e-20f; sparse[200] = Float.MIN_VALUE; sparse[299] = 7f;
        for (Tensor g : List.of(t, m, tail, Tensor.of(sparse, 300), Tensor.of(sparse, 300).narrow(0, 5, 290),
                Tensor.of(new float[]{-0.0f, 0.0f}, 2), Tensor.of(new float[0], 0))) {
            double expected = 0.25;
            for (float v : g.toFloatArray()) expected += (double) v * v;
            assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(PretrainOptimizer.addSquares(0.25, g)));
            double e0 = 0;
            for (float v : g.toFloatArray()) e0 += (double) v * v;
            assertEquals(Double.doubleToRawLongBits(e0), Double.doubleToRawLongBits(PretrainOptimizer.addSquares(0, g)));
        }
        a[100] = Float.POSITIVE_INFINITY;
        assertEquals(Double.POSITIVE_INFINITY, PretrainOptimizer.addSquares(0, Tensor.of(a, 257)));
        a[120] = Float.NaN;
        assertTrue(Double.isNaN(PretrainOptimizer.addSquares(0, Tensor.of(a, 257))));
        sparse[100] = Float.NaN;                                                     // a NaN among zeros is not skipped
        assertTrue(Double.isNaN(PretrainOptimizer.addSquares(0, Tensor.of(sparse, 300))));
    }

    static void assertSameBits(Tensor expected, Tensor actual, String what) {
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++)
            if (Double.doubleToLongBits(e[i]) != Double.doubleToLongBits(a[i])) fail(what + " [" + i + "]: " + e[i] + " vs " + a[i]);
    }
}
