package clipvr.tensor.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Column strips that share one packed A ({@link GemmSimd#packAllA}, {@link Gemm}'s text-forward shapes) give the bits
 * of strips that pack their own: every (ic, pc) block lands where {@link GemmSimd#serial} reads it, for several row
 * blocks (M past MC = 96, a last block not a whole number of MR-row panels), several k blocks (K past KC = 512, beta 1
 * after the first), both storages of A, and a strip that starts mid-matrix. Then the threaded product, whose strips
 * (CHUNKS_PER_THREAD per thread, claimed in any order) use the shared operands, against one unsplit serial call.
 */
class GemmSharedATest {

    @Test void sharedPackedAEqualsOwnPackingBitForBit() {
        var rng = new Random(6);
        int[][] shapes = {{8, 16, 4}, {13, 37, 600}, {203, 40, 40}, {101, 200, 1500}, {5, 1, 3}};
        for (int[] s : shapes)
            for (boolean transA : new boolean[]{false, true})
                for (boolean transB : new boolean[]{false, true}) {
                    int M = s[0], N = s[1], K = s[2], lda = (transA ? M : K) + 2, ldb = (transB ? K : N) + 3, ldc = N + 1;
                    float[] a = GemmTest.random(rng, 5 + (transA ? K : M) * lda), b = GemmTest.random(rng, (transB ? N : K) * ldb);
                    float[] c0 = GemmTest.random(rng, M * ldc), own = c0.clone(), shared = c0.clone();
                    float[] packed = new float[(int) GemmSimd.packedSizeA(M, K) + 9];
                    GemmSimd.packAllA(transA, M, K, a, 5, lda, packed);
                    int j0 = N > 16 ? 16 : 0, cols = N - j0;                         // a strip from column 16 on
                    int bSub = transB ? j0 * ldb : j0;
                    GemmSimd.serial(transA, transB, M, cols, K, 0.5f, a, 5, lda, b, bSub, ldb, 0.25f, own, j0, ldc);
                    GemmSimd.serial(transA, transB, M, cols, K, 0.5f, a, 5, lda, b, bSub, ldb, 0.25f, shared, j0, ldc, packed, null);
                    for (int i = 0; i < c0.length; i++)
                        assertEquals(Float.floatToRawIntBits(own[i]), Float.floatToRawIntBits(shared[i]),
                                "M " + M + " N " + N + " K " + K + " transA " + transA + " transB " + transB + ": C[" + i + "]");
                }
    }

    @Test void threadedStripsEqualOneSerialProductBitForBit() {
        var rng = new Random(7);
        // row strips (M >= N) and column strips (N > M), one and several k blocks, edges in both directions
        int[][] shapes = {{448, 200, 512}, {130, 448, 600}, {300, 300, 1100}, {61, 1030, 64}};
        for (int[] s : shapes)
            for (boolean transA : new boolean[]{false, true})
                for (boolean transB : new boolean[]{false, true}) {
                    int M = s[0], N = s[1], K = s[2], lda = transA ? M : K, ldb = transB ? K : N;
                    float[] a = GemmTest.random(rng, M * K), b = GemmTest.random(rng, K * N);
                    float[] c0 = GemmTest.random(rng, M * N), whole = c0.clone(), split = c0.clone();
                    GemmSimd.serial(transA, transB, M, N, K, 1.5f, a, 0, lda, b, 0, ldb, 0.5f, whole, 0, N);
                    Gemm.sgemmFast(transA, transB, M, N, K, 1.5f, a, 0, lda, b, 0, ldb, 0.5f, split, 0, N);
                    for (int i = 0; i < c0.length; i++)
                        assertEquals(Float.floatToRawIntBits(whole[i]), Float.floatToRawIntBits(split[i]),
                                "M " + M + " N " + N + " K " + K + " transA " + transA + " transB " + transB + ": C[" + i + "]");
                }
    }
}
