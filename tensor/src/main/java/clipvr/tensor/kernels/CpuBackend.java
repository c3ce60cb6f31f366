package clipvr.tensor.kernels;

import clipvr.tensor.Backend;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import clipvr.tensor.ops.BinaryOp;
import clipvr.tensor.ops.ReduceOp;
import clipvr.tensor.ops.UnaryOp;

/**
 * The CPU backend: float32 goes to {@link SimdKernels} and the blocked {@link Gemm}; float64, and
 * everything when {@code -Dclipvr.kernels=reference} is set, goes to {@link ReferenceKernels}.
 */
public final class CpuBackend implements Backend {
    /** True when {@code -Dclipvr.kernels=reference} forces the readable kernels everywhere. */
    public static final boolean REFERENCE = "reference".equalsIgnoreCase(System.getProperty("clipvr.kernels", "simd"));

    private final boolean reference;

    public CpuBackend(boolean reference) { this.reference = reference; }

    public boolean isReference() { return reference; }

    @Override public String name() {
        return reference ? "cpu-reference (" + Parallel.THREADS + " threads" + scheduler() + ")"
                : "cpu-simd (" + SimdKernels.S.vectorBitSize() + "-bit vectors, " + Parallel.THREADS + " threads" + scheduler() + ")";
    }

    /** ", forkjoin" when {@code -Dclipvr.parallel=forkjoin} replaced the default team scheduler ({@link Parallel}). */
    private static String scheduler() {
        return Parallel.THREADS > 1 && !Parallel.SCHEDULER.equals("team") ? ", " + Parallel.SCHEDULER : "";
    }

    @Override public void copy(Tensor src, Tensor dst) {
        if (reference) ReferenceKernels.copy(src, dst); else SimdKernels.copy(src, dst);
    }

    @Override public void unary(UnaryOp op, Tensor x, Tensor out) {
        if (reference) ReferenceKernels.unary(op, x, out); else SimdKernels.unary(op, x, out);
    }

    @Override public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        if (reference) ReferenceKernels.binary(op, a, b, out); else SimdKernels.binary(op, a, b, out);
    }

    @Override public void where(Tensor cond, Tensor a, Tensor b, Tensor out) { ReferenceKernels.where(cond, a, b, out); }

    @Override public void clamp(Tensor x, double lo, double hi, Tensor out) { ReferenceKernels.clamp(x, lo, hi, out); }

    @Override public void reduceRows(ReduceOp op, Tensor x, int rows, int n, Tensor out) {
        if (reference) ReferenceKernels.reduceRows(op, x, rows, n, out); else SimdKernels.reduceRows(op, x, rows, n, out);
    }

    @Override public void argmaxRows(Tensor x, int rows, int n, int[] out) { ReferenceKernels.argmaxRows(x, rows, n, out); }

    @Override public void softmaxRows(Tensor x, int rows, int n, boolean log, Tensor out) {
        if (reference) ReferenceKernels.softmaxRows(x, rows, n, log, out); else SimdKernels.softmaxRows(x, rows, n, log, out);
    }

    @Override public void layerNormRows(Tensor x, int rows, int n, Tensor weight, Tensor bias, double eps,
                                        Tensor out, Tensor mean, Tensor rstd) {
        if (reference) ReferenceKernels.layerNormRows(x, rows, n, weight, bias, eps, out, mean, rstd);
        else SimdKernels.layerNormRows(x, rows, n, weight, bias, eps, out, mean, rstd);
    }

    @Override public void layerNormBackwardRows(Tensor x, Tensor g, int rows, int n, Tensor weight, Tensor mean, Tensor rstd, Tensor dx) {
        if (reference) ReferenceKernels.layerNormBackwardRows(x, g, rows, n, weight, mean, rstd, dx);
        else SimdKernels.layerNormBackwardRows(x, g, rows, n, weight, mean, rstd, dx);
    }

    @Override public void gemm(boolean transA, boolean transB, int batch, int m, int n, int k, double alpha,
                               Tensor a, int aOff, int strideA, int lda, Tensor b, int bOff, int strideB, int ldb,
                               double beta, Tensor c, int cOff, int strideC, int ldc) {
        if (c.dtype() == DType.F32) {
            Gemm.sgemmBatched(transA, transB, batch, m, n, k, (float) alpha, a.f32(), aOff, strideA, lda,
                    b.f32(), bOff, strideB, ldb, (float) beta, c.f32(), cOff, strideC, ldc);
        } else {
            for (int p = 0; p < batch; p++)
                Gemm.dgemm(transA, transB, m, n, k, alpha, a.f64(), aOff + p * strideA, lda,
                        b.f64(), bOff + p * strideB, ldb, beta, c.f64(), cOff + p * strideC, ldc);
        }
    }
}
