package clipvr.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked micro-kernel of {@link GemmSimd}: one MR x NR tile of C from packed panels.
 *
 * <pre>
 *   tile[MR, NR] = sum over p < kc of  ap[p*MR + r] (broadcast) * bp[p*NR + (0..NR-1)]
 *   C[r, :]      = alpha * tile[r, :] + beta * C[r, :]          (beta == 0: C is not read)
 * </pre>
 * MR6 = 6 rows, NR4 = 4 vectors of the preferred species (64 floats with 512-bit AVX-512 on Zen 4).
 * The 6 x 4 = 24 accumulators, 4 B vectors and 1 broadcast A value take 29 of the 32
 * vector registers of AVX-512, so nothing spills; each k step does 24 independent FMAs (enough to cover
 * the 4-cycle FMA latency on 1-2 pipes) for 4 vector loads + 6 scalar broadcasts, i.e. far below the
 * load-port limit. With AVX2's 16 registers this tile spills, so there {@link GemmKernelAvx2}'s 4 x 2 tile runs
 * instead: {@link #NR} is the width the blocking uses, {@link #NV} vectors ({@code -Dclipvr.gemm.nrVectors=2|4}).
 */
final class GemmKernel {
    private GemmKernel() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector (16 on AVX-512). */
    static final int L = S.length();
    /** Rows of this class's wide micro-tile: 6. */
    static final int MR6 = 6;
    /** Columns of this class's wide micro-tile: 4 vectors. */
    static final int NR4 = 4 * L;
    /**
     * Vectors per micro-tile row that the blocking uses: 2 on x86 with vectors narrower than 512 bits (AVX2: 16
     * registers), else 4 (AVX-512, and ARM's NEON / SVE with 32 registers). {@code -Dclipvr.gemm.nrVectors} overrides.
     */
    static final int NV = nrVectors();
    /** Columns of a micro-tile as the blocking and packing use it: NV vectors. */
    static final int NR = NV * L;
    /** Rows of a micro-tile as the blocking and packing use it: 4 with the 2-vector tile, else 6. */
    static final int MR = NV == 2 ? GemmKernelAvx2.MR4 : MR6;

    private static int nrVectors() {
        String p = System.getProperty("clipvr.gemm.nrVectors");
        if (p != null) return switch (p.trim()) {
            case "2" -> 2;
            case "4" -> 4;
            default -> throw new IllegalArgumentException("-Dclipvr.gemm.nrVectors must be 2 or 4, got '" + p + "'");
        };
        String arch = System.getProperty("os.arch", "");
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64") || arch.equals("x86");
        return x86 && S.vectorBitSize() < 512 ? 2 : 4;
    }

    /**
     * Full MR x NR tile. {@code ap[aIdx + p*MR + r]} holds op(A)(r, p); {@code bp[bIdx + p*NR + j]} holds
     * op(B)(p, j); C tile starts at {@code c[cIdx]} with row stride ldc.
     *
     * <p>Two kernels, one per way of writing C, each with the whole k loop, and write-backs made only of Vector API
     * calls (no helper methods). C2 stops inlining ordinary methods once a compilation has about 18,000 IR nodes
     * (NodeCountInliningCutoff), and the k loop's 24 FMAs use most of that; Vector API methods are
     * {@code @ForceInline} and are inlined past it. The earlier single kernel had both write-backs in one method
     * through helpers {@code put(acc, alpha, c, i)} / {@code acc(...)}: past the cutoff those calls were not inlined,
     * so the accumulators handed to them were boxed on the heap. It computed the right numbers, but a JFR allocation
     * profile of a pretraining step showed about 0.9 GB/s allocated inside it; {@code GemmKernelAllocationTest} guards
     * against this (it fails on that kernel: 56 kB per 96x128x64 product). Same arithmetic, same bits.
     */
    static void tile(int kc, float[] ap, int aIdx, float[] bp, int bIdx,
                     float alpha, float beta, float[] c, int cIdx, int ldc) {
        if (NV == 2) {
            if (beta == 0f) GemmKernelAvx2.tileStore(kc, ap, aIdx, bp, bIdx, alpha, c, cIdx, ldc);
            else GemmKernelAvx2.tileUpdate(kc, ap, aIdx, bp, bIdx, alpha, beta, c, cIdx, ldc);
        } else if (beta == 0f) tileStore(kc, ap, aIdx, bp, bIdx, alpha, c, cIdx, ldc);
        else tileUpdate(kc, ap, aIdx, bp, bIdx, alpha, beta, c, cIdx, ldc);
    }

    /** C = alpha * tile: C is only written (BLAS's beta == 0, NaN in C does not leak). */
    static void tileStore(int kc, float[] ap, int aIdx, float[] bp, int bIdx, float alpha, float[] c, int cIdx, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z;
        FloatVector c30 = z, c31 = z, c32 = z, c33 = z;
        FloatVector c40 = z, c41 = z, c42 = z, c43 = z;
        FloatVector c50 = z, c51 = z, c52 = z, c53 = z;
        for (int p = 0; p < kc; p++) {
            int bi = bIdx + p * NR4, ai = aIdx + p * MR6;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, bp, bi + 3 * L);
            FloatVector a = FloatVector.broadcast(S, ap[ai]);
            c00 = a.fma(b0, c00); c01 = a.fma(b1, c01); c02 = a.fma(b2, c02); c03 = a.fma(b3, c03);
            a = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = a.fma(b0, c10); c11 = a.fma(b1, c11); c12 = a.fma(b2, c12); c13 = a.fma(b3, c13);
            a = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = a.fma(b0, c20); c21 = a.fma(b1, c21); c22 = a.fma(b2, c22); c23 = a.fma(b3, c23);
            a = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = a.fma(b0, c30); c31 = a.fma(b1, c31); c32 = a.fma(b2, c32); c33 = a.fma(b3, c33);
            a = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = a.fma(b0, c40); c41 = a.fma(b1, c41); c42 = a.fma(b2, c42); c43 = a.fma(b3, c43);
            a = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = a.fma(b0, c50); c51 = a.fma(b1, c51); c52 = a.fma(b2, c52); c53 = a.fma(b3, c53);
        }
        int r0 = cIdx, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
        FloatVector av = FloatVector.broadcast(S, alpha);
        c00.mul(av).intoArray(c, r0); c01.mul(av).intoArray(c, r0 + L); c02.mul(av).intoArray(c, r0 + 2 * L); c03.mul(av).intoArray(c, r0 + 3 * L);
        c10.mul(av).intoArray(c, r1); c11.mul(av).intoArray(c, r1 + L); c12.mul(av).intoArray(c, r1 + 2 * L); c13.mul(av).intoArray(c, r1 + 3 * L);
        c20.mul(av).intoArray(c, r2); c21.mul(av).intoArray(c, r2 + L); c22.mul(av).intoArray(c, r2 + 2 * L); c23.mul(av).intoArray(c, r2 + 3 * L);
        c30.mul(av).intoArray(c, r3); c31.mul(av).intoArray(c, r3 + L); c32.mul(av).intoArray(c, r3 + 2 * L); c33.mul(av).intoArray(c, r3 + 3 * L);
        c40.mul(av).intoArray(c, r4); c41.mul(av).intoArray(c, r4 + L); c42.mul(av).intoArray(c, r4 + 2 * L); c43.mul(av).intoArray(c, r4 + 3 * L);
        c50.mul(av).intoArray(c, r5); c51.mul(av).intoArray(c, r5 + L); c52.mul(av).intoArray(c, r5 + 2 * L); c53.mul(av).intoArray(c, r5 + 3 * L);
    }

    /** C = alpha * tile + beta * C (beta != 0; beta == 1 for every k block after the first). */
    static void tileUpdate(int kc, float[] ap, int aIdx, float[] bp, int bIdx, float alpha, float beta,
                           float[] c, int cIdx, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z;
        FloatVector c30 = z, c31 = z, c32 = z, c33 = z;
        FloatVector c40 = z, c41 = z, c42 = z, c43 = z;
        FloatVector c50 = z, c51 = z, c52 = z, c53 = z;
        for (int p = 0; p < kc; p++) {
            int bi = bIdx + p * NR4, ai = aIdx + p * MR6;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, bp, bi + 3 * L);
            FloatVector a = FloatVector.broadcast(S, ap[ai]);
            c00 = a.fma(b0, c00); c01 = a.fma(b1, c01); c02 = a.fma(b2, c02); c03 = a.fma(b3, c03);
            a = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = a.fma(b0, c10); c11 = a.fma(b1, c11); c12 = a.fma(b2, c12); c13 = a.fma(b3, c13);
            a = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = a.fma(b0, c20); c21 = a.fma(b1, c21); c22 = a.fma(b2, c22); c23 = a.fma(b3, c23);
            a = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = a.fma(b0, c30); c31 = a.fma(b1, c31); c32 = a.fma(b2, c32); c33 = a.fma(b3, c33);
            a = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = a.fma(b0, c40); c41 = a.fma(b1, c41); c42 = a.fma(b2, c42); c43 = a.fma(b3, c43);
            a = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = a.fma(b0, c50); c51 = a.fma(b1, c51); c52 = a.fma(b2, c52); c53 = a.fma(b3, c53);
        }
        int r0 = cIdx, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
        FloatVector av = FloatVector.broadcast(S, alpha), bv = FloatVector.broadcast(S, beta);
        c00.fma(av, FloatVector.fromArray(S, c, r0).mul(bv)).intoArray(c, r0);
        c01.fma(av, FloatVector.fromArray(S, c, r0 + L).mul(bv)).intoArray(c, r0 + L);
        c02.fma(av, FloatVector.fromArray(S, c, r0 + 2 * L).mul(bv)).intoArray(c, r0 + 2 * L);
        c03.fma(av, FloatVector.fromArray(S, c, r0 + 3 * L).mul(bv)).intoArray(c, r0 + 3 * L);
        c10.fma(av, FloatVector.fromArray(S, c, r1).mul(bv)).intoArray(c, r1);
        c11.fma(av, FloatVector.fromArray(S, c, r1 + L).mul(bv)).intoArray(c, r1 + L);
        c12.fma(av, FloatVector.fromArray(S, c, r1 + 2 * L).mul(bv)).intoArray(c, r1 + 2 * L);
        c13.fma(av, FloatVector.fromArray(S, c, r1 + 3 * L).mul(bv)).intoArray(c, r1 + 3 * L);
        c20.fma(av, FloatVector.fromArray(S, c, r2).mul(bv)).intoArray(c, r2);
        c21.fma(av, FloatVector.fromArray(S, c, r2 + L).mul(bv)).intoArray(c, r2 + L);
        c22.fma(av, FloatVector.fromArray(S, c, r2 + 2 * L).mul(bv)).intoArray(c, r2 + 2 * L);
        c23.fma(av, FloatVector.fromArray(S, c, r2 + 3 * L).mul(bv)).intoArray(c, r2 + 3 * L);
        c30.fma(av, FloatVector.fromArray(S, c, r3).mul(bv)).intoArray(c, r3);
        c31.fma(av, FloatVector.fromArray(S, c, r3 + L).mul(bv)).intoArray(c, r3 + L);
        c32.fma(av, FloatVector.fromArray(S, c, r3 + 2 * L).mul(bv)).intoArray(c, r3 + 2 * L);
        c33.fma(av, FloatVector.fromArray(S, c, r3 + 3 * L).mul(bv)).intoArray(c, r3 + 3 * L);
        c40.fma(av, FloatVector.fromArray(S, c, r4).mul(bv)).intoArray(c, r4);
        c41.fma(av, FloatVector.fromArray(S, c, r4 + L).mul(bv)).intoArray(c, r4 + L);
        c42.fma(av, FloatVector.fromArray(S, c, r4 + 2 * L).mul(bv)).intoArray(c, r4 + 2 * L);
        c43.fma(av, FloatVector.fromArray(S, c, r4 + 3 * L).mul(bv)).intoArray(c, r4 + 3 * L);
        c50.fma(av, FloatVector.fromArray(S, c, r5).mul(bv)).intoArray(c, r5);
        c51.fma(av, FloatVector.fromArray(S, c, r5 + L).mul(bv)).intoArray(c, r5 + L);
        c52.fma(av, FloatVector.fromArray(S, c, r5 + 2 * L).mul(bv)).intoArray(c, r5 + 2 * L);
        c53.fma(av, FloatVector.fromArray(S, c, r5 + 3 * L).mul(bv)).intoArray(c, r5 + 3 * L);
    }

    /**
     * Partial tile at the bottom/right edge: mr <= MR rows, nr <= NR columns. The full tile is computed
     * into {@code scratch} (MR x NR, zero padding in the packed panels makes the extra lanes harmless),
     * then the valid part is merged into C with masked vector loads/stores (no write past column nr).
     */
    static void edge(int mr, int nr, int kc, float[] ap, int aIdx, float[] bp, int bIdx,
                     float alpha, float beta, float[] c, int cIdx, int ldc, float[] scratch) {
        tile(kc, ap, aIdx, bp, bIdx, 1f, 0f, scratch, 0, NR);             // beta 0: the scratch tile is only written
        FloatVector av = FloatVector.broadcast(S, alpha);
        for (int r = 0; r < mr; r++) {
            int ci = cIdx + r * ldc, si = r * NR;
            for (int j = 0; j < nr; j += L) {
                VectorMask<Float> m = S.indexInRange(j, nr);
                FloatVector t = FloatVector.fromArray(S, scratch, si + j).mul(av);
                if (beta != 0f) t = FloatVector.fromArray(S, c, ci + j, m).fma(FloatVector.broadcast(S, beta), t);
                t.intoArray(c, ci + j, m);
            }
        }
    }
}
