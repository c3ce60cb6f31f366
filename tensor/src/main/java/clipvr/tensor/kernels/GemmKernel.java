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
 * MR = 6 rows, NR = 4 vectors of the preferred species (64 floats with 512-bit AVX-512 on Zen 4,
 * 32 with AVX2). The 6 x 4 = 24 accumulators, 4 B vectors and 1 broadcast A value take 29 of the 32
 * vector registers of AVX-512, so nothing spills; each k step does 24 independent FMAs (enough to cover
 * the 4-cycle FMA latency on 1-2 pipes) for 4 vector loads + 6 scalar broadcasts, i.e. far below the
 * load-port limit. On AVX2 (16 registers) the JIT will spill a few accumulators; that is a slower but
 * correct configuration.
 */
final class GemmKernel {
    private GemmKernel() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector (16 on AVX-512). */
    static final int L = S.length();
    /** Rows of a micro-tile. */
    static final int MR = 6;
    /** Columns of a micro-tile: 4 vectors. */
    static final int NR = 4 * L;

    /**
     * Full MR x NR tile. {@code ap[aIdx + p*MR + r]} holds op(A)(r, p); {@code bp[bIdx + p*NR + j]} holds
     * op(B)(p, j); C tile starts at {@code c[cIdx]} with row stride ldc.
     */
    static void tile(int kc, float[] ap, int aIdx, float[] bp, int bIdx,
                     float alpha, float beta, float[] c, int cIdx, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z;
        FloatVector c30 = z, c31 = z, c32 = z, c33 = z;
        FloatVector c40 = z, c41 = z, c42 = z, c43 = z;
        FloatVector c50 = z, c51 = z, c52 = z, c53 = z;
        for (int p = 0; p < kc; p++) {
            int bi = bIdx + p * NR, ai = aIdx + p * MR;
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
        if (beta == 0f) {
            put(c00, alpha, c, r0); put(c01, alpha, c, r0 + L); put(c02, alpha, c, r0 + 2 * L); put(c03, alpha, c, r0 + 3 * L);
            put(c10, alpha, c, r1); put(c11, alpha, c, r1 + L); put(c12, alpha, c, r1 + 2 * L); put(c13, alpha, c, r1 + 3 * L);
            put(c20, alpha, c, r2); put(c21, alpha, c, r2 + L); put(c22, alpha, c, r2 + 2 * L); put(c23, alpha, c, r2 + 3 * L);
            put(c30, alpha, c, r3); put(c31, alpha, c, r3 + L); put(c32, alpha, c, r3 + 2 * L); put(c33, alpha, c, r3 + 3 * L);
            put(c40, alpha, c, r4); put(c41, alpha, c, r4 + L); put(c42, alpha, c, r4 + 2 * L); put(c43, alpha, c, r4 + 3 * L);
            put(c50, alpha, c, r5); put(c51, alpha, c, r5 + L); put(c52, alpha, c, r5 + 2 * L); put(c53, alpha, c, r5 + 3 * L);
        } else {
            acc(c00, alpha, beta, c, r0); acc(c01, alpha, beta, c, r0 + L); acc(c02, alpha, beta, c, r0 + 2 * L); acc(c03, alpha, beta, c, r0 + 3 * L);
            acc(c10, alpha, beta, c, r1); acc(c11, alpha, beta, c, r1 + L); acc(c12, alpha, beta, c, r1 + 2 * L); acc(c13, alpha, beta, c, r1 + 3 * L);
            acc(c20, alpha, beta, c, r2); acc(c21, alpha, beta, c, r2 + L); acc(c22, alpha, beta, c, r2 + 2 * L); acc(c23, alpha, beta, c, r2 + 3 * L);
            acc(c30, alpha, beta, c, r3); acc(c31, alpha, beta, c, r3 + L); acc(c32, alpha, beta, c, r3 + 2 * L); acc(c33, alpha, beta, c, r3 + 3 * L);
            acc(c40, alpha, beta, c, r4); acc(c41, alpha, beta, c, r4 + L); acc(c42, alpha, beta, c, r4 + 2 * L); acc(c43, alpha, beta, c, r4 + 3 * L);
            acc(c50, alpha, beta, c, r5); acc(c51, alpha, beta, c, r5 + L); acc(c52, alpha, beta, c, r5 + 2 * L); acc(c53, alpha, beta, c, r5 + 3 * L);
        }
    }

    /** C = alpha * acc. */
    private static void put(FloatVector acc, float alpha, float[] c, int i) {
        acc.mul(alpha).intoArray(c, i);
    }

    /** C = alpha * acc + beta * C (beta == 1 is the common case of every k block after the first). */
    private static void acc(FloatVector acc, float alpha, float beta, float[] c, int i) {
        FloatVector old = FloatVector.fromArray(S, c, i);
        if (beta != 1f) old = old.mul(beta);
        acc.fma(FloatVector.broadcast(S, alpha), old).intoArray(c, i);
    }

    /**
     * Partial tile at the bottom/right edge: mr <= MR rows, nr <= NR columns. The full tile is computed
     * into {@code scratch} (MR x NR, zero padding in the packed panels makes the extra lanes harmless),
     * then the valid part is merged into C with masked vector loads/stores (no write past column nr).
     */
    static void edge(int mr, int nr, int kc, float[] ap, int aIdx, float[] bp, int bIdx,
                     float alpha, float beta, float[] c, int cIdx, int ldc, float[] scratch) {
        tile(kc, ap, aIdx, bp, bIdx, 1f, 0f, scratch, 0, NR);
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
