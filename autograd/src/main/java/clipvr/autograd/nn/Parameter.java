package clipvr.autograd.nn;

import clipvr.autograd.Var;
import clipvr.tensor.DType;
import clipvr.tensor.Shape;
import clipvr.tensor.Tensor;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named, learnable tensor of a {@link Module}: a leaf {@link Var} plus a trainable flag.
 *
 * <p>A {@code Var}'s requires-grad flag is fixed when it is made, so {@link #freeze()} and {@link #unfreeze()}
 * swap the underlying leaf: a trainable parameter is a {@link Var#param} (backward forms its gradient),
 * a frozen one a {@link Var#constant} (every op skips the gradient of a constant input, so a frozen
 * weight costs no weight-gradient GEMM). The value tensor is shared across the swap. Modules therefore
 * read {@link #var()} at every forward call and never keep the Var; switch the flag between steps, not
 * between a forward pass and its backward pass.
 */
public final class Parameter {
    private final String name;
    private Var var;

    /** A parameter called {@code name} (its local name inside the owning module, no dots). */
    public Parameter(String name, Tensor data, boolean requiresGrad) {
        this.name = Objects.requireNonNull(name, "name");
        this.var = Var.leaf(Objects.requireNonNull(data, "data"), requiresGrad);
    }

    public String name() { return name; }

    /** The leaf to compute with (re-read it every forward pass: freezing replaces it). */
    public Var var() { return var; }

    public Tensor data() { return var.data(); }
    public Tensor grad() { return var.grad(); }
    public int[] shape() { return var.shape(); }
    public DType dtype() { return var.dtype(); }
    public int numel() { return var.data().numel(); }
    public boolean requiresGrad() { return var.requiresGrad(); }
    public void zeroGrad() { var.zeroGrad(); }

    /** Sets the trainable flag; changing it replaces the leaf (and drops any accumulated gradient). */
    public Parameter requiresGrad(boolean trainable) {
        if (trainable != var.requiresGrad()) var = Var.leaf(var.data(), trainable);
        return this;
    }

    public Parameter freeze() { return requiresGrad(false); }
    public Parameter unfreeze() { return requiresGrad(true); }

    /**
     * Replaces the value with {@code t} (same shape; the dtype may change, e.g. {@link Module#to}),
     * keeping the trainable flag and dropping the gradient. To overwrite values in place use
     * {@code data().copyFrom(t)}.
     */
    public void setData(Tensor t) {
        checkShape("setData", t.shape());
        var = Var.leaf(t, var.requiresGrad());
    }

    /**
     * Makes this parameter read from {@code v}, a leaf built elsewhere (same shape): its trainable flag
     * becomes {@code v.requiresGrad()}. Ties a parameter to an external Var, e.g. one that
     * {@link clipvr.autograd.GradCheck} differentiates by.
     */
    public void bind(Var v) {
        checkShape("bind", v.shape());
        var = v;
    }

    private void checkShape(String op, int[] s) {
        if (!Arrays.equals(s, var.shape()))
            throw new IllegalArgumentException("Parameter " + name + "." + op + ": shape " + Shape.str(s)
                    + " does not match " + Shape.str(var.shape()));
    }

    @Override public String toString() {
        return "Parameter(" + name + ", " + dtype() + " " + Shape.str(shape()) + (requiresGrad() ? "" : ", frozen") + ")";
    }
}
