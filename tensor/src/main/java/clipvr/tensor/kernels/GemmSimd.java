package clipvr.tensor.kernels;

import static clipvr.tensor.kernels.GemmKernel.MR;
import static clipvr.tensor.kernels.GemmKernel.NR;

/**
 * Fast float32 GEMM, GotoBLAS/BLIS style: C[M,N] = alpha * op(A)[M,K] * op(B)[K,N] + beta * C.
 *
 * <h2>Blocking (five loops around the {@link GemmKernel} micro-kernel)</h2>
 * <pre>
 *   for jc in N step NC                       B panel  op(B)[pc:pc+kc, jc:jc+nc]  packed -> bp (L3 / L2)
 *     for pc in K step KC                     (pack B here: KC x NC, NR-column micro-panels)
 *       for ic in M step MC                   A block  op(A)[ic:ic+mc, pc:pc+kc]  packed -> ap (L2)
 *         for jr in nc step NR                B micro-panel KC x NR, reused for all mc/MR row tiles
 *           for ir in mc step MR              A micro-panel MR x KC
 *             C[ic+ir.., jc+jr..] (+)= micro-kernel(kc)   (beta on the first k block, 1 afterwards)
 * </pre>
 * Cache budget on Zen 4 (per core: 32 KiB L1d, 1 MiB L2, 32 MiB shared L3), MR = 6, NR = 64:
 * <ul>
 *   <li>the A block MC x KC = 96 x 512 floats = 192 KiB sits in L2 and is swept once per B
 *       micro-panel; its MR x KC micro-panel (12 KiB) is what each tile streams from it;</li>
 *   <li>the B micro-panel KC x NR = 512 x 64 floats = 128 KiB does not fit L1 but lives in L2 next
 *       to the A block and is re-read MC/MR = 16 times; the kernel needs only (MR + NR) * 4 = 280
 *       bytes per 6 x 64 FMAs (about 12 B/cycle at one 16-wide FMA per cycle), well under the L2
 *       bandwidth, and the accesses are sequential, so the hardware prefetcher hides the latency;</li>
 *   <li>the B panel KC x NC = 512 x 3072 floats = 6 MiB sits in L3 and is reused M/MC times;</li>
 *   <li>a large KC amortises the 24 loads + 24 stores of C per tile over 24 * KC FMAs (&lt; 1%).</li>
 * </ul>
 * With AVX2 (16 registers) the micro-tile is 4 x 2 vectors, MR = 4, NR = 16 ({@link GemmKernelAvx2}), the same blocking.
 * Measured on this machine (2 threads, best of 20): KC in {384, 512}, MC in {96, 120} are all within
 * noise of each other (175-186 GFLOP/s); KC = 256 or MC = 60 lose 10-20% (C traffic, kernel call
 * overhead), MC = 240 / KC = 768 lose a little (A block and B micro-panel crowd L2).
 * K and M are split into equal blocks not larger than KC and MC (e.g. K = 400 becomes 2 x 200, not
 * 384 + 16) so no block is degenerate. Packed panels are zero padded to whole micro-tiles; the edge
 * tiles of C are written through a scratch tile. Transposes are absorbed by the packing routines.
 *
 * <p>This class is single threaded; {@link Gemm} splits C between threads and calls {@link #serial}
 * on each part. Packing buffers are per thread and grow once, so steady state allocates nothing.
 */
final class GemmSimd {
    private GemmSimd() {}

    /** Depth of a k block (floats). Tunable for experiments: -Dclipvr.gemm.kc. */
    static final int KC = Integer.getInteger("clipvr.gemm.kc", 512);
    /** Rows of an A block; rounded to a multiple of MR. -Dclipvr.gemm.mc. */
    static final int MC = roundUp(Integer.getInteger("clipvr.gemm.mc", 96), MR);
    /** Columns of a B panel; rounded to a multiple of NR. -Dclipvr.gemm.nc. */
    static final int NC = roundUp(Integer.getInteger("clipvr.gemm.nc", 3072), NR);

    /** Per-thread packing buffers: A block, B panel, and one scratch micro-tile. */
    private static final class Buffers {
        float[] ap = new float[0], bp = new float[0];
        final float[] scratch = new float[MR * NR];
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    static int roundUp(int x, int m) { return (x + m - 1) / m * m; }

    /** Splits n into ceil(n / max) equal blocks; returns the block size (a multiple of quantum). */
    private static int blockSize(int n, int max, int quantum) {
        int blocks = (n + max - 1) / max;
        return Math.min(max, roundUp((n + blocks - 1) / blocks, quantum));
    }

    /** Single-threaded sgemm on any shape (M, N, K >= 1). */
    static void serial(boolean transA, boolean transB, int M, int N, int K, float alpha,
                       float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float beta, float[] c, int cOff, int ldc) {
        serial(transA, transB, M, N, K, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, null);
    }

    /**
     * {@link #serial} that takes its B panels from {@code packedB} (all of op(B) packed by {@link #packAllB}) when it is
     * not null, instead of packing each one itself.
     */
    static void serial(boolean transA, boolean transB, int M, int N, int K, float alpha,
                       float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float beta, float[] c, int cOff, int ldc, float[] packedB) {
        serial(transA, transB, M, N, K, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, null, packedB);
    }

