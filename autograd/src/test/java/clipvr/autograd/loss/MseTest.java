package clipvr.autograd.loss;

import clipvr.autograd.GradCheck;
import clipvr.autograd.Var;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class MseTest {
    @Test void meanOfSquaredDifferences() {
        Tensor p = Tensor.of(new double[]{1, 2, 3, 4}, 2, 2), t = Tensor.of(new double[]{0, 2, 5, 1}, 2, 2);
        assertEquals((1 + 0 + 4 + 9) / 4.0, MSE.loss(Var.constant(p), t).item(), 1e-15);
        Var pv = Var.param(p);
        MSE.loss(pv, t).backward();
        assertArrayEquals(new double[]{0.5, 0, -1, 1.5}, pv.grad().toDoubleArray(), 1e-15);   // 2(p - t)/n
    }

    @Test void gradCheckBothSides() {
        SplittableRandom rng = new SplittableRandom(1);
        GradCheck.assertGradients(v -> MSE.loss(v.get(0), v.get(1)),
                List.of(Tensor.randn(DType.F64, rng, 3, 2), Tensor.randn(DType.F64, rng, 3, 2)), GradCheck.Options.DEFAULT);
    }

    @Test void shapeMismatchAndNanAreErrors() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> MSE.loss(Var.constant(Tensor.zeros(DType.F32, 2, 3)), Tensor.zeros(DType.F32, 3)));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[3]"), e.getMessage());
        Tensor p = Tensor.zeros(DType.F32, 2);
        p.set(Double.NaN, 1);
        e = assertThrows(IllegalArgumentException.class, () -> MSE.loss(Var.constant(p), Tensor.zeros(DType.F32, 2)));
        assertTrue(e.getMessage().startsWith("mse: pred [2] contain NaN at [1]"), e.getMessage());
    }
}
