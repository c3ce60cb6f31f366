package clipvr.autograd.nn;

import clipvr.tensor.DType;
import clipvr.tensor.Shape;
import clipvr.tensor.Tensor;

import java.util.*;
import java.util.function.BiConsumer;

/**
 * A node of a model: its own named {@link Parameter}s, buffers (non-learned state such as BatchNorm's
 * running statistics) and child modules, plus a training flag.
 *
 * <p>Names follow PyTorch: a child's entries are prefixed by the child's name and a dot, so a tree reads
 * {@code visual.transformer.resblocks.0.attn.in_proj_weight}. {@link #stateDict()} lists, module by module
 * in registration order, the parameters, then the buffers, then each child's entries (PyTorch's order),
 * which is the order checkpoint files are written and read in.
 *
 * <p>Subclasses register what they own in their constructor with {@link #param}, {@link #buffer(String, Tensor)}
 * and {@link #child}, and define a forward method with whatever signature fits (single-input modules
 * implement {@link Layer}).
 */
public abstract class Module {
    private final LinkedHashMap<String, Parameter> params = new LinkedHashMap<>();
    private final LinkedHashMap<String, Tensor> buffers = new LinkedHashMap<>();
    private final LinkedHashMap<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    // ------------------------------------------------------------------ registration (constructors of subclasses)

    /** Registers a trainable parameter called {@code name} with initial value {@code init}. */
    protected final Parameter param(String name, Tensor init) {
        checkName(name);
        Parameter p = new Parameter(name, init, true);
        params.put(name, p);
        return p;
    }

    /** Registers a buffer (saved in the state dict, never trained). */
    protected final Tensor buffer(String name, Tensor init) {
        checkName(name);
        buffers.put(name, Objects.requireNonNull(init, name));
        return init;
    }

    /** The current value of buffer {@code name} (re-read it each forward: {@link #to} replaces buffers). */
    protected final Tensor buffer(String name) {
        Tensor t = buffers.get(name);
        if (t == null) throw new IllegalArgumentException(getClass().getSimpleName() + ": no buffer " + name);
        return t;
    }

