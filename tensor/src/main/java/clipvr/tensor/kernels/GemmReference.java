package clipvr.tensor.kernels;

/**
 * Reference GEMM: plain triple loops, written to be read in one sitting and trusted.
 *
 * <p>All matrices are row-major with an offset and a leading dimension (the distance, in elements,
 * between the starts of two consecutive stored rows). {@code op(X)} is {@code X} or {@code X^T}:
 * <pre>
 *   op(A) is M x K : element (i, p) = transA ? a[aOff + p*lda + i] : a[aOff + i*lda + p]
 *   op(B) is K x N : element (p, j) = transB ? b[bOff + j*ldb + p] : b[bOff + p*ldb + j]
 *   C     is M x N : element (i, j) = c[cOff + i*ldc + j]
 *   C = alpha * op(A) * op(B) + beta * C
 * </pre>
 * As in BLAS, when {@code beta == 0} the old contents of C are not read (NaN in C does not leak).
 * The float path accumulates each dot product in double, so it is more accurate than any float kernel.
 */
public final class GemmReference {
    private GemmReference() {}

    /** C[M,N] = alpha * op(A)[M,K] * op(B)[K,N] + beta * C, float32 storage, float64 accumulation. */
    public static void sgemm(boolean transA, boolean transB, int M, int N, int K, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < M; i++) {
            for (int j = 0; j < N; j++) {
                double sum = 0;
                for (int p = 0; p < K; p++) {
                    float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bpj = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    sum += (double) aip * bpj;
                }
                int ij = cOff + i * ldc + j;
                double old = beta == 0 ? 0 : (double) beta * c[ij];
                c[ij] = (float) (alpha * sum + old);
            }
        }
    }

    /** C[M,N] = alpha * op(A)[M,K] * op(B)[K,N] + beta * C in float64. */
    public static void dgemm(boolean transA, boolean transB, int M, int N, int K, double alpha,
                             double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                             double beta, double[] c, int cOff, int ldc) {
        for (int i = 0; i < M; i++) {
            for (int j = 0; j < N; j++) {
                double sum = 0;
                for (int p = 0; p < K; p++) {
                    double aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double bpj = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    sum += aip * bpj;
                }
                int ij = cOff + i * ldc + j;
                double old = beta == 0 ? 0 : beta * c[ij];
                c[ij] = alpha * sum + old;
            }
        }
    }

    /** Batched sgemm: matrix t of each operand starts at off + t*stride (stride 0 = one matrix for all). */
    public static void sgemmBatched(boolean transA, boolean transB, int batch, int M, int N, int K, float alpha,
                                    float[] a, int aOff, int strideA, int lda,
                                    float[] b, int bOff, int strideB, int ldb,
                                    float beta, float[] c, int cOff, int strideC, int ldc) {
        for (int t = 0; t < batch; t++) {
            sgemm(transA, transB, M, N, K, alpha, a, aOff + t * strideA, lda,
                    b, bOff + t * strideB, ldb, beta, c, cOff + t * strideC, ldc);
        }
    }
}
