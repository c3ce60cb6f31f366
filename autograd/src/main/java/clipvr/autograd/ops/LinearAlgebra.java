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
}
