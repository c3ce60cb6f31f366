package clipvr.reprogram.input;

import clipvr.autograd.Var;

/**
 * SMM's patch-wise interpolation (spec §5.3): every mask value is copied into a p×p block,
 * out[b, c, i·p + u, j·p + w] = mask[b, c, i, j] — nearest-neighbour upsampling by the integer factor p.
 * Built from views (reshape, expand, reshape) like SMM-code's view/expand/transpose, so the backward pass
 * is the adjoint of expand: each mask value receives the sum of the gradient over its block.
 * A single-channel mask is broadcast to the 3 RGB channels.
 */
public final class PatchwiseInterpolation {
    private PatchwiseInterpolation() {}

    /** mask [B, 1 or 3, P, Q] → [B, 3, P·p, Q·p]. */
    public static Var upsample(Var mask, int p) {
        int b = mask.size(0), c = mask.size(1), h = mask.size(2), w = mask.size(3);
        if (c != 1 && c != 3) throw new IllegalArgumentException("PatchwiseInterpolation: mask must have 1 or 3 channels, got " + c);
        return mask.reshape(b, c, h, 1, w, 1)               // [B, c, P, 1, Q, 1]
                .expand(b, 3, h, p, w, p)                   // [B, 3, P, p, Q, p] (block copies, no data moved)
                .reshape(b, 3, h * p, w * p);               // [B, 3, P·p, Q·p]
    }
}