    /**
     * {@link #serial} that also takes its A blocks from {@code packedA} (all of op(A) packed by {@link #packAllA} for
     * this M and K) when it is not null: the column strips of one C share one packed A.
     */
    static void serial(boolean transA, boolean transB, int M, int N, int K, float alpha,
                       float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float beta, float[] c, int cOff, int ldc, float[] packedA, float[] packedB) {
        Buffers buf = BUFFERS.get();
        int kcMax = blockSize(K, KC, 1);
        int mcMax = blockSize(M, MC, MR);
        int ncMax = Math.min(NC, roundUp(N, NR));
        if (packedA == null && buf.ap.length < mcMax * kcMax) buf.ap = new float[mcMax * kcMax];
        if (packedB == null && buf.bp.length < ncMax * kcMax) buf.bp = new float[ncMax * kcMax];
        float[] ap = packedA != null ? packedA : buf.ap, bp = packedB != null ? packedB : buf.bp, scratch = buf.scratch;

        for (int jc = 0; jc < N; jc += ncMax) {
            int nc = Math.min(ncMax, N - jc);
            for (int pc = 0; pc < K; pc += kcMax) {
                int kc = Math.min(kcMax, K - pc);
                int b0 = 0;                                       // where this block's B panels start in bp
                if (packedB == null) GemmPack.packB(transB, b, bOff, ldb, pc, kc, jc, nc, bp);
                else b0 = packedOffset(jc, pc, nc, K);
                float betaK = pc == 0 ? beta : 1f;
                for (int ic = 0; ic < M; ic += mcMax) {
                    int mc = Math.min(mcMax, M - ic);
                    int a0 = 0;                                   // where this block's A panels start in ap
                    if (packedA == null) GemmPack.packA(transA, a, aOff, lda, ic, mc, pc, kc, ap);
                    else a0 = packedOffsetA(ic, pc, mc, K);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            int cIdx = cOff + (ic + ir) * ldc + jc + jr;
                            // micro-panel r of ap starts at r*MR*kc = ir*kc; likewise for bp.
                            if (mr == MR && nr == NR) {
                                GemmKernel.tile(kc, ap, a0 + ir * kc, bp, b0 + jr * kc, alpha, betaK, c, cIdx, ldc);
                            } else {
                                GemmKernel.edge(mr, nr, kc, ap, a0 + ir * kc, bp, b0 + jr * kc, alpha, betaK,
                                        c, cIdx, ldc, scratch);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Size of all of op(B) [K, N] packed by {@link #packAllB}: every block's NR-column panels, N rounded up to whole
     * panels.
     */
    static long packedSize(int N, int K) { return (long) roundUp(N, NR) * K; }

    /**
     * Start of block (jc, pc) of a B packed by {@link #packAllB}: the blocks of one column block jc (all ncMax wide, a
     * multiple of NR, but the last) lie one after another in k, and each column block holds K rows of its panels.
     */
    private static int packedOffset(int jc, int pc, int nc, int K) { return jc * K + pc * roundUp(nc, NR); }

    /** Size of all of op(A) [M, K] packed by {@link #packAllA}: every block's MR-row panels, M rounded up to whole panels. */
    static long packedSizeA(int M, int K) { return (long) roundUp(M, MR) * K; }

    /**
     * Start of block (ic, pc) of an A packed by {@link #packAllA}: the blocks of one row block ic (all mcMax high, a
     * multiple of MR, but the last) lie one after another in k, and each row block holds K columns of its panels.
     */
    private static int packedOffsetA(int ic, int pc, int mc, int K) { return ic * K + pc * roundUp(mc, MR); }

    /**
     * Packs all of op(A) [M, K] into {@code into} (at least {@link #packedSizeA} long), every (ic, pc) block as
     * {@link #serial} would pack it for this M and K, so that threads computing different column strips of one C share
     * one packed A instead of each packing all of it. Blocks are packed in parallel.
     */
    static void packAllA(boolean transA, int M, int K, float[] a, int aOff, int lda, float[] into) {
        int kcMax = blockSize(K, KC, 1), mcMax = blockSize(M, MC, MR);
        int kBlocks = (K + kcMax - 1) / kcMax, mBlocks = (M + mcMax - 1) / mcMax;
        Parallel.forRange(kBlocks * mBlocks, (long) kcMax * Math.min(M, mcMax), (from, to) -> {
            for (int blk = from; blk < to; blk++) {
                int ic = blk / kBlocks * mcMax, pc = blk % kBlocks * kcMax;
                int mc = Math.min(mcMax, M - ic), kc = Math.min(kcMax, K - pc);
                GemmPack.packA(transA, a, aOff, lda, ic, mc, pc, kc, into, packedOffsetA(ic, pc, mc, K));
            }
        });
    }

    /**
     * Packs all of op(B) [K, N] into {@code into} (at least {@link #packedSize} long), every (jc, pc) block as
     * {@link #serial} would pack it, so that threads computing different row strips of one C can share one packed B
     * instead of each packing all of it. Blocks are packed in parallel.
     */
    static void packAllB(boolean transB, int N, int K, float[] b, int bOff, int ldb, float[] into) {
        int kcMax = blockSize(K, KC, 1), ncMax = Math.min(NC, roundUp(N, NR));
        int kBlocks = (K + kcMax - 1) / kcMax, nBlocks = (N + ncMax - 1) / ncMax;
        Parallel.forRange(kBlocks * nBlocks, (long) kcMax * Math.min(N, ncMax), (from, to) -> {
            for (int blk = from; blk < to; blk++) {
                int jc = blk / kBlocks * ncMax, pc = blk % kBlocks * kcMax;
                int nc = Math.min(ncMax, N - jc), kc = Math.min(kcMax, K - pc);
                GemmPack.packB(transB, b, bOff, ldb, pc, kc, jc, nc, into, packedOffset(jc, pc, nc, K));
            }
        });
    }
}
