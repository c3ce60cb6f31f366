package clipvr.autograd.nn;

import clipvr.autograd.Var;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class MultiheadAttentionTest {
    static MultiheadAttention mha(long seed) {
        MultiheadAttention m = new MultiheadAttention(4, 2, true, DType.F64, new SplittableRandom(seed));
        // non-zero biases so the test sees them (PyTorch initialises them to 0)
        m.inProjBias().data().copyFrom(Tensor.uniform(DType.F64, new SplittableRandom(seed + 1), -0.5, 0.5, 12));
        m.outProj().bias().data().copyFrom(Tensor.uniform(DType.F64, new SplittableRandom(seed + 2), -0.5, 0.5, 4));
        return m;
    }

    /** Loops over batch, head, query and key with plain doubles. */
    static double[] naive(MultiheadAttention m, Tensor x, Tensor mask) {
        int b = x.size(0), t = x.size(1), d = m.dim, h = m.heads, hd = m.headDim;
        Tensor win = m.inProjWeight().data(), bin = m.inProjBias().data();
        Tensor wout = m.outProj().weight().data(), bout = m.outProj().bias().data();
        double[] out = new double[b * t * d];
        for (int n = 0; n < b; n++) {
            double[][] qkv = new double[t][3 * d];
            for (int i = 0; i < t; i++)
                for (int r = 0; r < 3 * d; r++) {
                    double acc = bin.get(r);
                    for (int c = 0; c < d; c++) acc += win.get(r, c) * x.get(n, i, c);
                    qkv[i][r] = acc;
                }
            double[][] concat = new double[t][d];
            for (int head = 0; head < h; head++)
                for (int i = 0; i < t; i++) {
                    double[] s = new double[t];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < t; j++) {
                        double dot = 0;
                        for (int e = 0; e < hd; e++) dot += qkv[i][head * hd + e] * qkv[j][d + head * hd + e];
                        s[j] = dot / Math.sqrt(hd) + (mask == null ? 0 : mask.get(i, j));
                        max = Math.max(max, s[j]);
                    }
                    double z = 0;
                    for (int j = 0; j < t; j++) { s[j] = Math.exp(s[j] - max); z += s[j]; }
                    for (int e = 0; e < hd; e++) {
                        double acc = 0;
                        for (int j = 0; j < t; j++) acc += s[j] / z * qkv[j][2 * d + head * hd + e];
                        concat[i][head * hd + e] = acc;
                    }
                }
            for (int i = 0; i < t; i++)
                for (int o = 0; o < d; o++) {
                    double acc = bout.get(o);
                    for (int c = 0; c < d; c++) acc += wout.get(o, c) * concat[i][c];
                    out[(n * t + i) * d + o] = acc;
                }
        }
        return out;
    }

    @Test void layoutIsPyTorchs() {
        MultiheadAttention m = new MultiheadAttention(8, 2, true, DType.F32, new SplittableRandom(1));
        assertEquals(List.of("in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"), List.copyOf(m.stateDict().keySet()));
        assertArrayEquals(new int[]{24, 8}, m.inProjWeight().shape());
        assertArrayEquals(new int[]{24}, m.inProjBias().shape());
        assertEquals(0.0, m.inProjBias().data().abs().sum().item());
        assertEquals(0.0, m.outProj().bias().data().abs().sum().item());
        double xavier = Math.sqrt(6.0 / (8 + 24));
        for (float v : m.inProjWeight().data().toFloatArray()) assertTrue(Math.abs(v) <= xavier);
    }

    @Test void forwardMatchesNaiveLoops() {
        MultiheadAttention m = mha(1);
        Tensor x = Tensor.randn(DType.F64, new SplittableRandom(9), 2, 3, 4);
        assertTrue(ModuleGradCheck.maxAbsDiff(m.forward(Var.constant(x)).data(), naive(m, x, null)) < 1e-12);
        Tensor mask = MultiheadAttention.causalMask(DType.F64, 3);
        assertTrue(ModuleGradCheck.maxAbsDiff(m.forward(Var.constant(x), mask).data(), naive(m, x, mask)) < 1e-12);
    }

    @Test void gradCheckWithAndWithoutCausalMask() {
        MultiheadAttention m = mha(2);
        Tensor x = Tensor.randn(DType.F64, new SplittableRandom(3), 2, 3, 4);
        ModuleGradCheck.assertGradients(m, m, x);
        Tensor mask = MultiheadAttention.causalMask(DType.F64, 3);
        ModuleGradCheck.assertGradients(m, v -> m.forward(v, mask), x);
    }

    /** With a causal mask, output position t depends only on inputs 0..t. */
    @Property(tries = 25)
    void causalMaskHidesTheFuture(@ForAll @IntRange(min = 1, max = 5) int t, @ForAll @IntRange(min = 0, max = 4) int at,
                                  @ForAll @IntRange(min = 0, max = 1000) int seed) {
        int pos = at % t;
        MultiheadAttention m = mha(seed);
        Tensor mask = MultiheadAttention.causalMask(DType.F64, t);
        Tensor x = Tensor.randn(DType.F64, new SplittableRandom(seed), 2, t, 4);
        Tensor changed = x.copy();
        if (pos + 1 < t) changed.narrow(1, pos + 1, t - pos - 1).copyFrom(Tensor.randn(DType.F64, new SplittableRandom(seed + 7), 2, t - pos - 1, 4));
        Tensor y1 = m.forward(Var.constant(x), mask).data().narrow(1, 0, pos + 1);
        Tensor y2 = m.forward(Var.constant(changed), mask).data().narrow(1, 0, pos + 1);
        assertArrayEquals(y1.toDoubleArray(), y2.toDoubleArray(), 1e-12);
        if (pos + 1 < t) {   // without the mask the future leaks in
            Tensor u1 = m.forward(Var.constant(x)).data().narrow(1, 0, pos + 1);
            Tensor u2 = m.forward(Var.constant(changed)).data().narrow(1, 0, pos + 1);
            assertTrue(ModuleGradCheck.maxAbsDiff(u1, u2.toDoubleArray()) > 1e-9);
        }
    }

    @Test void badShapesAreReported() {
        var e = assertThrows(IllegalArgumentException.class, () -> new MultiheadAttention(6, 4, true, DType.F32, new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("not divisible"), e.getMessage());
        MultiheadAttention m = mha(1);
        e = assertThrows(IllegalArgumentException.class, () -> m.forward(Var.constant(Tensor.zeros(DType.F64, 1, 3, 4)), Tensor.zeros(DType.F64, 2, 2)));
        assertTrue(e.getMessage().contains("[2, 2]"), e.getMessage());
    }
}
