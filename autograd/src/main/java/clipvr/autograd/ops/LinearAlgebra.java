package clipvr.autograd.ops;

import clipvr.autograd.Var;
import clipvr.tensor.Tensor;

/** Matrix products (batched, broadcasting batch axes). */
public final class LinearAlgebra {
    private LinearAlgebra() {}

    /** Z = A·B;  dA = G·Bᵀ, dB = Aᵀ·G (each only if that input needs it: frozen weights cost nothing). */
    public static Var matmul(Var a, Var b) {
        Var.Node na = a.node(), nb = b.node();
        Tensor ad = nb.requiresGrad() ? a.data() : null, bd = na.requiresGrad() ? b.data() : null;   // saved only if used
        return Var.result(a.data().matmul(b.data()), "matmul", g -> {
            if (na.requiresGrad()) na.accumulate(g.matmulT(bd));
            if (nb.requiresGrad()) nb.accumulate(ad.mT().matmul(g));
        }, a, b);
    }

    /** Z = A·Bᵀ with B [.., N, K] (linear layers: x·Wᵀ);  dA = G·B, dB = Gᵀ·A. */
    public static Var matmulT(Var a, Var b) {
        Var.Node na = a.node(), nb = b.node();
        Tensor ad = nb.requiresGrad() ? a.data() : null, bd = na.requiresGrad() ? b.data() : null;   // saved only if used
        return Var.result(a.data().matmulT(b.data()), "matmulT", g -> {
            if (na.requiresGrad()) na.accumulate(g.matmul(bd));
            if (nb.requiresGrad()) nb.accumulate(g.mT().matmul(ad));
        }, a, b);
    }

    /**
     * A linear layer in one node: Z = X·Wᵀ + b with X [N, in], W [out, in], b [out] or null.
     * The bias is added in place into the product (no second [N, out] tensor, nothing saved for it);
     * the values are those of {@code matmulT(x, w).add(b)} bit for bit (the same float additions).
     * dX = G·W, dW = Gᵀ·X, db = Σ_rows G (each only if needed).
     */
    public static Var linear(Var x, Var w, Var b) {
        Var.Node nx = x.node(), nw = w.node(), nb = b == null ? null : b.node();
        Tensor xd = nw.requiresGrad() ? x.data() : null, wd = nx.requiresGrad() ? w.data() : null;   // saved only if used
        Tensor z = x.data().matmulT(w.data());                                   // [N, out]
        if (b != null) z.addInPlace(b.data(), 1.0);                              // + b broadcast over rows
        return Var.result(z, "linear", g -> {
            if (nb != null) nb.accumulate(g);
            if (nx.requiresGrad()) nx.accumulateOwned(g.matmul(wd));                  // fresh products: a leaf keeps them
            if (nw.requiresGrad()) nw.accumulateOwned(g.mT().matmul(xd));
        }, x, w, b);
    }
}
