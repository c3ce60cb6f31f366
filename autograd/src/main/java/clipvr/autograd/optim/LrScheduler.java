package clipvr.autograd.optim;

import clipvr.tensor.Tensor;

import java.util.Map;

/**
 * Sets an optimizer's learning rate as a function of a counter. The caller decides whether one
 * {@link #step()} is an iteration or an epoch. The counter starts at 0 (the optimizer's lr when the
 * scheduler was made); {@link #state()} / {@link #loadState} save and restore it for resume.
 */
public interface LrScheduler {
    /** Advances the counter by one and sets the optimizer's lr for it. */
    void step();

    /** How many times {@link #step()} has run (PyTorch's {@code last_epoch}). */
    int lastEpoch();

    /** The lr this scheduler last set. */
    double lr();

    /** {@code "last_epoch"} and {@code "base_lr"} as float64 scalars. */
    Map<String, Tensor> state();

    /** Restores {@link #state()} and sets the optimizer's lr for the restored counter. */
    void loadState(Map<String, Tensor> state);
}
