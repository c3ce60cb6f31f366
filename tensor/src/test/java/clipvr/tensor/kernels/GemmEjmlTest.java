package clipvr.tensor.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

/**
 * EJML as an independent oracle (our reference and fast paths could share a misreading of the API
 * contract; EJML cannot): C = A B and C = A B^T in float64 by EJML, against our sgemm and dgemm.
 */
class GemmEjmlTest {

    @Test
    void agreesWithEjml() {
        Random r = new Random(11);
        for (int[] s : new int[][] {{1, 1, 1}, {13, 70, 29}, {97, 65, 130}, {200, 300, 257}}) {
            int M = s[0], N = s[1], K = s[2];
            for (boolean tb : new boolean[] {false, true}) {
                DMatrixRMaj A = DMatrixRMaj.wrap(M, K, gaussian(r, M * K));
                DMatrixRMaj B = tb ? DMatrixRMaj.wrap(N, K, gaussian(r, N * K)) : DMatrixRMaj.wrap(K, N, gaussian(r, K * N));
                DMatrixRMaj C = new DMatrixRMaj(M, N);
                if (tb) CommonOps_DDRM.multTransB(A, B, C); else CommonOps_DDRM.mult(A, B, C);

                double[] cd = new double[M * N];
                Gemm.dgemm(false, tb, M, N, K, 1.0, A.data, 0, K, B.data, 0, tb ? K : N, 0.0, cd, 0, N);
                float[] af = toFloat(A.data), bf = toFloat(B.data), cf = new float[M * N];
                Gemm.sgemmFast(false, tb, M, N, K, 1f, af, 0, K, bf, 0, tb ? K : N, 0f, cf, 0, N);

                // The float inputs are the doubles rounded (relative error u each), so the float
                // result is checked against EJML with the GemmTest bound widened by the input rounding.
                double bound = maxAbs(A.data) * maxAbs(B.data) * K;
                for (int x = 0; x < M * N; x++) {
                    assertTrue(Math.abs(cd[x] - C.data[x]) <= 4 * (K + 3) * 0x1p-53 * bound, "dgemm vs EJML");
                    assertTrue(Math.abs(cf[x] - C.data[x]) <= 2 * (K + 5) * 0x1p-24 * bound, "sgemm vs EJML");
                }
            }
        }
    }

    static double[] gaussian(Random r, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = r.nextGaussian();
        return x;
    }

    static float[] toFloat(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) f[i] = (float) x[i];
        return f;
    }

    static double maxAbs(double[] x) {
        double m = 0;
        for (double v : x) m = Math.max(m, Math.abs(v));
        return m;
    }
}
