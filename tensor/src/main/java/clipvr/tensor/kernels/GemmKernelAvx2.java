package clipvr.tensor.kernels;

import jdk.incubator.vector.FloatVector;

import static clipvr.tensor.kernels.GemmKernel.L;
import static clipvr.tensor.kernels.GemmKernel.S;

/**
 * The narrow micro-kernel of {@link GemmSimd} for ISAs with 16 vector registers (x86 AVX2): one MR4 x NR2 tile,
 * MR4 = 4 rows, NR2 = 2 vectors (16 floats with 256-bit vectors).
 *
 * <pre>
 *   tile[MR4, NR2] = sum over p < kc of  ap[p*MR4 + r] (broadcast) * bp[p*NR2 + (0..NR2-1)]
 * </pre>
 * 4 x 2 = 8 accumulators: exactly the FMAs in flight that 2 FMA pipes of latency 4 need, and 8 + 2 B vectors
 * leave 6 of AVX2's 16 registers for the broadcasts, however C2 schedules them. {@link GemmKernel}'s 6 x 4 tile
 * needs 29 registers and spills accumulators in every k step on AVX2. The 6 x 2 tile of BLIS's and OpenBLAS's
 * Haswell/Zen assembly kernels (12 accumulators, 15 registers) ran here before: C2 loads the next rows' broadcasts
 * before their FMAs, runs out of registers and keeps one accumulator on the stack, so that FMA chain waits for a
 * store and a reload in every k step. Measured on Zen 3 (one thread, packed panels in L2, kc = 256): 6 x 2 44,
 * 4 x 2 97-98 GFLOP/s. Each C element is the same fma chain over p in the same order as in the wide kernel, so
 * both give the same bits (GemmKernelBitsTest).
 */
final class GemmKernelAvx2 {
    private GemmKernelAvx2() {}

    /** Rows of a micro-tile: 4. */
    static final int MR4 = 4;
    /** Columns of a micro-tile: 2 vectors. */
    static final int NR2 = 2 * L;

    /** C = alpha * tile (C only written). Panel layouts as {@link GemmKernel#tile}, with MR4 rows and NR2 columns. */
    static void tileStore(int kc, float[] ap, int aIdx, float[] bp, int bIdx, float alpha, float[] c, int cIdx, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z;
        for (int p = 0; p < kc; p++) {
            int bi = bIdx + p * NR2, ai = aIdx + p * MR4;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector a = FloatVector.broadcast(S, ap[ai]);
            c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
        }
        int r0 = cIdx, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
        FloatVector av = FloatVector.broadcast(S, alpha);
        c00.mul(av).intoArray(c, r0); c01.mul(av).intoArray(c, r0 + L);
        c10.mul(av).intoArray(c, r1); c11.mul(av).intoArray(c, r1 + L);
        c20.mul(av).intoArray(c, r2); c21.mul(av).intoArray(c, r2 + L);
        c30.mul(av).intoArray(c, r3); c31.mul(av).intoArray(c, r3 + L);
    }

    /** C = alpha * tile + beta * C (beta != 0). */
    static void tileUpdate(int kc, float[] ap, int aIdx, float[] bp, int bIdx, float alpha, float beta,
                           float[] c, int cIdx, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z;
        for (int p = 0; p < kc; p++) {
            int bi = bIdx + p * NR2, ai = aIdx + p * MR4;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector a = FloatVector.broadcast(S, ap[ai]);
            c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
        }
        int r0 = cIdx, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
        FloatVector av = FloatVector.broadcast(S, alpha), bv = FloatVector.broadcast(S, beta);
        c00.fma(av, FloatVector.fromArray(S, c, r0).mul(bv)).intoArray(c, r0);
        c01.fma(av, FloatVector.fromArray(S, c, r0 + L).mul(bv)).intoArray(c, r0 + L);
        c10.fma(av, FloatVector.fromArray(S, c, r1).mul(bv)).intoArray(c, r1);
        c11.fma(av, FloatVector.fromArray(S, c, r1 + L).mul(bv)).intoArray(c, r1 + L);
        c20.fma(av, FloatVector.fromArray(S, c, r2).mul(bv)).intoArray(c, r2);
        c21.fma(av, FloatVector.fromArray(S, c, r2 + L).mul(bv)).intoArray(c, r2 + L);
        c30.fma(av, FloatVector.fromArray(S, c, r3).mul(bv)).intoArray(c, r3);
        c31.fma(av, FloatVector.fromArray(S, c, r3 + L).mul(bv)).intoArray(c, r3 + L);
    }
}
