package clipvr.tensor.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Row strips that share one packed B ({@link GemmSimd#packAllB}, {@link Gemm}'s weight-gradient shapes) give the bits
 * of strips that pack their own: every (jc, pc) block lands where {@link GemmSimd#serial} reads it, for several column
 * blocks (N past NC = 3072), several k blocks (K past KC = 512, beta 1 after the first), a last panel narrower than
 * NR, both storages of B, and a strip that starts mid-matrix.
 */
class GemmSharedBTest {

    @Test void sharedPackedBEqualsOwnPackingBitForBit() {
        var rng = new Random(5);
        int[][] shapes = {{8, 16, 4}, {13, 37, 600}, {96, 3100, 40}, {40, 200, 1500}, {5, 1, 3}};
        for (int[] s : shapes)
            for (boolean transA : new boolean[]{false, true})
                for (boolean transB : new boolean[]{false, true}) {
                    int M = s[0], N = s[1], K = s[2], lda = (transA ? M : K) + 2, ldb = (transB ? K : N) + 3, ldc = N + 1;
                    float[] a = GemmTest.random(rng, (transA ? K : M) * lda), b = GemmTest.random(rng, 7 + (transB ? N : K) * ldb);
                    float[] c0 = GemmTest.random(rng, M * ldc), own = c0.clone(), shared = c0.clone();
                    float[] packed = new float[(int) GemmSimd.packedSize(N, K) + 9];
                    GemmSimd.packAllB(transB, N, K, b, 7, ldb, packed);
                    int i0 = M > 4 ? 4 : 0, rows = M - i0;                           // a strip from row 4 on
                    int aSub = transA ? i0 : i0 * lda;
                    GemmSimd.serial(transA, transB, rows, N, K, 0.5f, a, aSub, lda, b, 7, ldb, 0.25f, own, i0 * ldc, ldc);
                    GemmSimd.serial(transA, transB, rows, N, K, 0.5f, a, aSub, lda, b, 7, ldb, 0.25f, shared, i0 * ldc, ldc, packed);
                    for (int i = 0; i < c0.length; i++)
                        assertEquals(Float.floatToRawIntBits(own[i]), Float.floatToRawIntBits(shared[i]),
                                "M " + M + " N " + N + " K " + K + " transA " + transA + " transB " + transB + ": C[" + i + "]");
                }
    }
}
