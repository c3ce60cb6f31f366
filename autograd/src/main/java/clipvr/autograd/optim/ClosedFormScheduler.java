package clipvr.autograd.optim;

import clipvr.tensor.DType;
import clipvr.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/** A scheduler whose lr is a closed-form function of the counter and the base lr (so resume is exact). */
public abstract class ClosedFormScheduler implements LrScheduler {
    protected final Optimizer optimizer;
    private double baseLr;
    private int lastEpoch;

    /** Takes the optimizer's current lr as the base lr η₀ and sets the lr for counter 0. */
    protected ClosedFormScheduler(Optimizer optimizer) {
        this.optimizer = optimizer;
        this.baseLr = optimizer.lr();
    }

    /** The lr after {@code t} steps, from base lr {@code base}. */
    protected abstract double lrAt(int t, double base);

    /** Subclasses call this at the end of their constructor. */
    protected final void apply() { optimizer.setLr(lrAt(lastEpoch, baseLr)); }

    @Override public final void step() {
        lastEpoch++;
        apply();
    }

    @Override public final int lastEpoch() { return lastEpoch; }
    @Override public final double lr() { return lrAt(lastEpoch, baseLr); }
    public final double baseLr() { return baseLr; }

    @Override public final Map<String, Tensor> state() {
        LinkedHashMap<String, Tensor> s = new LinkedHashMap<>();
        s.put("last_epoch", Tensor.scalar(DType.F64, lastEpoch));
        s.put("base_lr", Tensor.scalar(DType.F64, baseLr));
        return s;
    }

    @Override public final void loadState(Map<String, Tensor> state) {
        Tensor e = state.get("last_epoch"), b = state.get("base_lr");
        if (e == null || b == null)
            throw new IllegalArgumentException(getClass().getSimpleName() + ".loadState: needs last_epoch and base_lr, got " + state.keySet());
        lastEpoch = (int) e.item();
        baseLr = b.item();
        apply();
    }
}
