package clipvr.tensor.kernels;

import jdk.incubator.vector.FloatVector;

import static clipvr.tensor.kernels.GemmKernel.L;
import static clipvr.tensor.kernels.GemmKernel.MR;
import static clipvr.tensor.kernels.GemmKernel.S;

/**
 * The narrow micro-kernel of {@link GemmSimd} for ISAs with 16 vector registers (x86 AVX2): one MR x NR2 tile,
 * MR = 6 rows, NR2 = 2 vectors (16 floats with 256-bit vectors).
 *
 * <pre>
 *   tile[MR, NR2] = sum over p < kc of  ap[p*MR + r] (broadcast) * bp[p*NR2 + (0..NR2-1)]
 * </pre>
 * 6 x 2 = 12 accumulators, 2 B vectors and 1 broadcast A value take 15 of AVX2's 16 registers, the classic
 * 6 x 16 shape of BLIS's and OpenBLAS's Haswell/Zen sgemm kernels. {@link GemmKernel}'s 6 x 4 tile needs 29
 * registers: on AVX2 the JIT spills accumulators to the stack in every k step (a ViT training step ran at 40 % of
 * this kernel's speed with it). Each C element is the same fma chain over p in the same order as in the wide
 * kernel, so both give the same bits (GemmKernelBitsTest).
 */
final class GemmKernelAvx2 {
    private GemmKernelAvx2() {}

    /** Columns of a micro-tile: 2 vectors. */
    static final int NR2 = 2 * L;

    /** C = alpha * tile (C only written). Panel layouts as {@link GemmKernel#tile}, with NR2 columns. */
    static void tileStore(int kc, float[] ap, int aIdx, float[] bp, int bIdx, float alpha, float[] c, int cIdx, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
        for (int p = 0; p < kc; p++) {
            int bi = bIdx + p * NR2, ai = aIdx + p * MR;
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
            a = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
        }
        int r0 = cIdx, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
        FloatVector av = FloatVector.broadcast(S, alpha);
        c00.mul(av).intoArray(c, r0); c01.mul(av).intoArray(c, r0 + L);
        c10.mul(av).intoArray(c, r1); c11.mul(av).intoArray(c, r1 + L);
        c20.mul(av).intoArray(c, r2); c21.mul(av).intoArray(c, r2 + L);
        c30.mul(av).intoArray(c, r3); c31.mul(av).intoArray(c, r3 + L);
        c40.mul(av).intoArray(c, r4); c41.mul(av).intoArray(c, r4 + L);
        c50.mul(av).intoArray(c, r5); c51.mul(av).intoArray(c, r5 + L);
    }

    /** C = alpha * tile + beta * C (beta != 0). */
    static void tileUpdate(int kc, float[] ap, int aIdx, float[] bp, int bIdx, float alpha, float beta,
                           float[] c, int cIdx, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
        for (int p = 0; p < kc; p++) {
            int bi = bIdx + p * NR2, ai = aIdx + p * MR;
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
            a = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
        }
        int r0 = cIdx, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
        FloatVector av = FloatVector.broadcast(S, alpha), bv = FloatVector.broadcast(S, beta);
        c00.fma(av, FloatVector.fromArray(S, c, r0).mul(bv)).intoArray(c, r0);
        c01.fma(av, FloatVector.fromArray(S, c, r0 + L).mul(bv)).intoArray(c, r0 + L);
        c10.fma(av, FloatVector.fromArray(S, c, r1).mul(bv)).intoArray(c, r1);
        c11.fma(av, FloatVector.fromArray(S, c, r1 + L).mul(bv)).intoArray(c, r1 + L);
        c20.fma(av, FloatVector.fromArray(S, c, r2).mul(bv)).intoArray(c, r2);
        c21.fma(av, FloatVector.fromArray(S, c, r2 + L).mul(bv)).intoArray(c, r2 + L);
        c30.fma(av, FloatVector.fromArray(S, c, r3).mul(bv)).intoArray(c, r3);
        c31.fma(av, FloatVector.fromArray(S, c, r3 + L).mul(bv)).intoArray(c, r3 + L);
        c40.fma(av, FloatVector.fromArray(S, c, r4).mul(bv)).intoArray(c, r4);
        c41.fma(av, FloatVector.fromArray(S, c, r4 + L).mul(bv)).intoArray(c, r4 + L);
        c50.fma(av, FloatVector.fromArray(S, c, r5).mul(bv)).intoArray(c, r5);
        c51.fma(av, FloatVector.fromArray(S, c, r5 + L).mul(bv)).intoArray(c, r5 + L);
    }
}
