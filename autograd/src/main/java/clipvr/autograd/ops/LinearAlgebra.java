package clipvr.autograd.ops;

import clipvr.autograd.Var;

/** Matrix products (batched, broadcasting batch axes). */
public final class LinearAlgebra {
    private LinearAlgebra() {}

    /** Z = A·B;  dA = G·Bᵀ, dB = Aᵀ·G (each only if that input needs it: frozen weights cost nothing). */
    public static Var matmul(Var a, Var b) {
        return Var.result(a.data().matmul(b.data()), "matmul", g -> {
            if (a.requiresGrad()) a.accumulate(g.matmulT(b.data()));
            if (b.requiresGrad()) b.accumulate(a.data().mT().matmul(g));
        }, a, b);
    }

    /** Z = A·Bᵀ with B [.., N, K] (linear layers: x·Wᵀ);  dA = G·B, dB = Gᵀ·A. */
    public static Var matmulT(Var a, Var b) {
        return Var.result(a.data().matmulT(b.data()), "matmulT", g -> {
            if (a.requiresGrad()) a.accumulate(g.matmul(b.data()));
            if (b.requiresGrad()) b.accumulate(g.mT().matmul(a.data()));
        }, a, b);
    }
}
