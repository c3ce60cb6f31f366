package clipvr.tensor.kernels;

import static clipvr.tensor.kernels.GemmKernel.L;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both micro-kernels, the wide 6 x 4-vector {@link GemmKernel} (AVX-512) and the narrow 4 x 2-vector
 * {@link GemmKernelAvx2} (AVX2), compute every C element as the same float32 fma chain over p = 0 … kc−1 from zero,
 * then one multiply by alpha (beta == 0) or one fma with beta·C (beta != 0). Both are checked bit for bit against
 * that chain written with {@link Math#fma}, on whichever ISA runs the test, so the kernel a machine picks
 * ({@code -Dclipvr.gemm.nrVectors}) cannot change a result's bits.
 */
class GemmKernelBitsTest {

    @ParameterizedTest
    @ValueSource(ints = {2, 4})
    void tileIsTheScalarFmaChain(int vectors) {
        int nr = vectors * L, MR = vectors == 2 ? GemmKernelAvx2.MR4 : GemmKernel.MR6;   // each tile's own shape
        Random rnd = new Random(7 + vectors);
        for (int kc : new int[] {1, 3, 17, 64}) {
            float[] ap = new float[MR * kc], bp = new float[kc * nr];
            for (int i = 0; i < ap.length; i++) ap[i] = (float) rnd.nextGaussian();
            for (int i = 0; i < bp.length; i++) bp[i] = (float) rnd.nextGaussian();
            int ldc = nr + 5;
            for (float beta : new float[] {0f, 1f, 0.75f}) {
                float alpha = beta == 0.75f ? 1.5f : 1f;
                float[] c = new float[MR * ldc], c0 = new float[MR * ldc];
                for (int i = 0; i < c.length; i++) c0[i] = c[i] = (float) rnd.nextGaussian();
                if (vectors == 2) {
                    if (beta == 0f) GemmKernelAvx2.tileStore(kc, ap, 0, bp, 0, alpha, c, 0, ldc);
                    else GemmKernelAvx2.tileUpdate(kc, ap, 0, bp, 0, alpha, beta, c, 0, ldc);
                } else {
                    if (beta == 0f) GemmKernel.tileStore(kc, ap, 0, bp, 0, alpha, c, 0, ldc);
                    else GemmKernel.tileUpdate(kc, ap, 0, bp, 0, alpha, beta, c, 0, ldc);
                }
                for (int r = 0; r < MR; r++) {
                    for (int j = 0; j < ldc; j++) {
                        float want;
                        if (j >= nr) want = c0[r * ldc + j];                       // outside the tile: untouched
                        else {
                            float acc = 0f;
                            for (int p = 0; p < kc; p++) acc = Math.fma(ap[p * MR + r], bp[p * nr + j], acc);
                            want = beta == 0f ? acc * alpha : Math.fma(acc, alpha, c0[r * ldc + j] * beta);
                        }
                        assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(c[r * ldc + j]),
                                vectors + "-vector tile, kc " + kc + ", beta " + beta + ": C[" + r + "][" + j + "]");
                    }
                }
            }
        }
    }
}
