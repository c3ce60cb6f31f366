package clipvr.autograd.ops;

import clipvr.autograd.Var;
import clipvr.autograd.nn.MultiheadAttention;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import clipvr.tensor.kernels.AttentionCpu;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The CPU's fused attention ({@link AttentionCpu}, behind {@link Attention#attention}) gives the same bits as the
 * composition it replaces (q·kᵀ, ×scale, +mask, softmax, ·v, written out here with the differentiable ops), in the
 * output and in the gradients of q, k and v: at the pretraining model's shapes (65 image tokens, 24 text tokens with
 * the causal mask, head width 64), at odd sizes (S ≠ T, widths not a multiple of the vector length), with heads that
 * are strided views of one projection (as {@link MultiheadAttention} makes them; then the upstream gradient is such a
 * view too, as the backward of the heads' permute + reshape hands it over) and without a head axis.
 */
class AttentionCpuBitsTest {

    record Case(String name, int a, int h, int t, int s, int d, int dv, boolean causal, boolean views) {}

    static long[] bits(Tensor x) {
        return Arrays.stream(x.contiguous().toDoubleArray()).mapToLong(Double::doubleToRawLongBits).toArray();
    }

    /** [A, H, R, C], or [A, R, C] when h == 0; as views of one [A·R, H·C] projection when {@code views}. */
    static Tensor heads(SplittableRandom rng, int a, int h, int r, int c, boolean views) {
        if (h == 0) return Tensor.randn(DType.F32, rng, a, r, c);
        if (!views) return Tensor.randn(DType.F32, rng, a, h, r, c);
        return Tensor.randn(DType.F32, rng, a * r, h * c).reshape(a, r, h, c).permute(0, 2, 1, 3);
    }

    @Test void fusedEqualsTheCompositionBitForBit() {
        Case[] cases = {
                new Case("vision tokens, 2 heads of a projection", 3, 2, 65, 65, 64, 64, false, true),
                new Case("text tokens, causal", 4, 2, 24, 24, 64, 64, true, true),
                new Case("odd widths, S != T", 2, 3, 21, 19, 40, 24, false, false),
                new Case("no head axis, causal", 5, 0, 17, 17, 33, 20, true, false),
        };
        var rng = new SplittableRandom(11);
        for (Case c : cases) {
            Tensor q = heads(rng, c.a, c.h, c.t, c.d, c.views), k = heads(rng, c.a, c.h, c.s, c.d, c.views);
            Tensor v = heads(rng, c.a, c.h, c.s, c.dv, c.views);
            Tensor mask = c.causal ? MultiheadAttention.causalMask(DType.F32, c.t) : null;
            int[] outShape = q.shape();
            outShape[outShape.length - 1] = c.dv;
            Tensor g = c.views ? heads(rng, c.a, c.h, c.t, c.dv, true) : Tensor.randn(DType.F32, rng, outShape);
            double scale = 1 / Math.sqrt(c.d);
            assertTrue(AttentionCpu.applies(q, k, v), c.name + ": the fused path must apply, or this test compares the composition with itself");

            Var fq = Var.param(q), fk = Var.param(k), fv = Var.param(v);
            Var fused = Attention.attention(fq, fk, fv, mask, scale);
            fused.backward(g);

            Var cq = Var.param(q), ck = Var.param(k), cv = Var.param(v);
            Var scores = cq.matmulT(ck).mul(scale);
            if (mask != null) scores = scores.add(Var.constant(mask));
            Var composed = scores.softmax(-1).matmul(cv);
            composed.backward(g);

            assertArrayEquals(bits(composed.data()), bits(fused.data()), c.name + ": output");
            assertArrayEquals(bits(cq.grad()), bits(fq.grad()), c.name + ": dq");
            assertArrayEquals(bits(ck.grad()), bits(fk.grad()), c.name + ": dk");
            assertArrayEquals(bits(cv.grad()), bits(fv.grad()), c.name + ": dv");
            // the output and dq, dk, dv come in the layout of q, k, v: for heads of a projection, [A, R, H, C] buffers, so
            // the heads' permute back is contiguous and the reshape to [A·R, H·C] after it a view, not a copy
            var r = clipvr.tensor.ops.Attention.forward(q, k, v, mask, scale);
            var d = clipvr.tensor.ops.Attention.backward(q, k, v, r, g, scale);
            Tensor[] made = {r.out(), d.dq(), d.dk(), d.dv()};
            for (Tensor x : made)
                assertTrue(c.views ? x.permute(0, 2, 1, 3).isContiguous() : x.isContiguous(), c.name + ": layout " + Arrays.toString(x.strides()));
            assertArrayEquals(bits(fused.data()), bits(r.out()), c.name);
            assertArrayEquals(bits(fq.grad()), bits(d.dq()), c.name);
        }
    }

    @Test void tooSmallOrFloat64ShapesKeepTheComposition() {
        var rng = new SplittableRandom(3);
        Tensor tiny = Tensor.randn(DType.F32, rng, 2, 4, 8);                    // 4 rows: GemmSmall, another order
        assertFalse(AttentionCpu.applies(tiny, tiny, tiny));
        Tensor f64 = Tensor.randn(DType.F64, rng, 2, 2, 65, 64);
        assertFalse(AttentionCpu.applies(f64, f64, f64));
    }
}
