package clipvr.tensor.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Fast float GEMM against the double-accumulating reference, on shapes that hit every edge of the
 * blocking: 1, sizes around the vector width (16) and micro-tile (6 x 64), around the cache blocks
 * (MC, KC, NC of {@link GemmSimd}), all four transpose combinations, alpha/beta, offsets and padded
 * leading dimensions.
 *
 * <h2>Tolerance</h2>
 * Any float32 evaluation of alpha * sum_p a_ip b_pj + beta * c_ij, in any summation order and with or
 * without FMA, has an error at most gamma_(K+3) * S_ij, where gamma_n = n*u/(1 - n*u), u = 2^-24 and
 * S_ij = |alpha| sum_p |a_ip b_pj| + |beta c_ij| (Higham, Accuracy and Stability, sec. 3.1). The
 * reference is exact up to one final rounding (u * |ref|). So we assert, per element,
 * |fast - ref| &lt;= 2 (K+3) u S_ij + u |ref|  -- a proven bound (with a factor 2 of slack), not a
 * guess, scaled by K and by the magnitudes actually involved, so it neither hides real bugs (a
 * missing or doubled term costs about S_ij / K, far above the bound for K &lt;= 800) nor flakes on
 * cancellation. Typical errors are ~sqrt(K) u S_ij, much smaller.
 */
class GemmTest {
    static final double U32 = 0x1p-24, U64 = 0x1p-53;

    /** One random problem, stored with offsets and padded leading dimensions. */
    static final class Problem {
        final boolean ta, tb;
        final int M, N, K, aOff, bOff, cOff, lda, ldb, ldc;
        final float alpha, beta;
        final float[] a, b, c;

        Problem(Random r, boolean ta, boolean tb, int M, int N, int K, float alpha, float beta, int pad, int off) {
            this.ta = ta; this.tb = tb; this.M = M; this.N = N; this.K = K; this.alpha = alpha; this.beta = beta;
            lda = (ta ? M : K) + pad; ldb = (tb ? K : N) + pad; ldc = N + pad;
            aOff = off; bOff = 2 * off; cOff = 3 * off;
            a = random(r, aOff + (ta ? K : M) * lda);
            b = random(r, bOff + (tb ? N : K) * ldb);
            c = random(r, cOff + M * ldc);
        }

