package clipvr.autograd.ops;

import clipvr.autograd.Var;
import clipvr.tensor.Shape;
import clipvr.tensor.Tensor;
import clipvr.tensor.ops.Normalization;

/** Softmax, log-softmax and layer norm with their closed-form backward passes. */
public final class Norms {
    private Norms() {}

    /** y = softmax(x);  dx = y ⊙ (g - Σ_axis g⊙y). */
    public static Var softmax(Var x, int axis) {
        int a = Shape.axis("softmax", axis, x.rank());
        Tensor y = x.data().softmax(a);
        Var.Node nx = x.node();
        return Var.result(y, "softmax", g -> nx.accumulate(y.mul(g.sub(g.mul(y).sum(a, true)))), x);
    }

    /** y = log softmax(x);  dx = g - softmax(x) ⊙ Σ_axis g. */
    public static Var logSoftmax(Var x, int axis) {
        int a = Shape.axis("logSoftmax", axis, x.rank());
        Tensor y = x.data().logSoftmax(a);
        Var.Node nx = x.node();
        return Var.result(y, "logSoftmax", g -> nx.accumulate(g.sub(y.exp().mul(g.sum(a, true)))), x);
    }

    /**
     * y = x̂·w + b over the last axis, x̂ = (x - μ)·rstd.
     * dw = Σ_rows g·x̂, db = Σ_rows g, and with d = g·w:
     * dx = rstd · (d - mean(d) - x̂ · mean(d·x̂)) (means over the normalised axis).
     */
    public static Var layerNorm(Var x, Var weight, Var bias, double eps) {
        Normalization.LayerNormResult r = Normalization.layerNorm(x.data(), weight == null ? null : weight.data(),
                bias == null ? null : bias.data(), eps);
        Var.Node nx = x.node(), nw = weight == null ? null : weight.node(), nb = bias == null ? null : bias.node();
        Tensor xd = x.data(), wd = weight == null ? null : weight.data();
        return Var.result(r.out(), "layerNorm", g -> {
            int d = xd.size(-1);
            int[] rowsAxes = new int[xd.rank() - 1];
            for (int i = 0; i < rowsAxes.length; i++) rowsAxes[i] = i;
            // an empty axis list means "all axes" to sum(), so a rank-1 x (no row axes) must skip the sum
            boolean rows = rowsAxes.length > 0;
            if (nw != null && nw.requiresGrad()) {
                if (rows) nw.accumulateOwned(Normalization.layerNormWeightGrad(xd, g, r.mean(), r.rstd()));   // Σ_rows g·x̂, one pass
                else nw.accumulateOwned(xd.sub(r.mean().unsqueeze(-1)).mulInPlace(r.rstd().unsqueeze(-1)).mulInPlace(g));
            }
            if (nb != null && nb.requiresGrad()) {
                if (rows) nb.accumulateOwned(g.sum(rowsAxes, false).reshape(d));                           // fresh: kept, not copied
                else nb.accumulate(g);
            }
            if (nx.requiresGrad())                                          // one fused row kernel
                nx.accumulateOwned(Normalization.layerNormBackward(xd, g, wd, r.mean(), r.rstd()));
        }, x, weight, bias);
    }
}
