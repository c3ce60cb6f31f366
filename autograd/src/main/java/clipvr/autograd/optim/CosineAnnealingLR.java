package clipvr.autograd.optim;

/**
 * Cosine annealing from η₀ (the optimizer's lr at construction) to η_min over T_max steps:
 * <pre>
 *   η_t = η_min + (η₀ - η_min)·(1 + cos(π·t / T_max)) / 2
 * </pre>
 * This is PyTorch's {@code _get_closed_form_lr}. PyTorch's {@code step()} uses a recursive form,
 * η_t = η_min + (η_{t-1} - η_min)·(1 + cos(πt/T))/(1 + cos(π(t-1)/T)) (with a special case at the
 * restart points t - 1 - T ≡ 0 mod 2T); the ratio telescopes, so when nothing else changes the lr the two
 * agree at every t, past T_max included (the curve then rises again with period 2·T_max).
 */
public final class CosineAnnealingLR extends ClosedFormScheduler {
    public final int tMax;
    public final double etaMin;

    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin) {
        super(optimizer);
        if (tMax <= 0) throw new IllegalArgumentException("CosineAnnealingLR: T_max " + tMax + " must be > 0");
        this.tMax = tMax;
        this.etaMin = etaMin;
        apply();
    }

    @Override protected double lrAt(int t, double base) {
        return etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * t / tMax)) / 2;
    }
}
