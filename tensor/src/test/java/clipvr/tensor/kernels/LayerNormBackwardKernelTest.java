package clipvr.tensor.kernels;

import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import clipvr.tensor.ops.Normalization;
import net.jqwik.api.*;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The fused layer-norm input gradient: SIMD equals the float64 reference, which equals the unfused formula. */
class LayerNormBackwardKernelTest {
    @Property(tries = 60, seed = "20261122")
    void simdMatchesReferenceAndUnfusedFormula(@ForAll("rows") int rows, @ForAll("width") int n, @ForAll boolean affine, @ForAll long seed) {
        var rng = new SplittableRandom(seed);
        Tensor x = Tensor.randn(DType.F64, rng, rows, n), g = Tensor.randn(DType.F64, rng, rows, n);
        Tensor w = affine ? Tensor.randn(DType.F64, rng, n) : null;
        var fwd = Normalization.layerNorm(x, w, null, 1e-5);
        // unfused: d = g·w, dx = rstd·(d - mean(d) - x̂·mean(d·x̂))
        Tensor rstd = fwd.rstd().unsqueeze(-1), xhat = x.sub(fwd.mean().unsqueeze(-1)).mul(rstd);
        Tensor d = w == null ? g : g.mul(w);
        Tensor want = d.sub(d.mean(-1, true)).sub(xhat.mul(d.mul(xhat).mean(-1, true))).mul(rstd);
        Tensor ref = Tensor.empty(DType.F64, rows, n);
        ReferenceKernels.layerNormBackwardRows(x, g, rows, n, w, fwd.mean(), fwd.rstd(), ref);
        for (int i = 0; i < want.numel(); i++) assertEquals(want.getFlat(i), ref.getFlat(i), 1e-10);
        // float32 SIMD against the float64 reference; tolerance scaled with the row length and rstd
        // (x - mean is formed in float32, so its rounding is amplified by rstd)
        Tensor xf = x.to(DType.F32), gf = g.to(DType.F32), wf = w == null ? null : w.to(DType.F32);
        // the same statistics (rounded to float32) for both, so only the backward kernel's arithmetic differs
        Tensor fast = Tensor.empty(DType.F32, rows, n);
        SimdKernels.layerNormBackwardRows(xf, gf, rows, n, wf, fwd.mean().to(DType.F32), fwd.rstd().to(DType.F32), fast);
        double maxRstd = 0;
        for (int r = 0; r < rows; r++) maxRstd = Math.max(maxRstd, fwd.rstd().getFlat(r));
        double maxD = 0;
        for (int i = 0; i < d.numel(); i++) maxD = Math.max(maxD, Math.abs(d.getFlat(i)));
        // each output is rstd times a difference of O(max|d|) terms: float32 error ~ u·n·max|d|·rstd
        for (int i = 0; i < ref.numel(); i++)
            assertEquals(ref.getFlat(i), fast.getFlat(i), 1e-6 * n * (maxD + 1) * (maxRstd + 1), "element " + i);
    }

    @Provide Arbitrary<Integer> rows() { return Arbitraries.integers().between(1, 9); }
    @Provide Arbitrary<Integer> width() { return Arbitraries.of(1, 2, 15, 16, 17, 33, 64, 100); }
}
