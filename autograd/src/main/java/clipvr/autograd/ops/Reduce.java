package clipvr.autograd.ops;

import clipvr.autograd.Var;
import clipvr.tensor.Shape;
import clipvr.tensor.Tensor;

/** Reductions: the backward of a reduction broadcasts the gradient back over the reduced axes. */
public final class Reduce {
    private Reduce() {}

    /** g [reduced shape] → g with size-1 axes where the input was reduced (ready to broadcast). */
    static Tensor keep(Tensor g, int[] inputShape, int[] axes, boolean keepdim) {
        return keepdim ? g : g.reshape(Shape.reduced(inputShape, axes, true));
    }

    /** z = Σ_axes x;  dz/dx = 1 broadcast. */
    public static Var sum(Var x, int[] axes, boolean keepdim) {
        int[] ax = Shape.axes("sum", axes, x.rank());
        int[] s = x.shape();
        Var.Node nx = x.node();
        return Var.result(x.data().sum(ax, keepdim), "sum", g -> nx.accumulate(keep(g, s, ax, keepdim).expand(s)), x);
    }

    /** z = mean_axes x;  dz/dx = 1/n broadcast. */
    public static Var mean(Var x, int[] axes, boolean keepdim) {
        int[] ax = Shape.axes("mean", axes, x.rank());
        int[] s = x.shape();
        int n = 1;
        for (int a : ax) n *= s[a];
        int count = n;
        Var.Node nx = x.node();
        return Var.result(x.data().mean(ax, keepdim), "mean", g -> nx.accumulate(keep(g, s, ax, keepdim).div(count).expand(s)), x);
    }

    /** z = max along axis; the gradient goes to the (first) maximal element of each slice. */
    public static Var max(Var x, int axis, boolean keepdim) {
        int a = Shape.axis("max", axis, x.rank());
        int[] s = x.shape();
        Var.Node nx = x.node();
        Tensor xd = x.data();
        return Var.result(xd.max(a, keepdim), "max", g -> {
            int[] arg = xd.argmax(a);
            // one-hot of the argmax along axis a, built in the permuted [rest..., a] layout
            int n = s[a];
            double[] mask = new double[arg.length * n];
            for (int r = 0; r < arg.length; r++) mask[r * n + arg[r]] = 1.0;
            int[] perm = new int[s.length], ps = new int[s.length];
            for (int d = 0, j = 0; d < s.length; d++) if (d != a) { perm[j] = d; ps[j++] = s[d]; }
            perm[s.length - 1] = a;
            ps[s.length - 1] = n;
            int[] inv = new int[s.length];
            for (int i = 0; i < s.length; i++) inv[perm[i]] = i;
            Tensor m = Tensor.of(mask, ps).to(xd.dtype()).to(xd.device()).permute(inv);   // the one-hot comes from the host
            nx.accumulate(m.mul(keep(g, s, new int[]{a}, keepdim)));
        }, x);
    }

    /** z = Σ (x - μ)² / (n or n-1);  dz/dx = 2(x - μ)/(n or n-1) (the μ term cancels). */
    public static Var var(Var x, int[] axes, boolean unbiased, boolean keepdim) {
        int[] ax = Shape.axes("var", axes, x.rank());
        int[] s = x.shape();
        int n = 1;
        for (int a : ax) n *= s[a];
        double denom = unbiased ? n - 1 : n;
        Var.Node nx = x.node();
        Tensor xd = x.data();
        return Var.result(xd.var(ax, unbiased, keepdim), "var", g -> {
            Tensor centred = xd.sub(xd.mean(ax, true));
            nx.accumulate(centred.mul(keep(g, s, ax, keepdim)).mul(2.0 / denom));
        }, x);
    }
}
