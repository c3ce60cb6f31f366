package clipvr.tensor.kernels;

/**
 * TEMPORARY plain-loop GEMM with the agreed signatures; replaced by the blocked SIMD implementation
 * (branch gemm). C[M,N] = alpha·op(A)·op(B) + beta·C, row-major with leading dimensions.
 */
public final class Gemm {
    private Gemm() {}

    public static void sgemm(boolean transA, boolean transB, int M, int N, int K, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        Parallel.forRange(M, (long) N * K, (m0, m1) -> {
            for (int i = m0; i < m1; i++)
                for (int j = 0; j < N; j++) {
                    double s = 0;
                    for (int p = 0; p < K; p++)
                        s += (double) a[aOff + (transA ? p * lda + i : i * lda + p)] * b[bOff + (transB ? j * ldb + p : p * ldb + j)];
                    int ci = cOff + i * ldc + j;
                    c[ci] = (float) (alpha * s + (beta == 0 ? 0 : beta * c[ci]));
                }
        });
    }

    public static void dgemm(boolean transA, boolean transB, int M, int N, int K, double alpha,
                             double[] a, int aOff, int lda, double[] b, int bOff, int ldb, double beta, double[] c, int cOff, int ldc) {
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++) {
                double s = 0;
                for (int p = 0; p < K; p++)
                    s += a[aOff + (transA ? p * lda + i : i * lda + p)] * b[bOff + (transB ? j * ldb + p : p * ldb + j)];
                int ci = cOff + i * ldc + j;
                c[ci] = alpha * s + (beta == 0 ? 0 : beta * c[ci]);
            }
    }

    public static void sgemmBatched(boolean transA, boolean transB, int batch, int M, int N, int K, float alpha,
                                    float[] a, int aOff, int strideA, int lda, float[] b, int bOff, int strideB, int ldb,
                                    float beta, float[] c, int cOff, int strideC, int ldc) {
        for (int p = 0; p < batch; p++)
            sgemm(transA, transB, M, N, K, alpha, a, aOff + p * strideA, lda, b, bOff + p * strideB, ldb, beta, c, cOff + p * strideC, ldc);
    }
}
