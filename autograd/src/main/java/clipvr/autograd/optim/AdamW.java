package clipvr.autograd.optim;

import clipvr.autograd.nn.Parameter;

import java.util.SequencedMap;

/**
 * Adam with decoupled weight decay, exactly as {@code torch.optim.AdamW}: θ ← θ·(1 - lr·wd) before the
 * Adam update, the gradient itself is not changed (see {@link Adam} for the update).
 */
public final class AdamW extends Adam {
    public AdamW(SequencedMap<String, Parameter> params, double lr, double beta1, double beta2, double eps,
                 double weightDecay, boolean amsgrad) {
        super(params, lr, beta1, beta2, eps, weightDecay, amsgrad, true);
    }

    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01. */
    public AdamW(SequencedMap<String, Parameter> params, double lr) { this(params, lr, 0.9, 0.999, 1e-8, 0.01, false); }
}
