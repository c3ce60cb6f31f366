package clipvr.autograd.nn;

import clipvr.autograd.Var;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class LayerNormTest {
    @Test void forwardNormalisesTheLastAxis() {
        LayerNorm ln = new LayerNorm(4, DType.F64);
        assertEquals(1e-5, ln.eps);
        ln.weight().data().copyFrom(Tensor.of(new double[]{1, 2, -1, 0.5}, 4));
        ln.bias().data().copyFrom(Tensor.of(new double[]{0, 0.1, 0.2, 0.3}, 4));
        Tensor x = Tensor.randn(DType.F64, new SplittableRandom(1), 2, 3, 4);
        Tensor y = ln.forward(Var.constant(x)).data();
        double[] xs = x.toDoubleArray(), expected = new double[xs.length];
        for (int r = 0; r < 6; r++) {
            double mean = 0, var = 0;
            for (int j = 0; j < 4; j++) mean += xs[r * 4 + j] / 4;
            for (int j = 0; j < 4; j++) var += (xs[r * 4 + j] - mean) * (xs[r * 4 + j] - mean) / 4;
            for (int j = 0; j < 4; j++)
                expected[r * 4 + j] = (xs[r * 4 + j] - mean) / Math.sqrt(var + 1e-5) * ln.weight().data().get(j) + ln.bias().data().get(j);
        }
        assertTrue(ModuleGradCheck.maxAbsDiff(y, expected) < 1e-12);
    }

    @Test void gradCheck() {
        LayerNorm ln = new LayerNorm(3, DType.F64);
        ln.weight().data().copyFrom(Tensor.of(new double[]{0.5, 1.5, -2}, 3));
        ModuleGradCheck.assertGradients(ln, ln, Tensor.randn(DType.F64, new SplittableRandom(2), 2, 2, 3));
    }
}
