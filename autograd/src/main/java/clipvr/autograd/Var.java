package clipvr.autograd;

import clipvr.autograd.ops.*;
import clipvr.tensor.DType;
import clipvr.tensor.Shape;
import clipvr.tensor.Tensor;

import java.util.*;

/**
 * A tensor in the autograd graph: its value, its accumulated gradient, and (for results of ops)
 * the closure that pushes an output gradient back to its inputs.
 *
 * <p>Like micrograd: every op builds its output together with its backward closure
 * ({@code clipvr.autograd.ops}); gradients accumulate (fan-out just works); {@link #backward()}
 * sorts the graph topologically and runs the closures in reverse. A closure computes the gradient
 * of an input only if that input {@link #requiresGrad()}, so frozen weights cost nothing: visual
 * reprogramming pushes gradients through a frozen CLIP to its input pixels without ever forming a
 * weight gradient.
 */
public final class Var {
    /** Pushes the gradient of this node's output back into its parents. */
    @FunctionalInterface
    public interface Backward { void apply(Tensor gradOut); }

    private Tensor data;
    private Tensor grad;
    private final boolean requiresGrad;
    private final Var[] parents;
    private final Backward backward;
    private final String op;

    private Var(Tensor data, boolean requiresGrad, Var[] parents, Backward backward, String op) {
        this.data = Objects.requireNonNull(data, "data");
        this.requiresGrad = requiresGrad;
        this.parents = parents;
        this.backward = backward;
        this.op = op;
    }

    /** A leaf that collects a gradient (a trainable parameter or an input we differentiate by). */
    public static Var param(Tensor data) { return new Var(data, true, new Var[0], null, "leaf"); }

    /** A leaf that needs no gradient (inputs, frozen weights). */
    public static Var constant(Tensor data) { return new Var(data, false, new Var[0], null, "const"); }

    /** A leaf with an explicit requires-grad flag. */
    public static Var leaf(Tensor data, boolean requiresGrad) { return requiresGrad ? param(data) : constant(data); }

    /**
     * The result of an op: records {@code backward} only when grad mode is on and some parent needs a
     * gradient; otherwise the result is a constant and nothing is retained.
     */
    public static Var result(Tensor out, String op, Backward backward, Var... parents) {
        boolean needs = false;
        if (GradMode.enabled()) for (Var p : parents) if (p != null && p.requiresGrad) { needs = true; break; }
        return needs ? new Var(out, true, parents, backward, op) : new Var(out, false, new Var[0], null, op);
    }

    // ------------------------------------------------------------------ state

    public Tensor data() { return data; }
    public Tensor grad() { return grad; }
    public boolean requiresGrad() { return requiresGrad; }
    public boolean isLeaf() { return backward == null; }
    public String op() { return op; }
    public int[] shape() { return data.shape(); }
    public int size(int axis) { return data.size(axis); }
    public int rank() { return data.rank(); }
    public DType dtype() { return data.dtype(); }
    public double item() { return data.item(); }

    /** Replaces the value (optimisers update parameters in place; loading a state dict swaps it). */
    public void setData(Tensor t) {
        if (!Arrays.equals(t.shape(), data.shape()))
            throw new IllegalArgumentException("setData: shape " + Shape.str(t.shape()) + " does not match " + Shape.str(data.shape()));
        this.data = t;
    }

    public void zeroGrad() { grad = null; }

    /** A constant with the same value, cut from the graph. */
    public Var detach() { return constant(data); }

    /** Adds {@code g} to this node's gradient (summing broadcast axes away); never modifies {@code g}. */
    public void accumulate(Tensor g) {
        if (!requiresGrad) return;
        Tensor s = g.sumTo(data.shape());
        if (s.dtype() != data.dtype())
            throw new IllegalStateException("gradient dtype " + s.dtype() + " for " + data.dtype() + " value of op " + op);
        // a leaf keeps its own contiguous copy: s may be a broadcast view of g or shared with other inputs
        if (grad == null) grad = backward == null ? s.copy() : s;
        else grad = grad.add(s);
    }

    // ------------------------------------------------------------------ backward

    /** Back-propagates from this scalar (seed 1). */
    public void backward() {
        if (data.numel() != 1)
            throw new IllegalStateException("backward() needs a scalar, this is " + Shape.str(data.shape()) + "; pass a seed gradient");
        backward(Tensor.full(data.device(), data.dtype(), 1.0, data.shape()));
    }

