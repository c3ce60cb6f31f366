package clipvr.autograd.ops;

import clipvr.autograd.Var;
import clipvr.tensor.Tensor;

/** Scaled dot-product attention with its backward pass. */
public final class Attention {
    private Attention() {}

    /**
     * softmax(q·kᵀ·scale + mask)·v per (batch·head): q [A, H, T, d] or [A, T, d], k [.., S, d], v [.., S, dv], mask [T, S]
     * additive (a constant) or null → [.., T, dv].
     *
     * <p>On a device: one fused forward kernel and a fused backward (dq, dk, dv from the saved probabilities), see
     * {@link clipvr.tensor.ops.Attention}. On the CPU in float32, where every product of the composition runs on the
     * GEMM's packed path: {@link clipvr.tensor.kernels.AttentionCpu}, with the composition's bits. Elsewhere (and under
     * {@code -Dclipvr.kernels=reference} or {@code -Dclipvr.attention=composition}): the composition of differentiable
     * ops below, the twin, whose backward is the chain of their adjoints.
     */
    public static Var attention(Var q, Var k, Var v, Tensor mask, double scale) {
        if (!clipvr.tensor.ops.Attention.fused(q.data(), k.data(), v.data())) {
            Var scores = q.matmulT(k).mul(scale);                                     // [.., T, S]
            if (mask != null) scores = scores.add(Var.constant(mask.to(scores.dtype())));
            return scores.softmax(-1).matmul(v);                                      // [.., T, dv]
        }
        Tensor qd = q.data(), kd = k.data(), vd = v.data(), m = mask == null ? null : mask.to(qd.dtype());
        clipvr.tensor.ops.Attention.Result r = clipvr.tensor.ops.Attention.forward(qd, kd, vd, m, scale);
        Var.Node nq = q.node(), nk = k.node(), nv = v.node();
        return Var.result(r.out(), "attention", g -> {
            clipvr.tensor.ops.Attention.Grads d = clipvr.tensor.ops.Attention.backward(qd, kd, vd, r, g, scale);
            if (nq.requiresGrad()) nq.accumulate(d.dq());
            if (nk.requiresGrad()) nk.accumulate(d.dk());
            if (nv.requiresGrad()) nv.accumulate(d.dv());
        }, q, k, v);
    }
}
