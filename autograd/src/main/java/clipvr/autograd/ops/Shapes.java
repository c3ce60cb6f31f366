package clipvr.autograd.ops;

import clipvr.autograd.Var;
import clipvr.tensor.Device;
import clipvr.tensor.Tensor;

/** View ops: the backward of a view is the inverse view (or, for narrow/expand, its adjoint). */
public final class Shapes {
    private Shapes() {}

    public static Var reshape(Var x, int... shape) {
        int[] s = x.shape();
        Var.Node nx = x.node();
        return Var.result(x.data().reshape(shape), "reshape", g -> accumulateReshaped(nx, g, s), x);
    }

    /**
     * nx += g viewed as shape s. A strided g that cannot be viewed so is copied by reshape; that copy is this call's
     * own (accumulateOwned: later contributions may be added into it), a view of g is not.
     */
    private static void accumulateReshaped(Var.Node nx, Tensor g, int[] s) {
        Tensor r = g.reshape(s);
        if (r.storage() != g.storage()) nx.accumulateOwned(r);
        else nx.accumulate(r);
    }

    public static Var permute(Var x, int... perm) {
        int[] inv = new int[perm.length];
        for (int i = 0; i < perm.length; i++) inv[perm[i] < 0 ? perm[i] + perm.length : perm[i]] = i;
        Var.Node nx = x.node();
        return Var.result(x.data().permute(perm), "permute", g -> nx.accumulate(g.permute(inv)), x);
    }

    public static Var transpose(Var x, int a, int b) {
        Var.Node nx = x.node();
        return Var.result(x.data().transpose(a, b), "transpose", g -> nx.accumulate(g.transpose(a, b)), x);
    }

    /** The same values on another device; the gradient goes back to x's device (one counted transfer each way). */
    public static Var to(Var x, Device device) {
        Device from = x.data().device();
        return Var.result(x.data().to(device), "to", g -> x.accumulate(g.to(from)), x);
    }

    /** The adjoint of narrow writes g into a zero tensor at [start, start+length). */
    public static Var narrow(Var x, int axis, int start, int length) {
        Var.Node nx = x.node();
        int[] s = x.shape();
        return Var.result(x.data().narrow(axis, start, length), "narrow", g -> {
            Tensor full = Tensor.zeros(g.device(), g.dtype(), s);
            full.narrow(axis, start, length).copyFrom(g);
            nx.accumulateOwned(full);
        }, x);
    }

    public static Var select(Var x, int axis, int index) {
        int a = axis < 0 ? axis + x.rank() : axis;
        Var.Node nx = x.node();
        int[] s = x.shape();
        return Var.result(x.data().select(a, index), "select", g -> {
            Tensor full = Tensor.zeros(g.device(), g.dtype(), s);
            full.select(a, index).copyFrom(g);
            nx.accumulateOwned(full);
        }, x);
    }

    /** Broadcast; the adjoint sums over the broadcast axes (done by {@link Var#accumulate}). */
    public static Var expand(Var x, int... shape) {
        return Var.result(x.data().expand(shape), "expand", x.node()::accumulate, x);
    }

    public static Var squeeze(Var x, int axis) {
        int[] s = x.shape();
        Var.Node nx = x.node();
        return Var.result(x.data().squeeze(axis), "squeeze", g -> accumulateReshaped(nx, g, s), x);
    }

    public static Var unsqueeze(Var x, int axis) {
        int[] s = x.shape();
        Var.Node nx = x.node();
        return Var.result(x.data().unsqueeze(axis), "unsqueeze", g -> accumulateReshaped(nx, g, s), x);
    }
}
