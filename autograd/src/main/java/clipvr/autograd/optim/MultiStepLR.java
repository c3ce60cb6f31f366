package clipvr.autograd.optim;

import java.util.Arrays;

/**
 * Decays the lr by γ at each milestone: η_t = η₀·γ^(number of milestones ≤ t), as PyTorch's
 * {@code MultiStepLR} (a milestone listed twice counts twice, as in PyTorch's Counter).
 */
public final class MultiStepLR extends ClosedFormScheduler {
    private final int[] milestones;
    public final double gamma;

    public MultiStepLR(Optimizer optimizer, int[] milestones, double gamma) {
        super(optimizer);
        this.milestones = milestones.clone();
        Arrays.sort(this.milestones);
        this.gamma = gamma;
        apply();
    }

    public int[] milestones() { return milestones.clone(); }

    @Override protected double lrAt(int t, double base) {
        int passed = 0;
        for (int m : milestones) if (m <= t) passed++;
        return base * Math.pow(gamma, passed);
    }
}
