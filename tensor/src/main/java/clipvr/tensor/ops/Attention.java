package clipvr.tensor.ops;

import clipvr.tensor.Backends;
import clipvr.tensor.Shape;
import clipvr.tensor.Tensor;
import clipvr.tensor.kernels.AttentionCpu;

/**
 * Scaled dot-product attention per (batch·head): probs = softmax(q·kᵀ·scale + mask), out = probs·v, for
 * q [A, H, T, d] or [A, T, d], k [.., S, d], v [.., S, dv] and an additive mask [T, S] (or null; a constant, no gradient).
 *
 * <p>On a device the forward is one kernel and the backward two ({@code attention.cl}: the query side computes
 * dS = probs ⊙ (g·vᵀ - rowsum)·scale and dq, the key side dk and dv), reading the heads of a projection in place. The
 * backward starts from the saved probs [.., T, S] (as the composition's softmax does); there is no online-softmax
 * tiling yet. The compositions below are the readable twins and what runs on the CPU and under
 * {@code -Dclipvr.kernels=reference} ({@link Fused#kernels}).
 */
public final class Attention {
    private Attention() {}

    /** The output [.., T, dv] and the attention probabilities [.., T, S] kept for the backward pass. */
    public record Result(Tensor out, Tensor probs) {}

    /** Gradients with respect to q, k and v, shaped as they are. */
    public record Grads(Tensor dq, Tensor dk, Tensor dv) {}

    /**
     * True when {@link #forward} and {@link #backward} run fused: on a device ({@link Fused#kernels}), or on the CPU
     * where {@link AttentionCpu} gives the composition's bits (float32, shapes on the GEMM's packed path).
     */
    public static boolean fused(Tensor q, Tensor k, Tensor v) {
        return Fused.kernels(q) || AttentionCpu.applies(q, k, v);
    }

    public static Result forward(Tensor q, Tensor k, Tensor v, Tensor mask, double scale) {
        check(q, k, v, mask);
        if (AttentionCpu.applies(q, k, v)) {                                         // the CPU only
            Tensor probs = Tensor.empty(q.dtype(), rows(q, k.size(-2)));                          // [.., T, S]
            Tensor out = likeHeads(q, rows(q, v.size(-1)));                                       // [.., T, dv], laid out as q
            AttentionCpu.forward(q, k, v, mask == null ? null : mask.to(q.dtype()).contiguous(), scale, probs, out);
            return new Result(out, probs);
        }
        if (!Fused.kernels(q)) return composition(q, k, v, mask, scale);
        Tensor probs = Tensor.empty(q.device(), q.dtype(), rows(q, k.size(-2)));          // [.., T, S]
        Tensor out = Tensor.empty(q.device(), q.dtype(), rows(q, v.size(-1)));            // [.., T, dv]
        Backends.device(q.device()).attentionForward(unitColumns(q), unitColumns(k), unitColumns(v),
                mask == null ? null : mask.contiguous(), scale, probs, out);
        return new Result(out, probs);
    }

    /**
     * A fresh float tensor of {@code shape} laid out as x: when x [A, H, R, C] is the heads' view of an [A, R, H, C]
     * buffer (multi-head attention's reshape + permute of a projection: stride 1 &lt; stride 2), the same permute
     * of a fresh [A, R, H, C]; otherwise contiguous. Written that way, the heads' permute back and the reshape to
     * [A·R, H·C] that follow (forward for the output, backward for dq, dk, dv) are views instead of copies.
     */
    static Tensor likeHeads(Tensor x, int[] shape) {
        if (shape.length == 4 && x.rank() == 4 && x.strides()[1] < x.strides()[2])
            return Tensor.empty(x.dtype(), shape[0], shape[2], shape[1], shape[3]).permute(0, 2, 1, 3);   // [A, H, R, C] view
        return Tensor.empty(x.dtype(), shape);
    }

