package clipvr.tensor.kernels;

/**
 * Float64 GEMM with plain loops (no SIMD, no packing), used for gradient checks. Loop order is chosen
 * so the innermost loop is unit stride: i-p-j (row axpy) when B is not transposed, i-j-p (dot) when it
 * is. Rows of C are split between threads.
 */
final class GemmDouble {
    private GemmDouble() {}

    static void dgemm(boolean transA, boolean transB, int M, int N, int K, double alpha,
                      double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                      double beta, double[] c, int cOff, int ldc) {
        Parallel.forRange(M, (long) N * K, (from, to) -> {
            for (int i = from; i < to; i++) {
                int ci = cOff + i * ldc;
                if (!transB) {
                    for (int j = 0; j < N; j++) c[ci + j] = beta == 0 ? 0 : beta * c[ci + j];
                    for (int p = 0; p < K; p++) {
                        double s = alpha * (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
                        int bp = bOff + p * ldb;
                        for (int j = 0; j < N; j++) c[ci + j] += s * b[bp + j];
                    }
                } else {
                    for (int j = 0; j < N; j++) {
                        double sum = 0;
                        int bj = bOff + j * ldb;
                        for (int p = 0; p < K; p++) {
                            sum += (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]) * b[bj + p];
                        }
                        c[ci + j] = alpha * sum + (beta == 0 ? 0 : beta * c[ci + j]);
                    }
                }
            }
        });
    }
}
