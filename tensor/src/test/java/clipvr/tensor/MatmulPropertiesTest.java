package clipvr.tensor;

import net.jqwik.api.*;
import net.jqwik.api.constraints.IntRange;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

import java.util.Arrays;
import java.util.SplittableRandom;

import static clipvr.tensor.PropertySupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * matmul / matmulT against EJML ({@link CommonOps_DDRM#mult}, {@link CommonOps_DDRM#multTransB}) per batch
 * element, on broadcast batch shapes and on operands that are contiguous, transposed views (column-major, handed
 * to the GEMM with a transpose flag) or arbitrary strided layouts (copied first).
 *
 * <p>Inputs are float32-representable, so float32 and float64 see identical values and EJML's double result is
 * the exact product up to ~1e-16. float64 must agree to 1e-12·(|A||B|)ᵢⱼ. float32: a length-K dot product in
 * any order has |error| ≤ γ_K·(|A||B|)ᵢⱼ with γ_K ≈ K·u (Higham §3.1), plus one final rounding u·|C|;
 * we allow 2(K + 2)·u·(|A||B|)ᵢⱼ.
 */
class MatmulPropertiesTest {

    enum Layout { CONTIGUOUS, TRANSPOSED_VIEW, STRIDED }

    @Provide Arbitrary<ShapePair> batches() { return broadcastPairs(2, 3); }

    @Provide Arbitrary<Integer> dims() {
        return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(0)), Tuple.of(1, Arbitraries.just(1)),
                Tuple.of(8, Arbitraries.integers().between(2, 9)));
    }

    /** A tensor with logical values {@code v} of shape [batch..., r, c] laid out as asked. */
    static Tensor operand(DType dt, double[] v, int[] batch, int r, int c, Layout layout, SplittableRandom rng) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = r;
        s[batch.length + 1] = c;
        return switch (layout) {
            case CONTIGUOUS -> Tensor.of(v.clone(), s).to(dt);
            case TRANSPOSED_VIEW -> Tensor.of(v.clone(), s).to(dt).mT().contiguous().mT();   // column-major storage
            case STRIDED -> randomLayout(dt, v, s, rng);
        };
    }

    static double[] floats(SplittableRandom rng, int n) {
        double[] a = gaussians(rng, n, 1);
        for (int i = 0; i < n; i++) a[i] = (float) a[i];
        return a;
    }

    static DMatrixRMaj matrix(double[] v, int start, int r, int c, boolean abs) {
        DMatrixRMaj m = new DMatrixRMaj(r, c);
        for (int i = 0; i < r * c; i++) m.data[i] = abs ? Math.abs(v[start + i]) : v[start + i];
        return m;
    }

    @Property(tries = 250, seed = "601")
    void matmulMatchesEjml(@ForAll("batches") ShapePair batch, @ForAll("dims") int m, @ForAll("dims") int k, @ForAll("dims") int n,
                           @ForAll Layout la, @ForAll Layout lb, @ForAll boolean transB, @ForAll DType dt, @ForAll long seed) {
        check(batch, m, k, n, la, lb, transB, dt, new SplittableRandom(seed));
    }

    @Example void matmulMatchesEjmlOnLargerShapes() {
        var rng = new SplittableRandom(6);
        for (DType dt : DType.values()) {
            check(new ShapePair(new int[]{3}, new int[]{1}), 67, 129, 33, Layout.CONTIGUOUS, Layout.TRANSPOSED_VIEW, false, dt, rng);
            check(new ShapePair(new int[]{}, new int[]{2}), 50, 257, 17, Layout.TRANSPOSED_VIEW, Layout.CONTIGUOUS, true, dt, rng);
        }
    }

    static void check(ShapePair batch, int m, int k, int n, Layout la, Layout lb, boolean transB, DType dt, SplittableRandom rng) {
        int[] bs = expectedBroadcast(batch.a(), batch.b());
        int na = numel(batch.a()), nb = numel(batch.b()), nbat = numel(bs);
        double[] av = floats(rng, na * m * k), bv = floats(rng, nb * k * n);   // B holds [.., k, n] or, for matmulT, [.., n, k]
        Tensor a = operand(dt, av, batch.a(), m, k, la, rng);
        Tensor b = transB ? operand(dt, bv, batch.b(), n, k, lb, rng) : operand(dt, bv, batch.b(), k, n, lb, rng);
        Tensor c = transB ? a.matmulT(b) : a.matmul(b);
        int[] cs = Arrays.copyOf(bs, bs.length + 2);
        cs[bs.length] = m;
        cs[bs.length + 1] = n;
        String what = (transB ? "matmulT " : "matmul ") + dt + " batch " + batch + " m=" + m + " k=" + k + " n=" + n + " " + la + "/" + lb;
        assertShape(what, cs, c);
        assertEquals(dt, c.dtype());
        double[] want = new double[nbat * m * n], bound = new double[want.length];
        if (m > 0 && n > 0 && k > 0) {
            for (int p = 0; p < nbat; p++) {
                int[] bidx = unravel(p, bs);
                int pa = broadcastFlat(bidx, batch.a()), pb = broadcastFlat(bidx, batch.b());
                DMatrixRMaj am = matrix(av, pa * m * k, m, k, false), aa = matrix(av, pa * m * k, m, k, true);
                DMatrixRMaj bm = transB ? matrix(bv, pb * n * k, n, k, false) : matrix(bv, pb * k * n, k, n, false);
                DMatrixRMaj ba = transB ? matrix(bv, pb * n * k, n, k, true) : matrix(bv, pb * k * n, k, n, true);
                DMatrixRMaj cm = new DMatrixRMaj(m, n), ca = new DMatrixRMaj(m, n);
                if (transB) { CommonOps_DDRM.multTransB(am, bm, cm); CommonOps_DDRM.multTransB(aa, ba, ca); }
                else { CommonOps_DDRM.mult(am, bm, cm); CommonOps_DDRM.mult(aa, ba, ca); }
                System.arraycopy(cm.data, 0, want, p * m * n, m * n);
                System.arraycopy(ca.data, 0, bound, p * m * n, m * n);
            }
        }
        double rel = dt == DType.F64 ? 1e-12 : 2 * (k + 2) * U32;
        assertClose(what, want, c.toDoubleArray(), (i, e) -> rel * bound[i] + 1e-300);
    }

    @Property(tries = 100, seed = "602")
    void matmulOfTransposedViewsEqualsMatmulOfCopies(@ForAll @IntRange(min = 1, max = 8) int m, @ForAll @IntRange(min = 1, max = 8) int k,
                                                     @ForAll @IntRange(min = 1, max = 8) int n, @ForAll long seed) {
        // A·B computed from column-major views must equal the product of the materialised transposes (same math, same order)
        var rng = new SplittableRandom(seed);
        Tensor at = Tensor.of(gaussians(rng, k * m, 1), k, m), bt = Tensor.of(gaussians(rng, n * k, 1), n, k);
        assertClose("Aᵀ·Bᵀ views vs copies", at.mT().contiguous().matmul(bt.mT().contiguous()).toDoubleArray(),
                at.mT().matmul(bt.mT()).toDoubleArray(), 1e-13, 1e-13);
    }
}