    /** Registers {@code m} as child {@code name} and returns it. */
    protected final <M extends Module> M child(String name, M m) {
        checkName(name);
        children.put(name, Objects.requireNonNull(m, name));
        return m;
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains("."))
            throw new IllegalArgumentException(getClass().getSimpleName() + ": bad name '" + name + "' (non-empty, no dots)");
        if (params.containsKey(name) || buffers.containsKey(name) || children.containsKey(name))
            throw new IllegalArgumentException(getClass().getSimpleName() + ": name '" + name + "' is already registered");
    }

    // ------------------------------------------------------------------ the tree

    /** Direct children, in registration order. */
    public final SequencedMap<String, Module> namedChildren() { return Collections.unmodifiableSequencedMap(children); }

    /** This module ("") and every descendant under its dotted name, depth first. */
    public final SequencedMap<String, Module> namedModules() {
        LinkedHashMap<String, Module> out = new LinkedHashMap<>();
        walk("", (prefix, m) -> out.put(prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1), m));
        return out;
    }

    /** Every parameter under its dotted name (a parameter shared by several modules is listed once). */
    public final SequencedMap<String, Parameter> namedParameters() {
        LinkedHashMap<String, Parameter> out = new LinkedHashMap<>();
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        walk("", (prefix, m) -> m.params.forEach((n, p) -> { if (seen.add(p)) out.put(prefix + n, p); }));
        return out;
    }

    public final List<Parameter> parameters() { return List.copyOf(namedParameters().values()); }

    /** Every buffer under its dotted name. */
    public final SequencedMap<String, Tensor> namedBuffers() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        walk("", (prefix, m) -> m.buffers.forEach((n, b) -> out.put(prefix + n, b)));
        return out;
    }

    /** The parameter at a dotted path, e.g. {@code "transformer.resblocks.0.attn.in_proj_weight"}. */
    public final Parameter parameter(String dotted) {
        int dot = dotted.lastIndexOf('.');
        Module m = dot < 0 ? this : module(dotted.substring(0, dot));
        Parameter p = m.params.get(dotted.substring(dot + 1));
        if (p == null) throw new NoSuchElementException(getClass().getSimpleName() + ": no parameter " + dotted);
        return p;
    }

    /** The descendant at a dotted path ("" is this module). */
    public final Module module(String dotted) {
        Module m = this;
        if (dotted.isEmpty()) return m;
        for (String part : dotted.split("\\.")) {
            Module c = m.children.get(part);
            if (c == null) throw new NoSuchElementException(getClass().getSimpleName() + ": no module " + dotted + " (missing '" + part + "')");
            m = c;
        }
        return m;
    }

    /** Visits (prefix with trailing dot, module) depth first, this module first. */
    private void walk(String prefix, BiConsumer<String, Module> visit) {
        visit.accept(prefix, this);
        children.forEach((n, c) -> c.walk(prefix + n + ".", visit));
    }

    public final long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) n += p.numel();
        return n;
    }

    // ------------------------------------------------------------------ modes

    /** Sets training mode on this module and all descendants (Dropout, BatchNorm read it). */
    public final Module train(boolean on) {
        walk("", (prefix, m) -> m.training = on);
        return this;
    }

    public final Module train() { return train(true); }
    public final Module eval() { return train(false); }
    public final boolean isTraining() { return training; }

    /** Makes every parameter of the subtree a constant: backward computes no gradient for any of them. */
    public final Module freeze() {
        for (Parameter p : parameters()) p.freeze();
        return this;
    }

    public final Module unfreeze() {
        for (Parameter p : parameters()) p.unfreeze();
        return this;
    }

    public final void zeroGrad() {
        for (Parameter p : parameters()) p.zeroGrad();
    }

    /** The device of the first parameter (the CPU for a module without parameters). */
    public final clipvr.tensor.Device device() {
        List<Parameter> ps = parameters();
        return ps.isEmpty() ? clipvr.tensor.Device.CPU : ps.getFirst().data().device();
    }

    /** Moves every parameter and buffer of the subtree to {@code device} (one counted transfer each). */
    public final Module to(clipvr.tensor.Device device) {
        walk("", (prefix, m) -> {
            m.params.values().forEach(p -> { if (!p.data().device().equals(device)) p.setData(p.data().to(device)); });
            m.buffers.replaceAll((n, b) -> b.to(device));
        });
        return this;
    }

    /** Converts every parameter and buffer of the subtree to {@code dtype} (e.g. F64 for gradient checks). */
    public final Module to(DType dtype) {
        walk("", (prefix, m) -> {
            m.params.values().forEach(p -> { if (p.dtype() != dtype) p.setData(p.data().to(dtype)); });
            m.buffers.replaceAll((n, b) -> b.to(dtype));
        });
        return this;
    }

    // ------------------------------------------------------------------ state dict

    /**
     * Parameters and buffers under their dotted names, in PyTorch's order. The tensors are the live
     * values, not copies (as in PyTorch): copy them for a snapshot that later training must not change.
     */
    public final LinkedHashMap<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        walk("", (prefix, m) -> {
            m.params.forEach((n, p) -> out.put(prefix + n, p.data()));
            m.buffers.forEach((n, b) -> out.put(prefix + n, b));
        });
        return out;
    }

    /** Keys of a non-strict load that matched nothing (PyTorch's {@code _IncompatibleKeys}). */
    public record LoadResult(List<String> missing, List<String> unexpected) {}

    /**
     * Copies {@code state} into this module's parameters and buffers, in place and converting to each
     * one's dtype. Everything is checked before anything is written. A shape mismatch is always an error;
     * missing and unexpected keys are errors when {@code strict}, else they are returned. The error lists
     * every missing, unexpected and misshaped key in one message.
     */
    public final LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        LinkedHashMap<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), misshaped = new ArrayList<>();
        own.forEach((k, t) -> {
            Tensor src = state.get(k);
            if (src == null) missing.add(k);
            else if (!Arrays.equals(src.shape(), t.shape()))
                misshaped.add(k + ": checkpoint " + Shape.str(src.shape()) + " vs model " + Shape.str(t.shape()));
        });
        for (String k : state.keySet()) if (!own.containsKey(k)) unexpected.add(k);
        if (!misshaped.isEmpty() || (strict && (!missing.isEmpty() || !unexpected.isEmpty())))
            throw new IllegalArgumentException(getClass().getSimpleName() + ".loadStateDict: "
                    + missing.size() + " missing, " + unexpected.size() + " unexpected, " + misshaped.size() + " misshaped key(s)"
                    + "\n  missing: " + missing + "\n  unexpected: " + unexpected + "\n  misshaped: " + misshaped);
        own.forEach((k, t) -> { Tensor src = state.get(k); if (src != null) t.copyFrom(src); });
        return new LoadResult(List.copyOf(missing), List.copyOf(unexpected));
    }

    // ------------------------------------------------------------------ printing

    /** One line per module, indented like the tree, with each module's own parameter shapes. */
    @Override public String toString() {
        StringBuilder sb = new StringBuilder();
        walk("", (prefix, m) -> {
            int depth = prefix.isEmpty() ? 0 : prefix.split("\\.").length;
            sb.append("  ".repeat(depth)).append(prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1) + ": ")
              .append(m.getClass().getSimpleName());
            m.params.forEach((n, p) -> sb.append(' ').append(n).append(Shape.str(p.shape())).append(p.requiresGrad() ? "" : "*"));
            sb.append('\n');
        });
        return sb.toString();
    }
}
