package clipvr.tensor.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Batched sgemm (fast path) against the reference applied matrix by matrix, including stride-0
 * broadcasting of A or B, batches that split across threads (8, 384) and batches that do not (1, 3:
 * threads go inside each product). Tolerance as in {@link GemmTest}.
 */
class GemmBatchedTest {

    @Test
    void batchedMatchesReference() {
        Random r = new Random(5);
        // {batch, M, N, K, broadcastA, broadcastB}
        int[][] cases = {
                {1, 70, 90, 33, 0, 0}, {3, 130, 100, 80, 0, 0}, {8, 50, 64, 50, 0, 0}, {8, 50, 50, 64, 1, 0},
                {5, 17, 40, 9, 0, 1}, {384, 7, 9, 6, 0, 0}, {6, 3, 5, 2, 1, 1}, {2, 200, 150, 120, 0, 1},
        };
        for (int[] cs : cases) {
            for (int t = 0; t < 4; t++) check(r, (t & 1) != 0, (t & 2) != 0, cs[0], cs[1], cs[2], cs[3], cs[4] == 1, cs[5] == 1);
        }
    }

    @Test
    void attentionShapes() {
        // scores = Q K^T over 2 x 12 heads of 50 tokens x 64, then scores V.
        Random r = new Random(9);
        check(r, false, true, 24, 50, 50, 64, false, false);
        check(r, false, false, 24, 50, 64, 50, false, false);
    }

    static void check(Random r, boolean ta, boolean tb, int batch, int M, int N, int K, boolean bcastA, boolean bcastB) {
        int lda = (ta ? M : K) + 1, ldb = (tb ? K : N) + 2, ldc = N + 1;
        int sizeA = (ta ? K : M) * lda, sizeB = (tb ? N : K) * ldb, sizeC = M * ldc;
        int strideA = bcastA ? 0 : sizeA + 3, strideB = bcastB ? 0 : sizeB + 1, strideC = sizeC + 2;
        int aOff = 4, bOff = 1, cOff = 2;
        float[] a = GemmTest.random(r, aOff + (batch - 1) * strideA + sizeA);
        float[] b = GemmTest.random(r, bOff + (batch - 1) * strideB + sizeB);
        float[] c = GemmTest.random(r, cOff + (batch - 1) * strideC + sizeC);
        float alpha = 1.5f, beta = -0.25f;
        float[] fast = c.clone(), ref = c.clone();
        Gemm.batchedFast(ta, tb, batch, M, N, K, alpha, a, aOff, strideA, lda, b, bOff, strideB, ldb, beta, fast, cOff, strideC, ldc);
        GemmReference.sgemmBatched(ta, tb, batch, M, N, K, alpha, a, aOff, strideA, lda, b, bOff, strideB, ldb, beta, ref, cOff, strideC, ldc);
        // A bound per element from max|A| max|B| (cheaper than the exact S_ij of GemmTest, still a
        // rigorous bound); padding elements must come out equal (neither path touches them).
        double ab = Math.abs(alpha) * K * maxAbs(a) * maxAbs(b);
        for (int x = 0; x < c.length; x++) {
            double s = Math.abs(beta * c[x]) + ab;
            double tol = 2 * (K + 3) * GemmTest.U32 * s + GemmTest.U32 * Math.abs(ref[x]);
            assertTrue(Math.abs(fast[x] - ref[x]) <= tol,
                    () -> "batch=" + batch + " M=" + M + " N=" + N + " K=" + K + " ta=" + ta + " tb=" + tb);
        }
    }

    static float maxAbs(float[] x) {
        float m = 0;
        for (float v : x) m = Math.max(m, Math.abs(v));
        return m;
    }
}