        float aAt(int i, int p) { return ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p]; }
        float bAt(int p, int j) { return tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j]; }

        /** When set, the single-threaded blocked driver is called directly (no thread split, no small path). */
        boolean serial;

        float[] runFast() {
            float[] out = c.clone();
            if (serial) {
                GemmSimd.serial(ta, tb, M, N, K, alpha, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
                return out;
            }
            Gemm.sgemmFast(ta, tb, M, N, K, alpha, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
            return out;
        }

        float[] runReference() {
            float[] out = c.clone();
            GemmReference.sgemm(ta, tb, M, N, K, alpha, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
            return out;
        }

        /** Asserts fast vs reference elementwise with the bound above; the padding must be untouched. */
        void check() {
            float[] fast = runFast(), ref = runReference();
            for (int i = 0; i < M; i++) {
                for (int j = 0; j < N; j++) {
                    double s = Math.abs((double) beta * c[cOff + i * ldc + j]);
                    for (int p = 0; p < K; p++) s += Math.abs((double) alpha * aAt(i, p) * bAt(p, j));
                    int ij = cOff + i * ldc + j;
                    double tol = 2 * (K + 3) * U32 * s + U32 * Math.abs(ref[ij]);
                    double err = Math.abs((double) fast[ij] - ref[ij]);
                    if (!(err <= tol)) {
                        throw new AssertionError(this + ": C(" + i + "," + j + ") fast=" + fast[ij]
                                + " ref=" + ref[ij] + " err=" + err + " tol=" + tol);
                    }
                }
                for (int j = N; j < ldc && i * ldc + j + cOff < c.length; j++) {
                    assertEquals(c[cOff + i * ldc + j], fast[cOff + i * ldc + j], "padding written");
                }
            }
            for (int x = 0; x < cOff; x++) assertEquals(c[x], fast[x], "before offset written");
        }

        @Override public String toString() {
            return "sgemm(" + ta + "," + tb + ", M=" + M + ", N=" + N + ", K=" + K + ", alpha=" + alpha
                    + ", beta=" + beta + ", lda=" + lda + ", ldb=" + ldb + ", ldc=" + ldc + ", off=" + aOff + ")";
        }
    }

    static float[] random(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (2 * r.nextDouble() - 1);
        return x;
    }

    @Test
    void edgeShapesAllTransposes() {
        Random r = new Random(42);
        int[] sizes = {1, 2, 5, 6, 7, 15, 16, 17, 63, 64, 65, 131};
        for (int t = 0; t < 4; t++) {
            for (int M : sizes) for (int N : sizes) for (int K : new int[] {1, 3, 16, 17, 70}) {
                new Problem(r, (t & 1) != 0, (t & 2) != 0, M, N, K, 1f, 0f, 0, 0).check();
            }
        }
    }

    @Test
    void cacheBlockBoundaries() {
        Random r = new Random(7);
        int mc = GemmSimd.MC, kc = GemmSimd.KC, nc = GemmSimd.NC;
        int[][] shapes = {
                {mc + 1, 70, kc + 1},           // one row past MC, one k past KC
                {2 * mc + 7, 129, kc + 40},     // K split into 2 equal blocks, 3 MC blocks
                {7, nc + 28, 5},                // N past NC
                {300, 300, 300},                // multi-threaded path, threads split M
                {40, 700, 400},                 // more column tiles than row tiles: threads split N
        };
        for (int[] s : shapes) {
            for (int t = 0; t < 8; t++) {
                Problem p = new Problem(r, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 0.75f, 0.5f, 3, 11);
                p.serial = t >= 4;   // the threaded split hides the MC boundary, so also run serially
                p.check();
            }
        }
    }

    @Property(tries = 60)
    void fastMatchesReference(@ForAll @IntRange(min = 1, max = 300) int M, @ForAll @IntRange(min = 1, max = 300) int N,
                              @ForAll @IntRange(min = 1, max = 300) int K, @ForAll boolean ta, @ForAll boolean tb,
                              @ForAll @IntRange(min = 0, max = 3) int betaKind, @ForAll @IntRange(min = 0, max = 19) int pad,
                              @ForAll @IntRange(min = 0, max = 40) int off, @ForAll long seed) {
        float[] betas = {0f, 1f, -0.5f, 2f};
        Random r = new Random(seed);
        new Problem(r, ta, tb, M, N, K, (float) (4 * r.nextDouble() - 2), betas[betaKind], pad, off).check();
    }

    @Test
    void betaZeroIgnoresNaNInC() {
        for (int[] s : new int[][] {{3, 5, 7}, {100, 130, 90}}) {
            int M = s[0], N = s[1], K = s[2];
            float[] a = random(new Random(1), M * K), b = random(new Random(2), K * N), c = new float[M * N];
            java.util.Arrays.fill(c, Float.NaN);
            Gemm.sgemm(false, false, M, N, K, 1f, a, 0, K, b, 0, N, 0f, c, 0, N);
            for (float v : c) assertFalse(Float.isNaN(v));
        }
    }

    @Test
    void kZeroScalesC() {
        float[] c = {1, 2, 3, 4};
        Gemm.sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 0, new float[0], 0, 2, 3f, c, 0, 2);
        assertEquals(12f, c[3]);
        double[] d = {1, 2, 3, 4};
        Gemm.dgemm(false, false, 2, 2, 0, 1, new double[0], 0, 0, new double[0], 0, 2, 3, d, 0, 2);
        assertEquals(12.0, d[3]);
    }

    @Test
    void badArgumentsAreRejected() {
        float[] x = new float[100];
        assertThrows(IllegalArgumentException.class, () -> Gemm.sgemm(false, false, 10, 10, 10, 1, x, 0, 5, x, 0, 10, 0, x, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> Gemm.sgemm(false, false, 10, 10, 10, 1, x, 1, 10, x, 0, 10, 0, x, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> Gemm.sgemm(false, false, -1, 10, 10, 1, x, 0, 10, x, 0, 10, 0, x, 0, 10));
    }

    @Test
    void referenceIsNotSelectedByDefault() {
        assertEquals("reference".equals(System.getProperty("clipvr.kernels")), Gemm.useReference());
    }

    @Test
    void transposeIdentity() {
        // (A B)^T = B^T A^T, evaluated on the same storage through the transpose flags only.
        Random r = new Random(3);
        for (int[] s : new int[][] {{37, 150, 71}, {200, 90, 260}, {5, 3, 400}}) {
            int M = s[0], N = s[1], K = s[2];
            float[] a = random(r, M * K), b = random(r, K * N);
            float[] ab = new float[M * N], btat = new float[N * M];
            Gemm.sgemm(false, false, M, N, K, 1f, a, 0, K, b, 0, N, 0f, ab, 0, N);
            Gemm.sgemm(true, true, N, M, K, 1f, b, 0, N, a, 0, K, 0f, btat, 0, M);
            for (int i = 0; i < M; i++) {
                for (int j = 0; j < N; j++) {
                    double s2 = 0;
                    for (int p = 0; p < K; p++) s2 += Math.abs((double) a[i * K + p] * b[p * N + j]);
                    double tol = 4 * (K + 3) * U32 * s2;
                    assertTrue(Math.abs(ab[i * N + j] - btat[j * M + i]) <= tol, "(AB)^T != B^T A^T at " + i + "," + j);
                }
            }
        }
    }

    @Property(tries = 40)
    void dgemmMatchesReference(@ForAll @IntRange(min = 1, max = 120) int M, @ForAll @IntRange(min = 1, max = 120) int N,
                               @ForAll @IntRange(min = 0, max = 120) int K, @ForAll boolean ta, @ForAll boolean tb,
                               @ForAll long seed) {
        Random r = new Random(seed);
        int lda = (ta ? M : K) + 2, ldb = (tb ? K : N) + 1, ldc = N + 3;
        double[] a = new double[(ta ? K : M) * lda + 1], b = new double[(tb ? N : K) * ldb + 1], c = new double[M * ldc];
        for (double[] x : new double[][] {a, b, c}) for (int i = 0; i < x.length; i++) x[i] = r.nextGaussian();
        double alpha = r.nextGaussian(), beta = r.nextGaussian();
        double[] fast = c.clone(), ref = c.clone();
        Gemm.dgemm(ta, tb, M, N, K, alpha, a, 1, lda, b, 1, ldb, beta, fast, 0, ldc);
        GemmReference.dgemm(ta, tb, M, N, K, alpha, a, 1, lda, b, 1, ldb, beta, ref, 0, ldc);
        for (int i = 0; i < M; i++) {
            for (int j = 0; j < N; j++) {
                double s = Math.abs(beta * c[i * ldc + j]);
                for (int p = 0; p < K; p++) {
                    s += Math.abs(alpha * (ta ? a[1 + p * lda + i] : a[1 + i * lda + p]) * (tb ? b[1 + j * ldb + p] : b[1 + p * ldb + j]));
                }
                assertTrue(Math.abs(fast[i * ldc + j] - ref[i * ldc + j]) <= 4 * (K + 3) * U64 * s);
            }
        }
    }
}
