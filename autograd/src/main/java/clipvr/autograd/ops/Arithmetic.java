package clipvr.autograd.ops;

import clipvr.autograd.Var;
import clipvr.tensor.Tensor;
import clipvr.tensor.ops.BinaryOp;

/**
 * Broadcasting arithmetic. Each op returns its output with the backward closure beside it;
 * {@link Var#accumulate} sums broadcast axes back to each input's shape.
 */
public final class Arithmetic {
    private Arithmetic() {}

    /** z = a + b;  dz/da = 1, dz/db = 1. */
    public static Var add(Var a, Var b) {
        Var.Node na = a.node(), nb = b.node();
        return Var.result(a.data().add(b.data()), "add", g -> {
            na.accumulate(g);
            nb.accumulate(g);
        }, a, b);
    }

    /** z = a - b;  dz/da = 1, dz/db = -1. */
    public static Var sub(Var a, Var b) {
        Var.Node na = a.node(), nb = b.node();
        return Var.result(a.data().sub(b.data()), "sub", g -> {
            na.accumulate(g);
            if (nb.requiresGrad()) nb.accumulate(g.neg());
        }, a, b);
    }

    /** z = a · b;  dz/da = b, dz/db = a. */
    public static Var mul(Var a, Var b) {
        Var.Node na = a.node(), nb = b.node();
        Tensor ad = nb.requiresGrad() ? a.data() : null, bd = na.requiresGrad() ? b.data() : null;   // saved only if used
        return Var.result(a.data().mul(b.data()), "mul", g -> {
            if (na.requiresGrad()) na.accumulate(g.mul(bd));
            if (nb.requiresGrad()) nb.accumulate(g.mul(ad));
        }, a, b);
    }

    /** z = a / b;  dz/da = 1/b, dz/db = -a/b². */
    public static Var div(Var a, Var b) {
        Var.Node na = a.node(), nb = b.node();
        Tensor ad = nb.requiresGrad() ? a.data() : null, bd = b.data();
        return Var.result(a.data().div(b.data()), "div", g -> {
            if (na.requiresGrad()) na.accumulate(g.div(bd));
            if (nb.requiresGrad()) nb.accumulate(g.mul(ad).div(bd.mul(bd)).neg());
        }, a, b);
    }

    /** z = a + c. */
    public static Var addScalar(Var a, double c) {
        return Var.result(a.data().add(c), "addScalar", a.node()::accumulate, a);
    }

    /** z = c · a. */
    public static Var scale(Var a, double c) {
        Var.Node na = a.node();
        return Var.result(a.data().mul(c), "scale", g -> na.accumulate(g.mul(c)), a);
    }

    /** z = a^p;  dz/da = p · a^(p-1). */
    public static Var powScalar(Var a, double p) {
        Var.Node na = a.node();
        Tensor ad = a.data();
        return Var.result(ad.pow(p), "pow", g -> na.accumulate(g.mul(ad.pow(p - 1)).mul(p)), a);
    }

    /** z = clamp(a, lo, hi);  dz/da = 1 strictly inside (lo, hi), else 0. */
    public static Var clamp(Var a, double lo, double hi) {
        Var.Node na = a.node();
        Tensor x = a.data();
        return Var.result(x.clamp(lo, hi), "clamp", g -> {
            Tensor inside = gt(x, Tensor.scalar(x.dtype(), lo)).mul(gt(Tensor.scalar(x.dtype(), hi), x));
            na.accumulate(g.mul(inside));
        }, a);
    }

    /** z = cond ? a : b (cond a constant mask, nonzero = true). */
    public static Var where(Tensor cond, Var a, Var b) {
        Var.Node na = a.node(), nb = b.node();
        return Var.result(Tensor.where(cond, a.data(), b.data()), "where", g -> {
            Tensor zero = Tensor.scalar(g.dtype(), 0);
            if (na.requiresGrad()) na.accumulate(Tensor.where(cond, g, zero));
            if (nb.requiresGrad()) nb.accumulate(Tensor.where(cond, zero, g));
        }, a, b);
    }

    /** Elementwise a > b as 0/1 (no gradient; a helper for masks). */
    static Tensor gt(Tensor a, Tensor b) { return clipvr.tensor.ops.Elementwise.binary(BinaryOp.GT, a, b); }
}
