package clipvr.reprogram.input;

import clipvr.tensor.DType;
import clipvr.tensor.Tensor;

/** Fixed {0, 1} masks M [3, R, R] for the shared-mask prompts. */
public final class FrameMask {
    private FrameMask() {}

    /**
     * 1 on a frame, 0 on the interior rectangle [top, R − bottom) × [left, R − right).
     * With all widths 0 the mask is all zero; use {@link #full} for all ones.
     */
    public static Tensor frame(DType dtype, int r, int top, int bottom, int left, int right) {
        if (top < 0 || bottom < 0 || left < 0 || right < 0 || top + bottom > r || left + right > r)
            throw new IllegalArgumentException("FrameMask: frame " + top + "/" + bottom + "/" + left + "/" + right + " does not fit " + r);
        Tensor m = Tensor.ones(dtype, 3, r, r);
        m.narrow(1, top, r - top - bottom).narrow(2, left, r - left - right).fill(0.0);
        return m;
    }

    /** A symmetric frame of width w on all four sides. */
    public static Tensor frame(DType dtype, int r, int w) { return frame(dtype, r, w, w, w, w); }

    /** All ones [3, R, R] (the pattern covers the whole image). */
    public static Tensor full(DType dtype, int r) { return Tensor.ones(dtype, 3, r, r); }

    /** Σ M: the number of effective (unmasked) pattern parameters. */
    public static int count(Tensor mask) { return (int) Math.round(mask.sum().item()); }
}
