package clipvr.autograd.loss;

import clipvr.tensor.Shape;
import clipvr.tensor.Tensor;

import java.util.Arrays;

/** Guards losses against NaN and ±Inf inputs: a clear error instead of a NaN that surfaces steps later. */
final class Finite {
    private Finite() {}

    /** Throws naming the op, the input, its shape and the first non-finite position (row-major). */
    static void check(String op, String what, Tensor t) {
        // on a device only one scalar comes back: Σ (x - x) is NaN exactly when some x is not finite
        if (!t.device().isCpu() && !Double.isNaN(t.sub(t).sum().item())) return;
        double[] v = t.toDoubleArray();
        for (int i = 0; i < v.length; i++)
            if (!Double.isFinite(v[i]))
                throw new IllegalArgumentException(op + ": " + what + " " + Shape.str(t.shape()) + " contain "
                        + v[i] + " at " + Arrays.toString(unflatten(i, t.shape())) + " (first non-finite value)");
    }

    static int[] unflatten(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) { idx[d] = flat % shape[d]; flat /= shape[d]; }
        return idx;
    }
}
