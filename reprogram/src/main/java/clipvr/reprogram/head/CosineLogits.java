package clipvr.reprogram.head;

import clipvr.autograd.Var;
import clipvr.tensor.Shape;
import clipvr.tensor.Constants;
import clipvr.tensor.Tensor;

/** The CLIP similarity s(x, t) = scale · ⟨v/‖v‖, t⟩ with constant (already normalised) text embeddings t. */
public final class CosineLogits {
    private CosineLogits() {}

    /** CLIP's exp(logit_scale) = exp(4.6052) = 100 (spec §1.1). */
    public static final double LOGIT_SCALE = 100.0;

    /** v [B, E] → v / ‖v‖₂ [B, E] (row-wise, through autograd ops). */
    public static Var normalise(Var v) {
        Var norm = v.mul(v).sum(new int[]{1}, true).sqrt();     // [B, 1]
        return v.div(norm);                                      // [B, E]
    }

    /** v [B, E] (unnormalised), texts [N, E] → scale · v̂ · textsᵀ [B, N]. */
    public static Var logits(Var v, Tensor texts, double scale) {
        check(v, texts);
        return normalise(v).matmulT(Var.constant(Constants.on(v.data().device(), texts).to(v.dtype()))).mul(scale);   // [B, N]
    }

    static void check(Var v, Tensor texts) {
        if (v.rank() != 2 || texts.rank() != 2 || v.size(1) != texts.size(1))
            throw new IllegalArgumentException("head: image features " + Shape.str(v.shape()) + " and text embeddings "
                    + Shape.str(texts.shape()) + " do not match (expected [B, E] and [N, E])");
    }
}
