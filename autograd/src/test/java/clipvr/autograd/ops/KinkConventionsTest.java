package clipvr.autograd.ops;

import clipvr.autograd.Var;
import clipvr.tensor.Tensor;
import clipvr.tensor.ops.Windows;
import org.junit.jupiter.api.Test;

import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * What the ops do exactly at their non-differentiable points (the properties keep away from these by
 * construction; these examples pin the conventions down):
 * <ul>
 *   <li>relu'(0) = 0 and d|x|/dx = sign(0) = 0 (as PyTorch);</li>
 *   <li>clamp passes gradient only strictly inside (lo, hi): 0 at a bound (PyTorch passes it at a bound);</li>
 *   <li>max along an axis, max-pool and top-k send the whole gradient to the first tied element (lowest
 *       index; for pooling, first in the window's row-major order); PyTorch's amax splits it evenly.</li>
 * </ul>
 */
class KinkConventionsTest {

    static double[] grad(Tensor x, UnaryOperator<Var> f) {
        Var v = Var.param(x);
        f.apply(v).sum().backward();
        return v.grad().toDoubleArray();
    }

    @Test
    void reluAndAbsAtZero() {
        Tensor z = Tensor.of(new double[]{0, 0}, 2);
        assertArrayEquals(new double[]{0, 0}, grad(z, Activations::relu));
        assertArrayEquals(new double[]{0, 0}, grad(z, Activations::abs));
    }

    @Test
    void clampAtItsBounds() {
        Tensor x = Tensor.of(new double[]{-1, -0.5, 1, 2}, 4);
        assertArrayEquals(new double[]{0, 1, 0, 0}, grad(x, v -> Arithmetic.clamp(v, -1, 1)));
    }

    @Test
    void ties() {
        assertArrayEquals(new double[]{0, 1, 0}, grad(Tensor.of(new double[]{1, 3, 3}, 1, 3), v -> Reduce.max(v, 1, false)));
        assertArrayEquals(new double[]{1, 0, 0}, grad(Tensor.of(new double[]{1, 1, 0}, 3), v -> Select.topk(v, 1, 0, true)));
        assertArrayEquals(new double[]{1, 0, 0, 0},
                grad(Tensor.of(new double[]{2, 2, 2, 0}, 1, 1, 2, 2), v -> Conv.maxPool2d(v, Windows.Geometry.square(2, 2, 0))));
    }
}
