package clipvr.autograd.optim;

import clipvr.autograd.nn.Parameter;
import clipvr.tensor.Tensor;

import java.util.Map;
import java.util.SequencedMap;

/**
 * Stochastic gradient descent with momentum, exactly as {@code torch.optim.SGD}:
 * <pre>
 *   g ← g + wd·θ                                   (weight decay, if wd ≠ 0)
 *   b ← g                          on the first step (if μ ≠ 0)
 *   b ← μ·b + (1 - dampening)·g    afterwards
 *   g ← g + μ·b   (nesterov)   or   g ← b   (plain momentum)
 *   θ ← θ - lr·g
 * </pre>
 * State slot: "momentum_buffer".
 */
public final class SGD extends Optimizer {
    public final double momentum, dampening, weightDecay;
    public final boolean nesterov;

    public SGD(SequencedMap<String, Parameter> params, double lr, double momentum, double dampening,
               double weightDecay, boolean nesterov) {
        super(params, lr);
        if (momentum < 0 || weightDecay < 0) throw new IllegalArgumentException("SGD: momentum " + momentum + " and weight decay " + weightDecay + " must be >= 0");
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new IllegalArgumentException("SGD: nesterov momentum requires a momentum and zero dampening");
        this.momentum = momentum;
        this.dampening = dampening;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
    }

    /** Plain SGD: θ ← θ - lr·g. */
    public SGD(SequencedMap<String, Parameter> params, double lr) { this(params, lr, 0, 0, 0, false); }

    @Override protected void update(Tensor theta, Tensor g, Map<String, Tensor> slots) {
        Tensor d = weightDecay != 0 ? g.add(theta.mul(weightDecay)) : g;
        if (momentum != 0) {
            Tensor buf = slots.get("momentum_buffer");
            if (buf == null) slots.put("momentum_buffer", buf = d.copy());
            else buf.mulInPlace(momentum).addInPlace(d, 1 - dampening);
            d = nesterov ? d.add(buf.mul(momentum)) : buf;
        }
        theta.addInPlace(d, -lr());
    }
}