    /** The forward as a composition of tensor ops: the CPU's implementation and the fused kernel's twin. */
    public static Result composition(Tensor q, Tensor k, Tensor v, Tensor mask, double scale) {
        Tensor scores = q.matmulT(k).mul(scale);                                  // [.., T, S]
        if (mask != null) scores = scores.add(mask);
        Tensor probs = scores.softmax(-1);                                        // [.., T, S], rows sum to 1
        return new Result(probs.matmul(v), probs);                                // [.., T, dv]
    }

    /** The backward of {@link #forward} for upstream g [.., T, dv], given its result r (only r.probs() is used). */
    public static Grads backward(Tensor q, Tensor k, Tensor v, Result r, Tensor g, double scale) {
        if (AttentionCpu.applies(q, k, v)) {                                         // the CPU only
            Tensor dq = likeHeads(q, q.shape()), dk = likeHeads(k, k.shape()), dv = likeHeads(v, v.shape());   // laid out as q, k, v
            AttentionCpu.backward(q, k, v, r.probs().contiguous(), g.strides()[g.rank() - 1] == 1 ? g : g.contiguous(), scale, dq, dk, dv);
            return new Grads(dq, dk, dv);
        }
        if (!Fused.kernels(q)) return backwardComposition(q, k, v, r, g, scale);
        Tensor dq = Tensor.empty(q.device(), q.dtype(), q.shape()), dk = Tensor.empty(k.device(), k.dtype(), k.shape()),
                dv = Tensor.empty(v.device(), v.dtype(), v.shape());
        Backends.device(q.device()).attentionBackward(unitColumns(q), unitColumns(k), unitColumns(v), r.probs(), g.contiguous(),
                scale, dq, dk, dv);
        return new Grads(dq, dk, dv);
    }

    /**
     * The backward as a composition: dv = Pᵀ·g; dP = g·vᵀ; dS = P ⊙ (dP - Σ_j dP ⊙ P)·scale (softmax and scale adjoints);
     * dq = dS·k; dk = dSᵀ·q. The CPU's implementation and the kernels' twin.
     */
    public static Grads backwardComposition(Tensor q, Tensor k, Tensor v, Result r, Tensor g, double scale) {
        Tensor p = r.probs();                                                     // [.., T, S]
        Tensor dv = p.transpose(-2, -1).matmul(g);                                // [.., S, dv]
        Tensor dp = g.matmulT(v);                                                 // [.., T, S]
        Tensor ds = p.mul(dp.sub(dp.mul(p).sum(-1, true))).mul(scale);           // [.., T, S]
        return new Grads(ds.matmul(k), ds.transpose(-2, -1).matmul(q), dv);       // [.., T, d], [.., S, d]
    }

    /** q's shape with the last axis replaced by n: [.., T, n]. */
    private static int[] rows(Tensor q, int n) {
        int[] s = q.shape();
        s[s.length - 1] = n;
        return s;
    }

    private static Tensor unitColumns(Tensor t) { return t.size(-1) <= 1 || t.strides()[t.rank() - 1] == 1 ? t : t.contiguous(); }

    private static void check(Tensor q, Tensor k, Tensor v, Tensor mask) {
        int r = q.rank();
        boolean ok = (r == 3 || r == 4) && k.rank() == r && v.rank() == r && q.size(-1) == k.size(-1) && k.size(-2) == v.size(-2);
        for (int a = 0; ok && a < r - 2; a++) ok = q.size(a) == k.size(a) && q.size(a) == v.size(a);
        if (!ok) throw new IllegalArgumentException("attention: q " + Shape.str(q.shape()) + ", k " + Shape.str(k.shape())
                + ", v " + Shape.str(v.shape()) + " are not [A, (H,) T, d], [.., S, d], [.., S, dv]");
        if (mask != null && (mask.rank() != 2 || mask.size(0) != q.size(-2) || mask.size(1) != k.size(-2)))
            throw new IllegalArgumentException("attention: mask " + Shape.str(mask.shape()) + " is not [" + q.size(-2) + ", " + k.size(-2) + "]");
    }
}
