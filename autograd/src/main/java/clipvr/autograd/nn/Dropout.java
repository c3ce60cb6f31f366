package clipvr.autograd.nn;

import clipvr.autograd.Var;
import clipvr.tensor.Tensor;

import java.util.random.RandomGenerator;

/**
 * Training: zero each element with probability p and scale the rest by 1/(1 - p), so the expectation is
 * unchanged (inverted dropout, as PyTorch); the mask is drawn row-major from the given generator.
 * Eval, or p = 0: the identity.
 */
public final class Dropout extends Module implements Layer {
    public final double p;
    private final RandomGenerator rng;

    public Dropout(double p, RandomGenerator rng) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("Dropout: p = " + p + " is not in [0, 1]");
        this.p = p;
        this.rng = rng;
    }

    @Override public Var forward(Var x) {
        if (!isTraining() || p == 0) return x;
        Tensor mask = Tensor.empty(x.dtype(), x.shape());
        double keep = p == 1 ? 0.0 : 1.0 / (1 - p);
        for (int i = 0, n = mask.numel(); i < n; i++) mask.setFlat(i, rng.nextDouble() < p ? 0.0 : keep);
        return x.mul(Var.constant(mask.to(x.data().device())));   // drawn on the host: one upload on a device
    }
}
