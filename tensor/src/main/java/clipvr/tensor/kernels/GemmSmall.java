package clipvr.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Low-overhead float32 GEMM for problems too small (or too flat) to pay for packing: a few rows of A
 * (M &lt;= 4, e.g. a matrix-vector product) or a tiny M*N*K. No packing, no threads, no buffers beyond
 * one row of op(A) when A is transposed.
 * <pre>
 *   C[i, :] = beta * C[i, :]; then
 *   op(B) not transposed: C[i, :] += (alpha * op(A)(i, p)) * B[p, :]        for each p   (vector axpy)
 *   op(B) transposed:     C[i, j] += alpha * dot(op(A)[i, :], B^T[j, :])    for each j   (vector dot)
 * </pre>
 */
final class GemmSmall {
    private GemmSmall() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    static void sgemm(boolean transA, boolean transB, int M, int N, int K, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        float[] row = new float[K];               // op(A)[i, :], contiguous
        for (int i = 0; i < M; i++) {
            for (int p = 0; p < K; p++) row[p] = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
            int ci = cOff + i * ldc;
            if (!transB) {
                scale(c, ci, N, beta);
                for (int p = 0; p < K; p++) axpy(N, alpha * row[p], b, bOff + p * ldb, c, ci);
            } else {
                for (int j = 0; j < N; j++) {
                    float d = alpha * dot(K, row, b, bOff + j * ldb);
                    c[ci + j] = beta == 0f ? d : d + beta * c[ci + j];
                }
            }
        }
    }

    /** y[0..n) = beta * y (beta == 0 writes zeros, so NaN/garbage in y is not read). */
    private static void scale(float[] y, int yOff, int n, float beta) {
        if (beta == 1f) return;
        for (int j = 0; j < n; j++) y[yOff + j] = beta == 0f ? 0f : beta * y[yOff + j];
    }

    /** y[0..n) += s * x[0..n). */
    private static void axpy(int n, float s, float[] x, int xOff, float[] y, int yOff) {
        FloatVector sv = FloatVector.broadcast(S, s);
        int j = 0;
        for (int up = S.loopBound(n); j < up; j += L) {
            FloatVector.fromArray(S, x, xOff + j).fma(sv, FloatVector.fromArray(S, y, yOff + j)).intoArray(y, yOff + j);
        }
        for (; j < n; j++) y[yOff + j] = Math.fma(s, x[xOff + j], y[yOff + j]);
    }

    /** sum of x[0..n) * y[yOff..yOff+n), two vector accumulators then a scalar tail. */
    private static float dot(int n, float[] x, float[] y, int yOff) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
        int p = 0;
        for (int up = n - 2 * L; p <= up; p += 2 * L) {
            s0 = FloatVector.fromArray(S, x, p).fma(FloatVector.fromArray(S, y, yOff + p), s0);
            s1 = FloatVector.fromArray(S, x, p + L).fma(FloatVector.fromArray(S, y, yOff + p + L), s1);
        }
        if (p + L <= n) {
            s0 = FloatVector.fromArray(S, x, p).fma(FloatVector.fromArray(S, y, yOff + p), s0);
            p += L;
        }
        // lane order, not reduceLanes(ADD): its float order is unspecified and the JIT intrinsic and the
        // interpreted fallback differ, so results changed once C2 compiled this method (timing-dependent bits)
        float sum = SimdKernels.addLanes(s0.add(s1));
        for (; p < n; p++) sum = Math.fma(x[p], y[yOff + p], sum);
        return sum;
    }
}
