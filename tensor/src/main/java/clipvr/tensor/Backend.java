package clipvr.tensor;

import clipvr.tensor.ops.BinaryOp;
import clipvr.tensor.ops.ReduceOp;
import clipvr.tensor.ops.UnaryOp;

/**
 * The kernels every device must provide. Ops ({@code clipvr.tensor.ops}) do the shape logic and
 * allocation, then call these on outputs they allocated. Autograd only ever calls ops, so a new backend
 * (CUDA through FFM, or TornadoVM) slots in by implementing this interface for its device's storages.
 *
 * <p>Conventions: "rows" kernels see a contiguous tensor as a matrix [rows, n] and work on each row;
 * {@code out} is always contiguous and freshly allocated by the caller unless stated otherwise.
 */
public interface Backend {
    /** A short name for the start-up line and benchmarks, e.g. "cpu-simd(512-bit, 2 threads)". */
    String name();

    /** dst ← src for two views of the same shape (any strides, any dtypes; dst may be a strided view). */
    void copy(Tensor src, Tensor dst);

    /** out = op(x); x has out's shape with any strides. */
    void unary(UnaryOp op, Tensor x, Tensor out);

    /** out = op(a, b); a and b are already expanded (stride-0 views) to out's shape. */
    void binary(BinaryOp op, Tensor a, Tensor b, Tensor out);

    /** out = cond != 0 ? a : b; all expanded to out's shape. */
    void where(Tensor cond, Tensor a, Tensor b, Tensor out);

    /** out = min(max(x, lo), hi). */
    void clamp(Tensor x, double lo, double hi, Tensor out);

    /** out[r] = reduction of x[r, 0..n) for contiguous x seen as [rows, n]. */
    void reduceRows(ReduceOp op, Tensor x, int rows, int n, Tensor out);

    /** out[r] = first index of the maximum of x[r, 0..n). */
    void argmaxRows(Tensor x, int rows, int n, int[] out);

    /** Row-wise (log-)softmax of contiguous x seen as [rows, n]. */
    void softmaxRows(Tensor x, int rows, int n, boolean log, Tensor out);

    /**
     * Row-wise layer norm: out = (x - mean) · rstd · weight + bias, weight/bias [n] or null;
     * also writes mean[rows] and rstd[rows] = 1/sqrt(var + eps) (biased variance) for the backward pass.
     */
    void layerNormRows(Tensor x, int rows, int n, Tensor weight, Tensor bias, double eps, Tensor out, Tensor mean, Tensor rstd);

    /**
     * Row-wise layer-norm backward to the input: with x̂ = (x - mean)·rstd and d = g·weight (weight [n] or
     * null), dx = rstd · (d - mean(d) - x̂ · mean(d·x̂)); x, g contiguous [rows, n], mean/rstd [rows].
     */
    void layerNormBackwardRows(Tensor x, Tensor g, int rows, int n, Tensor weight, Tensor mean, Tensor rstd, Tensor dx);

    /**
     * Batched matrix product on contiguous buffers: for each p in [0, batch),
     * C_p[M,N] = alpha · op(A_p) · op(B_p) + beta · C_p, with A_p at aOff + p·strideA (row-major, leading dim lda)
     * and likewise for B and C. strideA or strideB may be 0 to broadcast one matrix.
     */
    void gemm(boolean transA, boolean transB, int batch, int m, int n, int k, double alpha,
              Tensor a, int aOff, int strideA, int lda, Tensor b, int bOff, int strideB, int ldb,
              double beta, Tensor c, int cOff, int strideC, int ldc);
}
