package clipvr.reprogram.pretrain;

import clipvr.autograd.GradCheck;
import clipvr.autograd.Var;
import clipvr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** The symmetric contrastive loss and its gradient against a hand computation, and a float64 GradCheck. */
class ContrastiveLossTest {

    /** L = ½ (mean_i -log softmax_row_i(z)_i + mean_j -log softmax_col_j(z)_j), written out with loops. */
    static double handLoss(double[][] z) {
        int b = z.length;
        double rows = 0, cols = 0;
        for (int i = 0; i < b; i++) {
            double sr = 0, sc = 0;
            for (int j = 0; j < b; j++) { sr += Math.exp(z[i][j]); sc += Math.exp(z[j][i]); }
            rows += -(z[i][i] - Math.log(sr));
            cols += -(z[i][i] - Math.log(sc));
        }
        return 0.5 * (rows / b + cols / b);
    }

    /** dL/dz_ij = (softmax_row_i(z)_j - δ_ij + softmax_col_j(z)_i - δ_ij) / (2B). */
    static double[][] handGrad(double[][] z) {
        int b = z.length;
        double[][] g = new double[b][b];
        for (int i = 0; i < b; i++)
            for (int j = 0; j < b; j++) {
                double sr = 0, sc = 0;
                for (int k = 0; k < b; k++) { sr += Math.exp(z[i][k]); sc += Math.exp(z[k][j]); }
                double d = i == j ? 1 : 0;
                g[i][j] = (Math.exp(z[i][j]) / sr - d + Math.exp(z[i][j]) / sc - d) / (2.0 * b);
            }
        return g;
    }

    @Test void lossAndGradientMatchTheHandComputation() {
        double[][] z = {{2.0, 0.5, -1.0}, {0.3, 1.5, 0.2}, {-0.7, 0.9, 3.0}};
        double[] flat = new double[9];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) flat[3 * i + j] = z[i][j];
        Var logits = Var.param(Tensor.of(flat, 3, 3));
        Var loss = ContrastiveLoss.symmetric(logits);
        assertEquals(handLoss(z), loss.item(), 1e-12);
        loss.backward();
        double[][] g = handGrad(z);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                assertEquals(g[i][j], logits.grad().get(i, j), 1e-12, "dL/dz[" + i + "," + j + "]");
    }

    @Test void perfectlySeparatedPairsGiveNearZeroLossAndUniformGiveLogB() {
        int b = 4;
        double[] eye = new double[b * b], flat = new double[b * b];
        for (int i = 0; i < b; i++) eye[i * b + i] = 50;
        assertTrue(ContrastiveLoss.symmetric(Var.constant(Tensor.of(eye, b, b))).item() < 1e-15);
        assertEquals(Math.log(b), ContrastiveLoss.symmetric(Var.constant(Tensor.of(flat, b, b))).item(), 1e-12);
    }

    @Test void float32MatchesTheFloat64HandValue() {
        SplittableRandom rng = new SplittableRandom(3);
        int b = 7;
        double[][] z = new double[b][b];
        float[] f = new float[b * b];
        for (int i = 0; i < b; i++) for (int j = 0; j < b; j++) { z[i][j] = rng.nextDouble(-4, 4); f[i * b + j] = (float) z[i][j]; }
        double[][] zf = new double[b][b];
        for (int i = 0; i < b; i++) for (int j = 0; j < b; j++) zf[i][j] = f[i * b + j];
        assertEquals(handLoss(zf), ContrastiveLoss.symmetric(Var.constant(Tensor.of(f, b, b))).item(), 1e-5);
    }

    @Test void gradCheckOnRandomLogits() {
        Tensor z = Tensor.randn(clipvr.tensor.DType.F64, new SplittableRandom(11), 5, 5);
        var r = GradCheck.check(v -> ContrastiveLoss.symmetric(v.getFirst()), List.of(z), GradCheck.Options.DEFAULT);
        assertTrue(r.passed(), r.describe());
    }

    @Test void rejectsNonSquareLogits() {
        var ex = assertThrows(IllegalArgumentException.class, () -> ContrastiveLoss.symmetric(Var.constant(Tensor.zeros(clipvr.tensor.DType.F32, 2, 3))));
        assertTrue(ex.getMessage().contains("[2, 3]"), ex.getMessage());
    }
}
