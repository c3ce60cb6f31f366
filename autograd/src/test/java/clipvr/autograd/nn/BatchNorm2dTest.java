package clipvr.autograd.nn;

import clipvr.autograd.Var;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class BatchNorm2dTest {
    /** Per-channel mean and biased variance over (N, H, W). */
    static double[][] stats(Tensor x) {
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3), m = n * h * w;
        double[] mean = new double[c], var = new double[c];
        for (int ch = 0; ch < c; ch++) {
            double s = 0, s2 = 0;
            for (int a = 0; a < n; a++) for (int y = 0; y < h; y++) for (int z = 0; z < w; z++) s += x.get(a, ch, y, z);
            mean[ch] = s / m;
            for (int a = 0; a < n; a++) for (int y = 0; y < h; y++) for (int z = 0; z < w; z++) {
                double d = x.get(a, ch, y, z) - mean[ch];
                s2 += d * d;
            }
            var[ch] = s2 / m;
        }
        return new double[][]{mean, var};
    }

    @Test void trainingForwardAndRunningStatsAfterTwoSteps() {
        BatchNorm2d bn = new BatchNorm2d(3, DType.F64);
        bn.weight().data().copyFrom(Tensor.of(new double[]{1.5, -0.5, 2.0}, 3));
        bn.bias().data().copyFrom(Tensor.of(new double[]{0.1, 0.2, -0.3}, 3));
        Tensor x1 = Tensor.randn(DType.F64, new SplittableRandom(1), 2, 3, 2, 3).mul(2).add(1);
        Tensor x2 = Tensor.randn(DType.F64, new SplittableRandom(2), 2, 3, 2, 3).mul(0.5).sub(1);

        Tensor y1 = bn.forward(Var.constant(x1)).data();
        double[][] s1 = stats(x1);
        double[] expected = new double[y1.numel()];
        for (int i = 0; i < expected.length; i++) {
            int ch = (i / 6) % 3;
            double xi = x1.getFlat(i);
            expected[i] = (xi - s1[0][ch]) / Math.sqrt(s1[1][ch] + 1e-5) * bn.weight().data().get(ch) + bn.bias().data().get(ch);
        }
        assertTrue(ModuleGradCheck.maxAbsDiff(y1, expected) < 1e-12);
        bn.forward(Var.constant(x2));

        // running = 0.9·running + 0.1·batch, running_var uses the unbiased batch variance (m = 12 values per channel)
        double[][] s2 = stats(x2);
        double m = 12;
        double[] rm = new double[3], rv = new double[3];
        for (int ch = 0; ch < 3; ch++) {
            rm[ch] = 0.9 * (0.9 * 0 + 0.1 * s1[0][ch]) + 0.1 * s2[0][ch];
            rv[ch] = 0.9 * (0.9 * 1 + 0.1 * s1[1][ch] * m / (m - 1)) + 0.1 * s2[1][ch] * m / (m - 1);
        }
        assertTrue(ModuleGradCheck.maxAbsDiff(bn.runningMean(), rm) < 1e-12);
        assertTrue(ModuleGradCheck.maxAbsDiff(bn.runningVar(), rv) < 1e-12);
        assertEquals(2, bn.numBatchesTracked());

        // eval normalises by the running statistics and leaves them alone
        bn.eval();
        Tensor y = bn.forward(Var.constant(x1)).data();
        for (int i = 0; i < expected.length; i++) {
            int ch = (i / 6) % 3;
            expected[i] = (x1.getFlat(i) - rm[ch]) / Math.sqrt(rv[ch] + 1e-5) * bn.weight().data().get(ch) + bn.bias().data().get(ch);
        }
        assertTrue(ModuleGradCheck.maxAbsDiff(y, expected) < 1e-12);
        assertEquals(2, bn.numBatchesTracked());
        assertTrue(ModuleGradCheck.maxAbsDiff(bn.runningMean(), rm) < 1e-15);
    }

    @Test void stateDictNamesMatchPyTorch() {
        BatchNorm2d bn = new BatchNorm2d(4, DType.F32);
        assertEquals(java.util.List.of("weight", "bias", "running_mean", "running_var", "num_batches_tracked"),
                java.util.List.copyOf(bn.stateDict().keySet()));
        assertArrayEquals(new int[0], bn.stateDict().get("num_batches_tracked").shape());
    }

    @Test void gradCheckTrainingAndEval() {
        BatchNorm2d bn = new BatchNorm2d(2, DType.F64);
        bn.weight().data().copyFrom(Tensor.of(new double[]{0.7, -1.3}, 2));
        bn.bias().data().copyFrom(Tensor.of(new double[]{0.2, 0.4}, 2));
        Tensor x = Tensor.randn(DType.F64, new SplittableRandom(5), 2, 2, 2, 2);
        ModuleGradCheck.assertGradients(bn, bn, x);
        bn.runningVar().copyFrom(Tensor.of(new double[]{0.5, 2.0}, 2));
        bn.eval();
        ModuleGradCheck.assertGradients(bn, bn, x);
    }
}
