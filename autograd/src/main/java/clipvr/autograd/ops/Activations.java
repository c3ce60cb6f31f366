package clipvr.autograd.ops;

import clipvr.autograd.Var;
import clipvr.tensor.Tensor;
import clipvr.tensor.ops.UnaryOp;

/** Elementwise functions: value and derivative side by side. */
public final class Activations {
    private Activations() {}

    /** z = f(x), dz/dx = f'(x) evaluated by the {@code fPrime} kernel on the input. */
    static Var unary(String name, Var x, UnaryOp f, UnaryOp fPrime) {
        Var.Node nx = x.node();
        Tensor xd = x.data();
        // g·f'(x) written into the fresh f'(x) (d·g == g·d: the same bits, one activation-sized tensor fewer)
        return Var.result(xd.unary(f), name, g -> nx.accumulateOwned(xd.unary(fPrime).mulInPlace(g)), x);
    }

    /** z = eˣ, dz/dx = z. */
    public static Var exp(Var x) {
        Tensor z = x.data().exp();
        Var.Node nx = x.node();
        return Var.result(z, "exp", g -> nx.accumulate(g.mul(z)), x);
    }

    /** z = ln x, dz/dx = 1/x. */
    public static Var log(Var x) {
        Var.Node nx = x.node();
        Tensor xd = x.data();
        return Var.result(xd.log(), "log", g -> nx.accumulate(g.div(xd)), x);
    }

    /** z = √x, dz/dx = 1/(2z). */
    public static Var sqrt(Var x) {
        Tensor z = x.data().sqrt();
        Var.Node nx = x.node();
        return Var.result(z, "sqrt", g -> nx.accumulate(g.div(z.mul(2.0))), x);
    }

    /** z = |x|, dz/dx = sign(x). */
    public static Var abs(Var x) { return unary("abs", x, UnaryOp.ABS, UnaryOp.SIGN); }

    /** z = tanh x, dz/dx = 1 - tanh²x. */
    public static Var tanh(Var x) { return unary("tanh", x, UnaryOp.TANH, UnaryOp.TANH_GRAD); }

    /** z = σ(x), dz/dx = σ(1-σ). */
    public static Var sigmoid(Var x) { return unary("sigmoid", x, UnaryOp.SIGMOID, UnaryOp.SIGMOID_GRAD); }

    /** z = max(x, 0), dz/dx = [x > 0]. */
    public static Var relu(Var x) { return unary("relu", x, UnaryOp.RELU, UnaryOp.RELU_GRAD); }

    /** z = x·Φ(x) (erf form), dz/dx = Φ(x) + x·φ(x). */
    public static Var gelu(Var x) { return unary("gelu", x, UnaryOp.GELU, UnaryOp.GELU_GRAD); }

    /** z = x·σ(1.702x) (CLIP's QuickGELU), dz/dx = σ + 1.702·x·σ(1-σ). */
    public static Var quickGelu(Var x) { return unary("quickGelu", x, UnaryOp.QUICK_GELU, UnaryOp.QUICK_GELU_GRAD); }

    /**
     * z = QuickGELU(x + b) for x [N, n], b [n]: on a device one kernel forward and one backward
     * ({@link clipvr.tensor.ops.Fused}), on the CPU the two steps. dz/dx = QuickGELU'(x + b); dL/db = Σ_rows dL/dx.
     */
    public static Var biasQuickGelu(Var x, Var b) {
        Var.Node nx = x.node(), nb = b.node();
        Tensor xd = x.data(), bd = b.data();
        return Var.result(clipvr.tensor.ops.Fused.biasQuickGelu(xd, bd), "biasQuickGelu", g -> {
            Tensor dh = clipvr.tensor.ops.Fused.biasQuickGeluBackward(xd, bd, g);      // [N, n]
            if (nx.requiresGrad()) nx.accumulate(dh);
            if (nb.requiresGrad()) nb.accumulate(dh.sum(0, false));                    // [n]
        }, x, b);
    }
}
