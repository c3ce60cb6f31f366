package clipvr.tensor.ops;

import clipvr.tensor.DType;
import clipvr.tensor.Tensor;

/**
 * Resizing by nearest, bilinear and bicubic interpolation with PyTorch's {@code F.interpolate}
 * conventions (align_corners=False, no antialiasing, bicubic a = -0.75, border taps clamped).
 *
 * <p>Each mode is separable, so resizing axis H from h to ho is a matrix R [ho, h] and
 * out = R_h · x · R_wᵀ for x [..., h, w]. Building the small dense matrices makes the forward and
 * the backward (R_hᵀ · g · R_w) plain matrix products. For PIL-compatible antialiased image resizing
 * see the clip module's preprocessing.
 */
public final class Resampling {
    private Resampling() {}

    public enum Mode { NEAREST, BILINEAR, BICUBIC }

    /** The [out, in] interpolation matrix along one axis. */
    public static Tensor matrix(Mode mode, int in, int out, DType dtype) {
        double[] m = new double[out * in];
        double scale = (double) in / out;
        for (int o = 0; o < out; o++) {
            switch (mode) {
                case NEAREST -> m[o * in + Math.min((int) Math.floor(o * scale), in - 1)] = 1.0;
                case BILINEAR -> {
                    double src = Math.max((o + 0.5) * scale - 0.5, 0.0);     // PyTorch clamps negative source coords to 0
                    int i0 = Math.min((int) Math.floor(src), in - 1);
                    int i1 = Math.min(i0 + 1, in - 1);
                    double t = src - i0;
                    m[o * in + i0] += 1 - t;
                    m[o * in + i1] += t;
                }
                case BICUBIC -> {
                    double src = (o + 0.5) * scale - 0.5;                     // not clamped for bicubic
                    int i0 = (int) Math.floor(src);
                    double t = src - i0;
                    for (int k = -1; k <= 2; k++) {
                        int i = Math.clamp(i0 + k, 0, in - 1);
                        m[o * in + i] += cubic(k - t);
                    }
                }
            }
        }
        return Tensor.of(m, out, in).to(dtype);
    }

    /** Keys' cubic convolution kernel with a = -0.75 (PyTorch's choice). */
    static double cubic(double x) {
        final double a = -0.75;
        x = Math.abs(x);
        if (x <= 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
        if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
        return 0;
    }

    /** Resizes the last two axes of x [..., h, w] to [..., ho, wo]. */
    public static Tensor interpolate(Tensor x, int ho, int wo, Mode mode) {
        if (x.rank() < 2) throw new IllegalArgumentException("interpolate: needs [..., H, W], got rank " + x.rank());
        Tensor rh = matrix(mode, x.size(-2), ho, x.dtype()).to(x.device());      // [ho, h] (host-built: an upload on a device)
        Tensor rw = matrix(mode, x.size(-1), wo, x.dtype()).to(x.device());      // [wo, w]
        return rh.matmul(x.matmulT(rw));                          // [ho, h] · ([..., h, w] · [w, wo]) = [..., ho, wo]
    }

    /** The adjoint: gradient w.r.t. x [..., h, w] of {@link #interpolate} given g [..., ho, wo]. */
    public static Tensor interpolateBackward(Tensor g, int h, int w, Mode mode) {
        Tensor rh = matrix(mode, h, g.size(-2), g.dtype()).to(g.device());       // [ho, h]
        Tensor rw = matrix(mode, w, g.size(-1), g.dtype()).to(g.device());       // [wo, w]
        return rh.mT().matmul(g.matmul(rw));                      // [h, ho] · ([..., ho, wo] · [wo, w]) = [..., h, w]
    }
}
