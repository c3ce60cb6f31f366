package clipvr.tensor.kernels;

import static clipvr.tensor.kernels.GemmKernel.L;
import static clipvr.tensor.kernels.GemmKernel.MR;
import static clipvr.tensor.kernels.GemmKernel.NR;
import static clipvr.tensor.kernels.GemmKernel.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Packing of op(A) and op(B) blocks into the micro-panel layouts read by {@link GemmKernel}; this is
 * where transA / transB are absorbed (no transpose is ever materialised).
 *
 * <pre>
 *   ap[r*MR*kc + p*MR + i] = op(A)(ic + r*MR + i, pc + p)    MR-row micro-panels, zero padded
 *   bp[s*NR*kc + p*NR + j] = op(B)(pc + p, jc + s*NR + j)    NR-column micro-panels, zero padded
 * </pre>
 * The transposed B case (every linear layer: weights are [out, in]) is a real transpose of the
 * stored rows; with 16-lane vectors it runs on 16 x 16 register blocks transposed with 4 rounds of
 * two-source lane permutes ({@code selectFrom}, one vpermt2ps each), so it costs about a plain copy
 * (8 x 8 blocks with AVX2's 8 lanes). With AVX2's 4-row panels both A cases go through registers too
 * ({@link #interleave4x8}, {@link #packATransposed4x8}); the scalar loops remain the readable form
 * (every path is checked element by element against the definition above in GemmPackTest).
 */
final class GemmPack {
    private GemmPack() {}

    /**
     * Packs op(A)[ic:ic+mc, pc:pc+kc] into MR-row micro-panels: ap[r*MR*kc + p*MR + i] = op(A)(ic + r*MR + i, pc + p),
     * rows past mc are zero.
     */
    static void packA(boolean transA, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, float[] ap) {
        packA(transA, a, aOff, lda, ic, mc, pc, kc, ap, 0);
    }

    /** {@link #packA} into {@code ap} from {@code apOff} on (a block of an A packed whole, {@code GemmSimd.packAllA}). */
    static void packA(boolean transA, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, float[] ap, int apOff) {
        if (transA && L >= MR) {
            packATransposed(a, aOff, lda, ic, mc, pc, kc, ap, apOff);
            return;
        }
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir), dst = apOff + ir * kc;
            if (!transA && mr == MR && MR == 6) {
                // op(A)(i, p) = a[aOff + i*lda + p], a full panel: p outer, so the panel is written in order
                // (one stream) while its 6 source rows are read in order (6 streams); i outer wrote every
                // cache line of the panel 6 times at a stride of MR (JFR of the text forward: 4 % of the samples).
                int s0 = aOff + (ic + ir) * lda + pc, s1 = s0 + lda, s2 = s1 + lda, s3 = s2 + lda, s4 = s3 + lda, s5 = s4 + lda;
                for (int p = 0, d = dst; p < kc; p++, d += 6) {
                    ap[d] = a[s0 + p]; ap[d + 1] = a[s1 + p]; ap[d + 2] = a[s2 + p];
                    ap[d + 3] = a[s3 + p]; ap[d + 4] = a[s4 + p]; ap[d + 5] = a[s5 + p];
                }
            } else if (!transA && mr == MR && MR == 4) {
                // the same for the 4-row panels of the AVX2 tile: 8 k values at a time through registers, the rest scalar
                int s0 = aOff + (ic + ir) * lda + pc, s1 = s0 + lda, s2 = s1 + lda, s3 = s2 + lda;
                int p0 = L == 8 ? kc - kc % 8 : 0;
                for (int p = 0; p < p0; p += 8) interleave4x8(a, s0 + p, s1 + p, s2 + p, s3 + p, ap, dst + p * 4);
                for (int p = p0, d = dst + p0 * 4; p < kc; p++, d += 4) {
                    ap[d] = a[s0 + p]; ap[d + 1] = a[s1 + p]; ap[d + 2] = a[s2 + p]; ap[d + 3] = a[s3 + p];
                }
            } else if (!transA) {
                // op(A)(i, p) = a[aOff + i*lda + p]: each source row is contiguous in p.
                for (int i = 0; i < mr; i++) {
                    int src = aOff + (ic + ir + i) * lda + pc;
                    for (int p = 0; p < kc; p++) ap[dst + p * MR + i] = a[src + p];
                }
            } else {
                // op(A)(i, p) = a[aOff + p*lda + i], with scalars (vectors shorter than MR)
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (pc + p) * lda + ic + ir, d = dst + p * MR;
                    for (int i = 0; i < mr; i++) ap[d + i] = a[src + i];
                }
            }
            for (int i = mr; i < MR; i++) {
                for (int p = 0; p < kc; p++) ap[dst + p * MR + i] = 0f;
            }
        }
    }

    /** Indexes of {@link #interleave4x8}: pairs of rows ({@code selectFrom(x, y)}: 0-7 pick from x, 8-15 from y). */
    private static final float[] PAIR_LO = {0, 8, 1, 9, 2, 10, 3, 11}, PAIR_HI = {4, 12, 5, 13, 6, 14, 7, 15},
            QUAD_LO = {0, 1, 8, 9, 2, 3, 10, 11}, QUAD_HI = {4, 5, 12, 13, 6, 7, 14, 15};

    /**
     * Eight k values of a 4-row panel with 8-lane vectors: ap[dst + 4q + i] = row i[q], q < 8, from the rows starting
     * at a[s0], a[s1], a[s2], a[s3]. Two rounds of two-source permutes: pairs (row 0 with 1, row 2 with 3) interleave
     * element by element, then the pairs interleave two by two. 4 loads, 8 permutes, 4 stores for 32 values, where the
     * scalar copy took 32 loads and 32 stores (JFR with -XX:+DebugNonSafepoints: 8 % of a pretraining step in it).
     */
    private static void interleave4x8(float[] a, int s0, int s1, int s2, int s3, float[] ap, int dst) {
        FloatVector r0 = FloatVector.fromArray(S, a, s0), r1 = FloatVector.fromArray(S, a, s1);
        FloatVector r2 = FloatVector.fromArray(S, a, s2), r3 = FloatVector.fromArray(S, a, s3);
        FloatVector lo = FloatVector.fromArray(S, PAIR_LO, 0), hi = FloatVector.fromArray(S, PAIR_HI, 0);
        FloatVector t0 = lo.selectFrom(r0, r1), t1 = hi.selectFrom(r0, r1);   // r0[0] r1[0] r0[1] r1[1] ... | [4..7]
        FloatVector t2 = lo.selectFrom(r2, r3), t3 = hi.selectFrom(r2, r3);
        lo = FloatVector.fromArray(S, QUAD_LO, 0);
        hi = FloatVector.fromArray(S, QUAD_HI, 0);
        lo.selectFrom(t0, t2).intoArray(ap, dst);                               // k 0, 1: r0 r1 r2 r3 r0 r1 r2 r3
        hi.selectFrom(t0, t2).intoArray(ap, dst + 8);                           // k 2, 3
        lo.selectFrom(t1, t3).intoArray(ap, dst + 16);                          // k 4, 5
        hi.selectFrom(t1, t3).intoArray(ap, dst + 24);                          // k 6, 7
    }

    /**
     * {@link #packA} for a transposed A, op(A)(i, p) = a[aOff + p*lda + i]: every weight gradient dW = dYᵀ·X packs its
     * A this way. For fixed p the block's mc values are one contiguous run of source row pc + p, and each micro-panel
     * takes MR of them. Row by row (p outer), so each source row is read once and in order while each panel is one
     * sequential write stream; one masked MR-lane load and store per panel and p. In the last panel, lanes past mr
     * load as zeros and so write its zero padding. (Panel by panel instead, p inner, re-read every source row's cache
     * lines once per panel at a stride of lda: 14 % of a pretraining step in a JFR profile.)
     *
     * <p>Masks only where needed: a full L-lane store at p·MR spills L − MR lanes into the slots of p + 1, p + 2 …
     * of the same panel, which the following rows p overwrite, so only the last rows p (whose spill would reach the
     * next panel) store masked; a full load reads past the block, which only the last panel must not keep. With
     * masks on every load and store (the previous version) 8 % of a pretraining step sat in the masked stores'
     * lane-by-lane index check (JFR, 2026-12-06); the masked loads that would pass the array's end took the same slow
     * check (5 % of the step), so those few panel rows are now copied as scalars.
     */
    private static void packATransposed(float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, float[] ap, int apOff) {
        if (MR == 4 && L == 8) {
            packATransposed4x8(a, aOff, lda, ic, mc, pc, kc, ap, apOff);
            return;
        }
        int lastPanel = (mc - 1) / MR * MR;
        VectorMask<Float> panel = S.indexInRange(0, MR), last = S.indexInRange(0, mc - lastPanel);
        for (int p = 0; p < kc; p++) {
            int row = aOff + (pc + p) * lda + ic;
            boolean spillStaysInPanel = (kc - p) * MR >= L;                  // p·MR + L <= MR·kc
            for (int ir = 0; ir <= lastPanel; ir += MR) {
                int src = row + ir, dst = apOff + ir * kc + p * MR, rows = Math.min(MR, mc - ir);
                if (src > a.length - L) {                                    // a full load would pass the array's end
                    for (int i = 0; i < MR; i++) ap[dst + i] = i < rows ? a[src + i] : 0f;
                    continue;                                                // (masked, the JDK checks it lane by lane)
                }
                FloatVector v = ir < lastPanel ? FloatVector.fromArray(S, a, src) : FloatVector.fromArray(S, a, src, last);
                if (spillStaysInPanel) v.intoArray(ap, dst);
                else v.intoArray(ap, dst, panel);
            }
        }
    }

    /** {@code selectFrom(x, y)} indexes taking the low (high) 4 lanes of x, then of y. */
    private static final float[] HALVES_LO = {0, 1, 2, 3, 8, 9, 10, 11}, HALVES_HI = {4, 5, 6, 7, 12, 13, 14, 15};

    /**
     * {@link #packATransposed} for the 4-row panels of AVX2's 4 x 2 tile: four source rows p … p+3 at a time, so each
     * write is half of one panel's 64-byte line for those four k values. Two neighbouring panels take the 8 values of
     * one load: 4 loads, 4 permutes (the low or high halves of two rows) and 4 stores move 32 values, where the generic
     * loop moved 4 values with each load and store. The k tail (kc % 4 rows) and the panels of a last group of fewer
     * than 8 rows are copied as scalars, zero padded.
     */
    private static void packATransposed4x8(float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, float[] ap, int apOff) {
        int pairs = mc / 8 * 8, p4 = kc - kc % 4;
        FloatVector lo = FloatVector.fromArray(S, HALVES_LO, 0), hi = FloatVector.fromArray(S, HALVES_HI, 0);
        for (int p = 0; p < p4; p += 4) {
            int row0 = aOff + (pc + p) * lda + ic, row1 = row0 + lda, row2 = row1 + lda, row3 = row2 + lda;
            for (int ir = 0; ir < pairs; ir += 8) {
                FloatVector r0 = FloatVector.fromArray(S, a, row0 + ir), r1 = FloatVector.fromArray(S, a, row1 + ir);
                FloatVector r2 = FloatVector.fromArray(S, a, row2 + ir), r3 = FloatVector.fromArray(S, a, row3 + ir);
                int d = apOff + ir * kc + p * 4, next = d + 4 * kc;            // panel ir / 4 and the one after it
                lo.selectFrom(r0, r1).intoArray(ap, d);                        // k p, p+1: rows ir .. ir+3
                lo.selectFrom(r2, r3).intoArray(ap, d + 8);                    // k p+2, p+3
                hi.selectFrom(r0, r1).intoArray(ap, next);                     // rows ir+4 .. ir+7
                hi.selectFrom(r2, r3).intoArray(ap, next + 8);
            }
        }
        int rows = (mc + 3) / 4 * 4;
        for (int p = 0; p < kc; p++) {
            int src = aOff + (pc + p) * lda + ic;
            for (int i = p < p4 ? pairs : 0; i < rows; i++) ap[apOff + (i >> 2) * 4 * kc + p * 4 + (i & 3)] = i < mc ? a[src + i] : 0f;
        }
    }

    /**
     * Packs op(B)[pc:pc+kc, jc:jc+nc] into NR-column micro-panels: bp[s*NR*kc + p*NR + j] = op(B)(pc + p, jc + s*NR + j),
     * columns past nc are zero.
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] bp) {
        packB(transB, b, bOff, ldb, pc, kc, jc, nc, bp, 0);
    }

    /** {@link #packB} into bp from index {@code bpOff} on. */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] bp, int bpOff) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr), dst = bpOff + jr * kc;
            if (!transB) {
                // op(B)(p, j) = b[bOff + p*ldb + j]: rows of the micro-panel are contiguous copies.
                // Whole panels with vector copies: System.arraycopy's call per 16-float row was half of this loop's time.
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (pc + p) * ldb + jc + jr, d = dst + p * NR;
                    if (nr == NR) {
                        for (int j = 0; j < NR; j += L) FloatVector.fromArray(S, b, src + j).intoArray(bp, d + j);
                        continue;
                    }
                    System.arraycopy(b, src, bp, d, nr);
                    for (int j = nr; j < NR; j++) bp[d + j] = 0f;
                }
            } else if (nr == NR || (T > 0 && nr >= T)) {
                transposeCols(b, bOff + (jc + jr) * ldb + pc, ldb, kc, nr, bp, dst);
            } else {
                // op(B)(p, j) = b[bOff + j*ldb + p], partial micro-panel: scalar, in strips of 16 k
                // values so the 16 destination rows (16 x 256 B) stay in L1.
                for (int p0 = 0; p0 < kc; p0 += 16) {
                    int p1 = Math.min(kc, p0 + 16);
                    for (int j = 0; j < nr; j++) {
                        int src = bOff + (jc + jr + j) * ldb + pc;
                        for (int p = p0; p < p1; p++) bp[dst + p * NR + j] = b[src + p];
                    }
                    for (int j = nr; j < NR; j++) {
                        for (int p = p0; p < p1; p++) bp[dst + p * NR + j] = 0f;
                    }
                }
            }
        }
    }

    /**
     * Index vectors for the 4 transpose rounds (h = 8, 4, 2, 1): round h swaps the off-diagonal h x h
     * blocks of every 2h x 2h block of a 16 x 16 tile held in 16 vectors (rows i and i+h, i & h == 0):
     * <pre>
     *   row i'  [lane] = lane & h ? row(i+h)[lane - h] : row i[lane]        (LO[h])
     *   row i+h'[lane] = lane & h ? row(i+h)[lane]     : row i[lane + h]    (HI[h])
     * </pre>
     * as {@code selectFrom(row i, row i+h)} indexes: 0..L-1 pick from row i, L..2L-1 from row i+h.
     */
    private static final float[][] LO = new float[L][], HI = new float[L][];
    static {
        for (int h = 1; h < L; h <<= 1) {
            LO[h] = new float[L];
            HI[h] = new float[L];
            for (int lane = 0; lane < L; lane++) {
                boolean upper = (lane & h) != 0;
                LO[h][lane] = upper ? L + lane - h : lane;
                HI[h][lane] = upper ? L + lane : lane + h;
            }
        }
    }

    /** Side of the register-transposed blocks of {@link #transposeCols}: L for 16- and 8-lane vectors, else 0 (scalars). */
    static final int T = L == 16 || L == 8 ? L : 0;

    /**
     * NR-column micro-panel of a transposed B with nr valid columns (nr == NR, or nr >= T):
     * bp[dst + p*NR + j] = b[src + j*ldb + p] for p < kc, j < nr, zeros for nr <= j < NR.
     * Whole T x T blocks go through registers (16 x 16 with 16-lane vectors: 16 loads, 64 permutes, 16 stores;
     * 8 x 8 with AVX2's 8 lanes); other widths, the k tail shorter than T and the last nr % T columns use scalars.
     */
    private static void transposeCols(float[] b, int src, int ldb, int kc, int nr, float[] bp, int dst) {
        int pFull = T > 0 ? kc - kc % T : 0;
        int jFull = T > 0 ? nr - nr % T : 0;
        for (int jb = 0; jb < jFull; jb += T) {
            for (int p = 0; p < pFull; p += T) {
                if (T == 16) transpose16(b, src + jb * ldb + p, ldb, bp, dst + p * NR + jb);
                else transpose8(b, src + jb * ldb + p, ldb, bp, dst + p * NR + jb);
            }
        }
        for (int j = 0; j < NR; j++) {
            boolean vectorised = j < jFull;
            for (int p = vectorised ? pFull : 0; p < kc; p++) {
                bp[dst + p * NR + j] = j < nr ? b[src + j * ldb + p] : 0f;
            }
        }
    }

    /** One 8 x 8 block with 8-lane vectors (AVX2), as {@link #transpose16}: rounds h = 4, 2, 1. */
    private static void transpose8(float[] b, int src, int ldb, float[] bp, int dst) {
        FloatVector r0 = FloatVector.fromArray(S, b, src);
        FloatVector r1 = FloatVector.fromArray(S, b, src + 1 * ldb);
        FloatVector r2 = FloatVector.fromArray(S, b, src + 2 * ldb);
        FloatVector r3 = FloatVector.fromArray(S, b, src + 3 * ldb);
        FloatVector r4 = FloatVector.fromArray(S, b, src + 4 * ldb);
        FloatVector r5 = FloatVector.fromArray(S, b, src + 5 * ldb);
        FloatVector r6 = FloatVector.fromArray(S, b, src + 6 * ldb);
        FloatVector r7 = FloatVector.fromArray(S, b, src + 7 * ldb);
        FloatVector lo, hi, x;
        lo = FloatVector.fromArray(S, LO[4], 0);
        hi = FloatVector.fromArray(S, HI[4], 0);
        x = r0; r0 = lo.selectFrom(x, r4); r4 = hi.selectFrom(x, r4);
        x = r1; r1 = lo.selectFrom(x, r5); r5 = hi.selectFrom(x, r5);
        x = r2; r2 = lo.selectFrom(x, r6); r6 = hi.selectFrom(x, r6);
        x = r3; r3 = lo.selectFrom(x, r7); r7 = hi.selectFrom(x, r7);
        lo = FloatVector.fromArray(S, LO[2], 0);
        hi = FloatVector.fromArray(S, HI[2], 0);
        x = r0; r0 = lo.selectFrom(x, r2); r2 = hi.selectFrom(x, r2);
        x = r1; r1 = lo.selectFrom(x, r3); r3 = hi.selectFrom(x, r3);
        x = r4; r4 = lo.selectFrom(x, r6); r6 = hi.selectFrom(x, r6);
        x = r5; r5 = lo.selectFrom(x, r7); r7 = hi.selectFrom(x, r7);
        lo = FloatVector.fromArray(S, LO[1], 0);
        hi = FloatVector.fromArray(S, HI[1], 0);
        x = r0; r0 = lo.selectFrom(x, r1); r1 = hi.selectFrom(x, r1);
        x = r2; r2 = lo.selectFrom(x, r3); r3 = hi.selectFrom(x, r3);
        x = r4; r4 = lo.selectFrom(x, r5); r5 = hi.selectFrom(x, r5);
        x = r6; r6 = lo.selectFrom(x, r7); r7 = hi.selectFrom(x, r7);
        r0.intoArray(bp, dst);
        r1.intoArray(bp, dst + 1 * NR);
        r2.intoArray(bp, dst + 2 * NR);
        r3.intoArray(bp, dst + 3 * NR);
        r4.intoArray(bp, dst + 4 * NR);
        r5.intoArray(bp, dst + 5 * NR);
        r6.intoArray(bp, dst + 6 * NR);
        r7.intoArray(bp, dst + 7 * NR);
    }

    /**
     * One 16 x 16 block: row q of the source (b[src + q*ldb ..+16]) becomes column q of the
     * destination (bp[dst + t*NR + q], t < 16). Written out with 16 named registers because an array
     * of vectors would be boxed by the JIT.
     */
    private static void transpose16(float[] b, int src, int ldb, float[] bp, int dst) {
        FloatVector r0 = FloatVector.fromArray(S, b, src);
        FloatVector r1 = FloatVector.fromArray(S, b, src + 1 * ldb);
        FloatVector r2 = FloatVector.fromArray(S, b, src + 2 * ldb);
        FloatVector r3 = FloatVector.fromArray(S, b, src + 3 * ldb);
        FloatVector r4 = FloatVector.fromArray(S, b, src + 4 * ldb);
        FloatVector r5 = FloatVector.fromArray(S, b, src + 5 * ldb);
        FloatVector r6 = FloatVector.fromArray(S, b, src + 6 * ldb);
        FloatVector r7 = FloatVector.fromArray(S, b, src + 7 * ldb);
        FloatVector r8 = FloatVector.fromArray(S, b, src + 8 * ldb);
        FloatVector r9 = FloatVector.fromArray(S, b, src + 9 * ldb);
        FloatVector r10 = FloatVector.fromArray(S, b, src + 10 * ldb);
        FloatVector r11 = FloatVector.fromArray(S, b, src + 11 * ldb);
        FloatVector r12 = FloatVector.fromArray(S, b, src + 12 * ldb);
        FloatVector r13 = FloatVector.fromArray(S, b, src + 13 * ldb);
        FloatVector r14 = FloatVector.fromArray(S, b, src + 14 * ldb);
        FloatVector r15 = FloatVector.fromArray(S, b, src + 15 * ldb);
        FloatVector lo, hi, x;
        lo = FloatVector.fromArray(S, LO[8], 0);
        hi = FloatVector.fromArray(S, HI[8], 0);
        x = r0; r0 = lo.selectFrom(x, r8); r8 = hi.selectFrom(x, r8);
        x = r1; r1 = lo.selectFrom(x, r9); r9 = hi.selectFrom(x, r9);
        x = r2; r2 = lo.selectFrom(x, r10); r10 = hi.selectFrom(x, r10);
        x = r3; r3 = lo.selectFrom(x, r11); r11 = hi.selectFrom(x, r11);
        x = r4; r4 = lo.selectFrom(x, r12); r12 = hi.selectFrom(x, r12);
        x = r5; r5 = lo.selectFrom(x, r13); r13 = hi.selectFrom(x, r13);
        x = r6; r6 = lo.selectFrom(x, r14); r14 = hi.selectFrom(x, r14);
        x = r7; r7 = lo.selectFrom(x, r15); r15 = hi.selectFrom(x, r15);
        lo = FloatVector.fromArray(S, LO[4], 0);
        hi = FloatVector.fromArray(S, HI[4], 0);
        x = r0; r0 = lo.selectFrom(x, r4); r4 = hi.selectFrom(x, r4);
        x = r1; r1 = lo.selectFrom(x, r5); r5 = hi.selectFrom(x, r5);
        x = r2; r2 = lo.selectFrom(x, r6); r6 = hi.selectFrom(x, r6);
        x = r3; r3 = lo.selectFrom(x, r7); r7 = hi.selectFrom(x, r7);
        x = r8; r8 = lo.selectFrom(x, r12); r12 = hi.selectFrom(x, r12);
        x = r9; r9 = lo.selectFrom(x, r13); r13 = hi.selectFrom(x, r13);
        x = r10; r10 = lo.selectFrom(x, r14); r14 = hi.selectFrom(x, r14);
        x = r11; r11 = lo.selectFrom(x, r15); r15 = hi.selectFrom(x, r15);
        lo = FloatVector.fromArray(S, LO[2], 0);
        hi = FloatVector.fromArray(S, HI[2], 0);
        x = r0; r0 = lo.selectFrom(x, r2); r2 = hi.selectFrom(x, r2);
        x = r1; r1 = lo.selectFrom(x, r3); r3 = hi.selectFrom(x, r3);
        x = r4; r4 = lo.selectFrom(x, r6); r6 = hi.selectFrom(x, r6);
        x = r5; r5 = lo.selectFrom(x, r7); r7 = hi.selectFrom(x, r7);
        x = r8; r8 = lo.selectFrom(x, r10); r10 = hi.selectFrom(x, r10);
        x = r9; r9 = lo.selectFrom(x, r11); r11 = hi.selectFrom(x, r11);
        x = r12; r12 = lo.selectFrom(x, r14); r14 = hi.selectFrom(x, r14);
        x = r13; r13 = lo.selectFrom(x, r15); r15 = hi.selectFrom(x, r15);
        lo = FloatVector.fromArray(S, LO[1], 0);
        hi = FloatVector.fromArray(S, HI[1], 0);
        x = r0; r0 = lo.selectFrom(x, r1); r1 = hi.selectFrom(x, r1);
        x = r2; r2 = lo.selectFrom(x, r3); r3 = hi.selectFrom(x, r3);
        x = r4; r4 = lo.selectFrom(x, r5); r5 = hi.selectFrom(x, r5);
        x = r6; r6 = lo.selectFrom(x, r7); r7 = hi.selectFrom(x, r7);
        x = r8; r8 = lo.selectFrom(x, r9); r9 = hi.selectFrom(x, r9);
        x = r10; r10 = lo.selectFrom(x, r11); r11 = hi.selectFrom(x, r11);
        x = r12; r12 = lo.selectFrom(x, r13); r13 = hi.selectFrom(x, r13);
        x = r14; r14 = lo.selectFrom(x, r15); r15 = hi.selectFrom(x, r15);
        r0.intoArray(bp, dst);
        r1.intoArray(bp, dst + 1 * NR);
        r2.intoArray(bp, dst + 2 * NR);
        r3.intoArray(bp, dst + 3 * NR);
        r4.intoArray(bp, dst + 4 * NR);
        r5.intoArray(bp, dst + 5 * NR);
        r6.intoArray(bp, dst + 6 * NR);
        r7.intoArray(bp, dst + 7 * NR);
        r8.intoArray(bp, dst + 8 * NR);
        r9.intoArray(bp, dst + 9 * NR);
        r10.intoArray(bp, dst + 10 * NR);
        r11.intoArray(bp, dst + 11 * NR);
        r12.intoArray(bp, dst + 12 * NR);
        r13.intoArray(bp, dst + 13 * NR);
        r14.intoArray(bp, dst + 14 * NR);
        r15.intoArray(bp, dst + 15 * NR);
    }
}
