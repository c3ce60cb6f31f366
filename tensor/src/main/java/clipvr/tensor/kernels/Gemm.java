package clipvr.tensor.kernels;

/**
 * General matrix multiply, the hot path of the project.
 *
 * <pre>
 *   C[M,N] = alpha * op(A)[M,K] * op(B)[K,N] + beta * C        op(X) = transX ? X^T : X
 * </pre>
 * Row-major storage with offsets and leading dimensions (elements between the starts of consecutive
 * stored rows), so any contiguous buffer or sub-buffer can be passed:
 * <pre>
 *   A is stored (transA ? K x M : M x K) at a[aOff + row*lda + col]
 *   B is stored (transB ? N x K : K x N) at b[bOff + row*ldb + col]
 *   C is stored  M x N                   at c[cOff + row*ldc + col]
 * </pre>
 * As in BLAS, {@code beta == 0} means C is write-only (NaN in C does not leak), and K == 0 or
 * alpha == 0 just scales C by beta. A linear layer y[T,out] = x[T,in] * W[out,in]^T is
 * {@code sgemm(false, true, T, out, in, 1, x, 0, in, w, 0, in, 0, y, 0, out)}.
 *
 * <p>Implementation: {@link GemmSimd} (packed, cache-blocked, Vector API micro-kernel, split over
 * {@link Parallel#THREADS}) unless {@code -Dclipvr.kernels=reference} selects {@link GemmReference}.
 */
public final class Gemm {
    private Gemm() {}

    private static final boolean REFERENCE = "reference".equals(System.getProperty("clipvr.kernels"));

    /** M*N*K at or below which the unpacked {@link GemmSmall} path is used (about 16^3). */
    static final long SMALL_WORK = 4096;
    /**
     * M*N*K below which one thread does the whole product (about 200^3 = 16 MFLOP, ~0.2 ms on one core).
     * Measured: handing work to {@link Parallel}'s pool costs tens of microseconds (both chunks wait for
     * parked workers to wake), so 128^3 runs at ~74 GFLOP/s on one thread but ~45 on two.
     */
    static final long PARALLEL_WORK = 1L << 23;

    /** True when {@code -Dclipvr.kernels=reference} selected the plain-loop kernels (read once). */
    public static boolean useReference() { return REFERENCE; }

