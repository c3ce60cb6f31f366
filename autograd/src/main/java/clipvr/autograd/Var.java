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

    /**
     * The graph side of a Var: its gradient, its parents and its backward closure, but not its value.
     *
     * <p>Parents are linked node to node, so the graph does not keep the values of intermediate
     * results alive: a value stays in memory only while the caller holds its Var or a backward closure
     * captured the tensor because it needs it (as PyTorch's saved tensors). An op's closure should
     * therefore capture its inputs' {@link #node()}s and only the tensors its backward reads.
     * Once a node has pushed its gradient back, {@link #backward()} drops its closure, releasing what
     * the closure held: a graph is back-propagated once (build a fresh graph for another pass).
     */
    public static final class Node {
        private Tensor grad;
        /**
         * Whether {@link #grad} of this intermediate node is a tensor only this node holds (a sum it made, or an owned
         * contribution), so further contributions may be added into it in place instead of allocating a new sum per
         * contribution (a JFR allocation profile of a pretraining step put 16 % of all bytes in those sums). A
         * gradient handed in by {@link #accumulate} may be the same tensor another node holds (add passes one g to
         * both inputs), so it is never written.
         */
        private boolean gradOwned;
        private final boolean requiresGrad, leaf;
        private Node[] parents;
        private Backward backward;
        private final String op;
        private final int[] shape;
        private DType dtype;

        private Node(boolean requiresGrad, Node[] parents, Backward backward, String op, int[] shape, DType dtype) {
            this.requiresGrad = requiresGrad;
            this.leaf = backward == null;
            this.parents = parents;
            this.backward = backward;
            this.op = op;
            this.shape = shape;
            this.dtype = dtype;
        }

        public boolean requiresGrad() { return requiresGrad; }

        /** Adds {@code g} to this node's gradient (summing broadcast axes away); never modifies {@code g}. */
        public void accumulate(Tensor g) { accumulate(g, false); }

        /**
         * {@link #accumulate}, for a {@code g} that the calling closure made for this call alone (a fresh product or
         * scatter that nothing else holds or will modify): a leaf that has no gradient yet keeps g itself instead of a
         * copy of it (the same values; a weight gradient's copy is as large as the weight). The caller must not
         * modify or hand out g afterwards.
         */
        public void accumulateOwned(Tensor g) { accumulate(g, true); }

        private void accumulate(Tensor g, boolean owned) {
            if (!requiresGrad) return;
            Tensor s = g.sumTo(shape);
            if (s.dtype() != dtype)
                throw new IllegalStateException("gradient dtype " + s.dtype() + " for " + dtype + " value of op " + op);
            boolean sOwned = owned && s == g && s.isContiguous();     // a fresh tensor no one else holds
            if (grad == null) {
                // a leaf keeps its own contiguous copy: s may be a broadcast view of g or shared with other inputs
                grad = leaf && !sOwned ? s.copy() : s;
                gradOwned = !leaf && sOwned;
            } else if (leaf) {
                grad = grad.add(s);                  // a leaf's gradient may have been handed out (grad()): never in place
            } else if (gradOwned) {
                grad.addInPlace(s, 1.0);             // grad + s into the sum this node already owns
            } else if (sOwned) {
                grad = s.addInPlace(grad, 1.0);      // s + grad == grad + s (IEEE addition commutes): the same bits
                gradOwned = true;
            } else {
                grad = grad.add(s);
                gradOwned = true;
            }
        }
    }

    private static final Node[] NO_PARENTS = new Node[0];

    private Tensor data;
    private final Node node;

    private Var(Tensor data, Node node) {
        this.data = Objects.requireNonNull(data, "data");
        this.node = node;
    }

    private static Var make(Tensor data, boolean requiresGrad, Node[] parents, Backward backward, String op) {
        Objects.requireNonNull(data, "data");
        return new Var(data, new Node(requiresGrad, parents, backward, op, data.shape(), data.dtype()));
    }

    /** A leaf that collects a gradient (a trainable parameter or an input we differentiate by). */
    public static Var param(Tensor data) { return make(data, true, NO_PARENTS, null, "leaf"); }

    /** A leaf that needs no gradient (inputs, frozen weights). */
    public static Var constant(Tensor data) { return make(data, false, NO_PARENTS, null, "const"); }

    /** A leaf with an explicit requires-grad flag. */
    public static Var leaf(Tensor data, boolean requiresGrad) { return requiresGrad ? param(data) : constant(data); }

    /**
     * The result of an op: records {@code backward} only when grad mode is on and some parent needs a
     * gradient; otherwise the result is a constant and nothing is retained.
     */
    public static Var result(Tensor out, String op, Backward backward, Var... parents) {
        boolean needs = false;
        if (GradMode.enabled()) for (Var p : parents) if (p != null && p.node.requiresGrad) { needs = true; break; }
        if (!needs) return make(out, false, NO_PARENTS, null, op);
        Node[] ps = new Node[parents.length];
        for (int i = 0; i < parents.length; i++) ps[i] = parents[i] == null ? null : parents[i].node;
        return make(out, true, ps, Objects.requireNonNull(backward, "backward"), op);
    }

    // ------------------------------------------------------------------ state

    public Tensor data() { return data; }
    public Tensor grad() { return node.grad; }
    public boolean requiresGrad() { return node.requiresGrad; }
    public boolean isLeaf() { return node.leaf; }
    public String op() { return node.op; }
    /** The graph node (gradient sink) of this Var: what a backward closure should capture instead of the Var. */
    public Node node() { return node; }
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
        node.dtype = t.dtype();
    }

    public void zeroGrad() { node.grad = null; }

    /** A constant with the same value, cut from the graph. */
    public Var detach() { return constant(data); }

    /** Adds {@code g} to this node's gradient (summing broadcast axes away); never modifies {@code g}. */
    public void accumulate(Tensor g) { node.accumulate(g); }

    // ------------------------------------------------------------------ backward

    /** Back-propagates from this scalar (seed 1). */
    public void backward() {
        if (data.numel() != 1)
            throw new IllegalStateException("backward() needs a scalar, this is " + Shape.str(data.shape()) + "; pass a seed gradient");
        backward(Tensor.full(data.device(), data.dtype(), 1.0, data.shape()));
    }

    /**
     * Back-propagates a seed gradient of this node's shape through the graph. Each node's closure runs
     * once and is then dropped with its intermediate gradient, so what it saved for backward is freed
     * as soon as it has been used; a second backward through the same intermediate nodes fails.
     */
    public void backward(Tensor seed) {
        if (!node.requiresGrad) throw new IllegalStateException("backward: this value does not require a gradient (op " + node.op + ")");
        if (!Arrays.equals(seed.shape(), data.shape()))
            throw new IllegalArgumentException("backward: seed " + Shape.str(seed.shape()) + " does not match " + Shape.str(data.shape()));
        List<Node> order = topologicalOrder(node);
        node.accumulate(seed);
        for (int i = order.size() - 1; i >= 0; i--) {
            Node v = order.get(i);
            if (v.leaf) continue;
            if (v.backward == null)
                throw new IllegalStateException("backward: op " + v.op + " was already back-propagated and its saved tensors freed;"
                        + " run the forward pass again for a second backward");
            if (v.grad == null) continue;
            Backward b = v.backward;
            v.backward = null;              // what the closure saved is released once it has run
            v.parents = NO_PARENTS;
            b.apply(v.grad);
            v.grad = null;                  // intermediate gradients are freed once propagated
        }
    }

    /** Parents before children, iteratively (deep graphs do not overflow the stack). */
    private static List<Node> topologicalOrder(Node root) {
        List<Node> order = new ArrayList<>();
        Set<Node> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[]{root, 0});
        visited.add(root);
        while (!stack.isEmpty()) {
            Object[] top = stack.peek();
            Node v = (Node) top[0];
            int i = (Integer) top[1];
            if (i < v.parents.length) {
                top[1] = i + 1;
                Node p = v.parents[i];
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

    @Override public String toString() { return "Var(" + node.op + (node.requiresGrad ? ", grad" : "") + ", " + data + ")"; }
}