    /** Back-propagates a seed gradient of this node's shape through the graph. */
    public void backward(Tensor seed) {
        if (!requiresGrad) throw new IllegalStateException("backward: this value does not require a gradient (op " + op + ")");
        if (!Arrays.equals(seed.shape(), data.shape()))
            throw new IllegalArgumentException("backward: seed " + Shape.str(seed.shape()) + " does not match " + Shape.str(data.shape()));
        List<Var> order = topologicalOrder();
        accumulate(seed);
        for (int i = order.size() - 1; i >= 0; i--) {
            Var v = order.get(i);
            if (v.backward == null || v.grad == null) continue;
            v.backward.apply(v.grad);
            v.grad = null;                  // intermediate gradients are freed once propagated
        }
    }

    /** Parents before children, iteratively (deep graphs do not overflow the stack). */
    private List<Var> topologicalOrder() {
        List<Var> order = new ArrayList<>();
        Set<Var> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[]{this, 0});
        visited.add(this);
        while (!stack.isEmpty()) {
            Object[] top = stack.peek();
            Var v = (Var) top[0];
            int i = (Integer) top[1];
            if (i < v.parents.length) {
                top[1] = i + 1;
                Var p = v.parents[i];
                if (p != null && p.requiresGrad && visited.add(p)) stack.push(new Object[]{p, 0});
            } else {
                stack.pop();
                order.add(v);
            }
        }
        return order;
    }

    // ------------------------------------------------------------------ fluent ops (defined in clipvr.autograd.ops)

    public Var add(Var o) { return Arithmetic.add(this, o); }
    public Var sub(Var o) { return Arithmetic.sub(this, o); }
    public Var mul(Var o) { return Arithmetic.mul(this, o); }
    public Var div(Var o) { return Arithmetic.div(this, o); }
    public Var add(double c) { return Arithmetic.addScalar(this, c); }
    public Var mul(double c) { return Arithmetic.scale(this, c); }
    public Var neg() { return Arithmetic.scale(this, -1.0); }
    public Var pow(double p) { return Arithmetic.powScalar(this, p); }
    public Var exp() { return Activations.exp(this); }
    public Var log() { return Activations.log(this); }
    public Var sqrt() { return Activations.sqrt(this); }
    public Var tanh() { return Activations.tanh(this); }
    public Var sigmoid() { return Activations.sigmoid(this); }
    public Var relu() { return Activations.relu(this); }
    public Var gelu() { return Activations.gelu(this); }
    public Var quickGelu() { return Activations.quickGelu(this); }
    public Var clamp(double lo, double hi) { return Arithmetic.clamp(this, lo, hi); }

    public Var sum() { return Reduce.sum(this, null, false); }
    public Var sum(int[] axes, boolean keepdim) { return Reduce.sum(this, axes, keepdim); }
    public Var mean() { return Reduce.mean(this, null, false); }
    public Var mean(int[] axes, boolean keepdim) { return Reduce.mean(this, axes, keepdim); }
    public Var max(int axis, boolean keepdim) { return Reduce.max(this, axis, keepdim); }
    public Var var(int[] axes, boolean unbiased, boolean keepdim) { return Reduce.var(this, axes, unbiased, keepdim); }
    public Var softmax(int axis) { return Norms.softmax(this, axis); }
    public Var logSoftmax(int axis) { return Norms.logSoftmax(this, axis); }
    public Var layerNorm(Var weight, Var bias, double eps) { return Norms.layerNorm(this, weight, bias, eps); }

    public Var matmul(Var o) { return LinearAlgebra.matmul(this, o); }
    public Var matmulT(Var o) { return LinearAlgebra.matmulT(this, o); }

    public Var reshape(int... shape) { return Shapes.reshape(this, shape); }
    /** This value on {@code device} (differentiable: the gradient comes back to this device). */
    public Var to(clipvr.tensor.Device device) { return data.device().equals(device) ? this : Shapes.to(this, device); }
    public Var permute(int... perm) { return Shapes.permute(this, perm); }
    public Var transpose(int a, int b) { return Shapes.transpose(this, a, b); }
    public Var narrow(int axis, int start, int length) { return Shapes.narrow(this, axis, start, length); }
    public Var select(int axis, int index) { return Shapes.select(this, axis, index); }
    public Var expand(int... shape) { return Shapes.expand(this, shape); }
    public Var squeeze(int axis) { return Shapes.squeeze(this, axis); }
    public Var unsqueeze(int axis) { return Shapes.unsqueeze(this, axis); }

    @Override public String toString() { return "Var(" + op + (requiresGrad ? ", grad" : "") + ", " + data + ")"; }
}