    /** C[M,N] = alpha * op(A)[M,K] * op(B)[K,N] + beta * C in float32. */
    public static void sgemm(boolean transA, boolean transB, int M, int N, int K, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        check(transA, transB, M, N, K, a.length, aOff, lda, b.length, bOff, ldb, c.length, cOff, ldc, 1, 0, 0, 0);
        if (M == 0 || N == 0) return;
        if (REFERENCE) {
            GemmReference.sgemm(transA, transB, M, N, K, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else {
            fast(transA, transB, M, N, K, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, true);
        }
    }

    /** The fast path whatever {@code clipvr.kernels} says (for tests comparing it with the reference). */
    static void sgemmFast(boolean transA, boolean transB, int M, int N, int K, float alpha,
                          float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                          float beta, float[] c, int cOff, int ldc) {
        check(transA, transB, M, N, K, a.length, aOff, lda, b.length, bOff, ldb, c.length, cOff, ldc, 1, 0, 0, 0);
        if (M == 0 || N == 0) return;
        fast(transA, transB, M, N, K, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, true);
    }

    /** C[M,N] = alpha * op(A)[M,K] * op(B)[K,N] + beta * C in float64 (plain loops; for gradient checks). */
    public static void dgemm(boolean transA, boolean transB, int M, int N, int K, double alpha,
                             double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                             double beta, double[] c, int cOff, int ldc) {
        check(transA, transB, M, N, K, a.length, aOff, lda, b.length, bOff, ldb, c.length, cOff, ldc, 1, 0, 0, 0);
        if (M == 0 || N == 0) return;
        if (REFERENCE) {
            GemmReference.dgemm(transA, transB, M, N, K, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else {
            GemmDouble.dgemm(transA, transB, M, N, K, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    /**
     * For t in [0, batch): C_t = alpha * op(A_t) * op(B_t) + beta * C_t, where matrix t of each operand
     * starts at {@code off + t*stride}. strideA or strideB may be 0 to broadcast one matrix over the
     * batch (strideC must then still separate the outputs).
     *
     * <p>Threads go across the batch when it divides well between them (attention: 384 products of
     * 50x64x50, each one thread's job), otherwise within each product (few large matrices).
     */
    public static void sgemmBatched(boolean transA, boolean transB, int batch, int M, int N, int K, float alpha,
                                    float[] a, int aOff, int strideA, int lda,
                                    float[] b, int bOff, int strideB, int ldb,
                                    float beta, float[] c, int cOff, int strideC, int ldc) {
        if (batch < 0) throw new IllegalArgumentException("batch < 0: " + batch);
        check(transA, transB, M, N, K, a.length, aOff, lda, b.length, bOff, ldb, c.length, cOff, ldc,
                batch, strideA, strideB, strideC);
        if (batch == 0 || M == 0 || N == 0) return;
        if (REFERENCE) {
            GemmReference.sgemmBatched(transA, transB, batch, M, N, K, alpha, a, aOff, strideA, lda,
                    b, bOff, strideB, ldb, beta, c, cOff, strideC, ldc);
        } else {
            batchedFast(transA, transB, batch, M, N, K, alpha, a, aOff, strideA, lda,
                    b, bOff, strideB, ldb, beta, c, cOff, strideC, ldc);
        }
    }

    /** Fast batched path whatever {@code clipvr.kernels} says (arguments already checked by the caller). */
    static void batchedFast(boolean transA, boolean transB, int batch, int M, int N, int K, float alpha,
                            float[] a, int aOff, int strideA, int lda,
                            float[] b, int bOff, int strideB, int ldb,
                            float beta, float[] c, int cOff, int strideC, int ldc) {
        long work = (long) M * N * K;
        int T = Parallel.THREADS;
        boolean acrossBatch = batch >= T && (batch % T == 0 || batch >= 4 * T || work < PARALLEL_WORK);
        if (acrossBatch) {
            Parallel.forRange(batch, Math.max(1, work), (from, to) -> {
                for (int t = from; t < to; t++) {
                    fast(transA, transB, M, N, K, alpha, a, aOff + t * strideA, lda, b, bOff + t * strideB, ldb,
                            beta, c, cOff + t * strideC, ldc, false);
                }
            });
        } else {
            for (int t = 0; t < batch; t++) {
                fast(transA, transB, M, N, K, alpha, a, aOff + t * strideA, lda, b, bOff + t * strideB, ldb,
                        beta, c, cOff + t * strideC, ldc, true);
            }
        }
    }

    /** Fast float path for one product (M, N >= 1), optionally split over threads. */
    private static void fast(boolean transA, boolean transB, int M, int N, int K, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc, boolean threads) {
        long work = (long) M * N * K;
        if (K == 0 || alpha == 0f) {
            scale(M, N, beta, c, cOff, ldc);
        } else if (M <= 4 || work <= SMALL_WORK) {
            GemmSmall.sgemm(transA, transB, M, N, K, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else if (!threads || Parallel.THREADS == 1 || work < PARALLEL_WORK || Parallel.inside()) {
            GemmSimd.serial(transA, transB, M, N, K, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else {
            // Split C into row strips (whole MR tiles) or column strips (whole NR tiles). The operand all strips
            // read (B for row strips, A for column strips) is packed once, in parallel, into a per-caller buffer
            // (sharedB / sharedA; each strip packs its own copy only past SHARE_MAX_FLOATS), and each strip packs its
            // own part of the other. When both ways give each thread at least two tiles, M >= N takes rows, else
            // columns; otherwise the way with more tiles, for near-equal shares.
            int mr = GemmKernel.MR, nr = GemmKernel.NR, T = Parallel.THREADS;
            int tilesM = (M + mr - 1) / mr, tilesN = (N + nr - 1) / nr;
            boolean rowStrips = tilesM >= 2 * T && tilesN >= 2 * T ? M >= N : tilesM >= tilesN;
            // With the shared operand packed once (sharedB / sharedA) a strip costs nothing extra to start, so C is
            // cut into Parallel.CHUNKS_PER_THREAD strips per thread, claimed one at a time: on a busy or shared machine one
            // core often runs slower than the other for a while (on this 2-core VM, 200 ms windows of one thread per
            // core: 47-88 GFLOP/s each, their dips at different times), and with one fixed half per thread every
            // product waited for the slower one.
            if (rowStrips) {
                float[] packedB = sharedB(transB, N, K, b, bOff, ldb);
                Parallel.forRange(tilesM, (long) mr * N * K, packedB != null ? Parallel.CHUNKS_PER_THREAD : 1, (from, to) -> {
                    int i0 = from * mr, i1 = Math.min(M, to * mr);
                    int aSub = transA ? aOff + i0 : aOff + i0 * lda;
                    GemmSimd.serial(transA, transB, i1 - i0, N, K, alpha, a, aSub, lda, b, bOff, ldb,
                            beta, c, cOff + i0 * ldc, ldc, packedB);
                });
            } else {
                float[] packedA = sharedA(transA, M, K, a, aOff, lda);
                Parallel.forRange(tilesN, (long) nr * M * K, packedA != null ? Parallel.CHUNKS_PER_THREAD : 1, (from, to) -> {
                    int j0 = from * nr, j1 = Math.min(N, to * nr);
                    int bSub = transB ? bOff + j0 * ldb : bOff + j0;
                    GemmSimd.serial(transA, transB, M, j1 - j0, K, alpha, a, aOff, lda, b, bSub, ldb,
                            beta, c, cOff + j0, ldc, packedA, null);
                });
            }
        }
    }

    /** Largest packed operand (floats) that the strips share: 4 Mi floats, 16 MiB. */
    static final long SHARE_MAX_FLOATS = 1L << 22;

    /** The calling thread's buffer for a shared packed B; grows once to the largest B it packs. */
    private static final ThreadLocal<float[]> SHARED_B = ThreadLocal.withInitial(() -> new float[0]);

    /**
     * All of op(B) packed once for the row strips of one product ({@link GemmSimd#packAllB}, in parallel), or null when
     * it would take more than {@link #SHARE_MAX_FLOATS}: then each strip packs all of B itself, block by block. Each
     * strip packing all of B cost as much as a weight gradient's A (dW = dYᵀ·X at clipvr-mini's shapes, out = 128-512
     * rows, K = 16,640 positions: 5 % of a pretraining step in the duplicate), and a strip that packs nothing can be
     * short (see {@link Parallel#CHUNKS_PER_THREAD}). Same panels, same bits.
     */
    private static float[] sharedB(boolean transB, int N, int K, float[] b, int bOff, int ldb) {
        float[] into = sharedBuffer(SHARED_B, GemmSimd.packedSize(N, K));
        if (into != null) GemmSimd.packAllB(transB, N, K, b, bOff, ldb, into);
        return into;
    }

    /** The calling thread's buffer for a shared packed A; grows once to the largest A it packs. */
    private static final ThreadLocal<float[]> SHARED_A = ThreadLocal.withInitial(() -> new float[0]);

    /**
     * All of op(A) packed once for the column strips of one product ({@link GemmSimd#packAllA}, in parallel), or null
     * when it would take more than {@link #SHARE_MAX_FLOATS}: then each strip packs all of A itself. Column strips
     * are what the text forward's products take (448 rows by 512-2048 columns at batch 32). Same panels, same bits.
     */
    private static float[] sharedA(boolean transA, int M, int K, float[] a, int aOff, int lda) {
        float[] into = sharedBuffer(SHARED_A, GemmSimd.packedSizeA(M, K));
        if (into != null) GemmSimd.packAllA(transA, M, K, a, aOff, lda, into);
        return into;
    }

    /** The calling thread's buffer in {@code local}, grown to at least {@code size} floats; null past {@link #SHARE_MAX_FLOATS}. */
    private static float[] sharedBuffer(ThreadLocal<float[]> local, long size) {
        if (size > SHARE_MAX_FLOATS) return null;
        float[] into = local.get();
        if (into.length < size) local.set(into = new float[(int) size]);
        return into;
    }

    /** C[M,N] = beta * C (beta == 0 writes zeros without reading C). */
    private static void scale(int M, int N, float beta, float[] c, int cOff, int ldc) {
        if (beta == 1f) return;
        for (int i = 0; i < M; i++) {
            for (int j = 0, ci = cOff + i * ldc; j < N; j++) c[ci + j] = beta == 0f ? 0f : beta * c[ci + j];
        }
    }

    /** Validates shapes, leading dimensions and that every addressed element is inside its array. */
    private static void check(boolean transA, boolean transB, int M, int N, int K,
                              int aLen, int aOff, int lda, int bLen, int bOff, int ldb, int cLen, int cOff, int ldc,
                              int batch, int strideA, int strideB, int strideC) {
        if (M < 0 || N < 0 || K < 0) throw new IllegalArgumentException("negative shape M=" + M + " N=" + N + " K=" + K);
        if (batch == 0 || M == 0 || N == 0) return;
        if (K > 0) {
            extent("A", transA ? K : M, transA ? M : K, aLen, aOff, lda, batch, strideA);
            extent("B", transB ? N : K, transB ? K : N, bLen, bOff, ldb, batch, strideB);
        }
        extent("C", M, N, cLen, cOff, ldc, batch, strideC);
    }

    private static void extent(String name, int rows, int cols, int len, int off, int ld, int batch, int stride) {
        if (ld < cols) throw new IllegalArgumentException("ld" + name.toLowerCase() + "=" + ld + " < " + cols + " columns");
        if (off < 0 || stride < 0) throw new IllegalArgumentException(name + ": negative offset or stride");
        long last = off + (long) (batch - 1) * stride + (long) (rows - 1) * ld + cols - 1;
        if (last >= len) {
            throw new IllegalArgumentException(name + " (" + rows + "x" + cols + ", ld=" + ld + ", off=" + off
                    + ", batch=" + batch + ", stride=" + stride + ") needs index " + last + " but length is " + len);
        }
    }
}
