package clipvr.autograd.optim;

import clipvr.autograd.nn.Parameter;
import clipvr.tensor.DType;
import clipvr.tensor.Shape;
import clipvr.tensor.Tensor;

import java.util.*;

/**
 * Updates a set of named {@link Parameter}s in place from their gradients, PyTorch semantics.
 *
 * <p>{@link #step()} visits the parameters in order and skips those without a gradient (frozen, or not
 * reached by backward), as PyTorch does. Per-parameter state (momentum buffers, Adam moments, step counts)
 * lives in named slots and is saved by {@link #state()} under {@code "<parameter name>:<slot>"} for
 * checkpoint and resume. Several optimizers may share a model (each owns its own parameters and state).
 */
public abstract class Optimizer {
    private final LinkedHashMap<String, Parameter> params;
    private final HashMap<String, LinkedHashMap<String, Tensor>> state = new HashMap<>();
    private double lr;

    /** {@code params} usually comes from {@link clipvr.autograd.nn.Module#namedParameters()}. */
    protected Optimizer(SequencedMap<String, Parameter> params, double lr) {
        if (params.isEmpty()) throw new IllegalArgumentException(getClass().getSimpleName() + ": no parameters to optimise");
        for (String n : params.keySet())
            if (n.contains(":")) throw new IllegalArgumentException(getClass().getSimpleName() + ": parameter name '" + n + "' contains ':'");
        this.params = new LinkedHashMap<>(params);
        setLr(lr);
    }

    /** Names an unnamed list by position ("0", "1", ...) for the constructors. */
    public static SequencedMap<String, Parameter> named(List<Parameter> params) {
        LinkedHashMap<String, Parameter> m = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) m.put(Integer.toString(i), params.get(i));
        return m;
    }

    public final SequencedMap<String, Parameter> params() { return Collections.unmodifiableSequencedMap(params); }

    public final double lr() { return lr; }

    public final void setLr(double lr) {
        if (!(lr >= 0)) throw new IllegalArgumentException(getClass().getSimpleName() + ": learning rate " + lr + " is not >= 0");
        this.lr = lr;
    }

    public final void zeroGrad() {
        for (Parameter p : params.values()) p.zeroGrad();
    }

    /** One update of every parameter that has a gradient. */
    public final void step() {
        params.forEach((name, p) -> {
            Tensor g = p.grad();
            if (g == null) return;
            update(p.data(), g, state.computeIfAbsent(name, k -> new LinkedHashMap<>()));
        });
    }

    /**
     * Updates θ in place from its gradient g (never modify g). {@code slots} is this parameter's state,
     * empty before its first step; a slot named "step" holds a float64 scalar, the others θ-shaped tensors.
     */
    protected abstract void update(Tensor theta, Tensor g, Map<String, Tensor> slots);

    // ------------------------------------------------------------------ checkpoint

    /** A copy of the state: {@code "lr"} and {@code "<parameter>:<slot>"} tensors. */
    public final LinkedHashMap<String, Tensor> state() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        out.put("lr", Tensor.scalar(DType.F64, lr));
        for (String name : params.keySet()) {
            var slots = state.get(name);
            if (slots != null) slots.forEach((slot, t) -> out.put(name + ":" + slot, t.copy()));
        }
        return out;
    }

    /**
     * Replaces the state with {@code saved} (from {@link #state()}), copying. Everything is checked first:
     * keys naming an unknown parameter, slots of the wrong shape and malformed keys are listed in one error.
     */
    public final void loadState(Map<String, Tensor> saved) {
        List<String> problems = new ArrayList<>();
        saved.forEach((key, t) -> {
            if (key.equals("lr")) return;
            int colon = key.lastIndexOf(':');
            Parameter p = colon < 0 ? null : params.get(key.substring(0, colon));
            if (p == null) { problems.add(key + ": no such parameter"); return; }
            boolean scalar = key.substring(colon + 1).equals("step");
            if (scalar ? t.numel() != 1 : !Arrays.equals(t.shape(), p.shape()))
                problems.add(key + ": shape " + Shape.str(t.shape()) + " vs parameter " + Shape.str(p.shape()));
        });
        if (!problems.isEmpty())
            throw new IllegalArgumentException(getClass().getSimpleName() + ".loadState: " + problems.size() + " problem(s): " + problems);
        state.clear();
        saved.forEach((key, t) -> {
            if (key.equals("lr")) { setLr(t.item()); return; }
            int colon = key.lastIndexOf(':');
            String name = key.substring(0, colon), slot = key.substring(colon + 1);
            Tensor v = slot.equals("step") ? Tensor.scalar(DType.F64, t.item()) : t.to(params.get(name).dtype()).to(params.get(name).data().device()).copy();
            state.computeIfAbsent(name, k -> new LinkedHashMap<>()).put(slot, v);
        });
    }

    // ------------------------------------------------------------------ helpers for subclasses

    /** Increments and returns the "step" slot (1 on the first step). */
    protected static long nextStep(Map<String, Tensor> slots) {
        Tensor s = slots.computeIfAbsent("step", k -> Tensor.scalar(DType.F64, 0));
        s.fill(s.item() + 1);
        return (long) s.item();
    }

    /** The θ-shaped slot {@code name}, created as zeros on first use. */
    protected static Tensor zerosSlot(Map<String, Tensor> slots, String name, Tensor theta) {
        return slots.computeIfAbsent(name, k -> Tensor.zeros(theta.device(), theta.dtype(), theta.shape()));
    }
}
