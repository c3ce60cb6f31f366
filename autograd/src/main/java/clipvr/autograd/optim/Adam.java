package clipvr.autograd.optim;

import clipvr.autograd.nn.Parameter;
import clipvr.tensor.Tensor;
import clipvr.tensor.kernels.CpuBackend;

import java.util.Map;
import java.util.SequencedMap;

/**
 * Adam, exactly as {@code torch.optim.Adam} (and, with decoupled weight decay, {@link AdamW}). At step t = 1, 2, ...:
 * <pre>
 *   θ ← θ·(1 - lr·wd)                 (AdamW: decoupled decay)   or   g ← g + wd·θ   (Adam: L2 in the gradient)
 *   m ← β₁·m + (1 - β₁)·g
 *   v ← β₂·v + (1 - β₂)·g²
 *   v̂ ← max(v̂, v)                     (amsgrad only; then v̂ replaces v below)
 *   θ ← θ - (lr / (1 - β₁ᵗ)) · m / (√v / √(1 - β₂ᵗ) + eps)
 * </pre>
 * The last line is PyTorch's arrangement of the bias corrections m̂ = m/(1 - β₁ᵗ), v̂ = v/(1 - β₂ᵗ):
 * eps is added after dividing √v by √(1 - β₂ᵗ). State slots: "step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq".
 *
 * <p>Float32 host parameters (without amsgrad or L2 decay) take {@link AdamRows}, one fused loop per row that
 * gives the same bits and skips rows with zero gradient and zero moments (the untouched rows of an embedding);
 * {@code -Dclipvr.kernels=reference} or {@link #setReference} keeps the dense tensor-op twin below.
 */
public class Adam extends Optimizer {
    public final double beta1, beta2, eps, weightDecay;
    public final boolean amsgrad;
    private final boolean decoupled;
    private boolean reference = CpuBackend.REFERENCE;

    protected Adam(SequencedMap<String, Parameter> params, double lr, double beta1, double beta2, double eps,
                   double weightDecay, boolean amsgrad, boolean decoupled) {
        super(params, lr);
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1))
            throw new IllegalArgumentException(getClass().getSimpleName() + ": betas (" + beta1 + ", " + beta2 + ") must be in [0, 1)");
        if (!(eps >= 0 && weightDecay >= 0))
            throw new IllegalArgumentException(getClass().getSimpleName() + ": eps " + eps + " and weight decay " + weightDecay + " must be >= 0");
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.amsgrad = amsgrad;
        this.decoupled = decoupled;
    }

    public Adam(SequencedMap<String, Parameter> params, double lr, double beta1, double beta2, double eps,
                double weightDecay, boolean amsgrad) {
        this(params, lr, beta1, beta2, eps, weightDecay, amsgrad, false);
    }

    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public Adam(SequencedMap<String, Parameter> params, double lr) { this(params, lr, 0.9, 0.999, 1e-8, 0, false); }

    /**
     * Selects the dense tensor-op update ({@code true}; the default under {@code -Dclipvr.kernels=reference})
     * or the fused row loop of {@link AdamRows}, which gives the same bits and skips rows it cannot change.
     */
    public final void setReference(boolean reference) { this.reference = reference; }

    public final boolean reference() { return reference; }

    @Override protected final void update(Tensor theta, Tensor g, Map<String, Tensor> slots) {
        long t = nextStep(slots);
        double lr = lr();
        if (clipvr.tensor.ops.Fused.kernels(theta) && !amsgrad && theta.isContiguous()) {           // a device: the lines below as one kernel
            Tensor m = zerosSlot(slots, "exp_avg", theta), v = zerosSlot(slots, "exp_avg_sq", theta);
            clipvr.tensor.Backends.device(theta.device()).adamUpdate(theta, g.contiguous(), m, v, lr, beta1, beta2, eps, weightDecay,
                    decoupled, 1 - Math.pow(beta1, t), 1 - Math.pow(beta2, t));
            return;
        }
        if (!reference && !amsgrad && (decoupled || weightDecay == 0)) {
            Tensor m = zerosSlot(slots, "exp_avg", theta), v = zerosSlot(slots, "exp_avg_sq", theta);
            if (AdamRows.fits(theta, g, m, v)) {
                AdamRows.update(theta, g, m, v, t, lr, beta1, beta2, eps, weightDecay);
                return;
            }
        }
        updateDense(theta, g, slots, t, lr);
    }

    /** The readable reference: the update above in whole-tensor ops (any dtype, any device). */
    private void updateDense(Tensor theta, Tensor g, Map<String, Tensor> slots, long t, double lr) {
        if (weightDecay != 0) {
            if (decoupled) theta.mulInPlace(1 - lr * weightDecay);
            else g = g.add(theta.mul(weightDecay));
        }
        Tensor m = zerosSlot(slots, "exp_avg", theta), v = zerosSlot(slots, "exp_avg_sq", theta);
        m.mulInPlace(beta1).addInPlace(g, 1 - beta1);
        v.mulInPlace(beta2).addInPlace(g.mul(g), 1 - beta2);
        Tensor vhat = v;
        if (amsgrad) {
            Tensor vmax = zerosSlot(slots, "max_exp_avg_sq", theta);
            vmax.copyFrom(vmax.maximum(v));
            vhat = vmax;
        }
        double bc1 = 1 - Math.pow(beta1, t), bc2 = 1 - Math.pow(beta2, t);
        Tensor denom = vhat.sqrt().div(Math.sqrt(bc2)).add(eps);
        theta.addInPlace(m.div(denom), -lr / bc1);
    }
}
