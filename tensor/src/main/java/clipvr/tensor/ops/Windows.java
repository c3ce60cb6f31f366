package clipvr.tensor.ops;

import clipvr.tensor.Shape;
import clipvr.tensor.Tensor;

/**
 * Sliding windows as a strided view, the shared core of conv2d (im2col), pooling and their backward
 * passes. For x [N, C, H, W] padded by (ph, pw) with {@code padValue}, the view
 * [N, C, Ho, Wo, kh, kw] has element (n, c, oy, ox, ky, kx) = xpad[n, c, oy·sh + ky, ox·sw + kx].
 */
public final class Windows {
    private Windows() {}

    /** Convolution/pooling geometry: kernel, stride and zero/constant padding per spatial axis. */
    public record Geometry(int kh, int kw, int sh, int sw, int ph, int pw) {
        public Geometry {
            if (kh <= 0 || kw <= 0 || sh <= 0 || sw <= 0 || ph < 0 || pw < 0)
                throw new IllegalArgumentException("bad window geometry: kernel " + kh + "x" + kw + " stride " + sh + "x" + sw + " padding " + ph + "x" + pw);
        }
        public static Geometry square(int k, int stride, int pad) { return new Geometry(k, k, stride, stride, pad, pad); }
        public int outH(int h) { return (h + 2 * ph - kh) / sh + 1; }
        public int outW(int w) { return (w + 2 * pw - kw) / sw + 1; }
        void check(String op, int[] s) {
            if (s.length != 4) throw new IllegalArgumentException(op + ": expected [N, C, H, W], got " + Shape.str(s));
            if (s[2] + 2 * ph < kh || s[3] + 2 * pw < kw)
                throw new IllegalArgumentException(op + ": kernel " + kh + "x" + kw + " larger than padded input " + Shape.str(s));
        }
    }

    /** x padded with {@code value} on the two spatial axes (a copy; x itself when there is no padding). */
    public static Tensor padded(Tensor x, Geometry g, double value) {
        if (g.ph() == 0 && g.pw() == 0) return x;
        return Indexing.pad(x, new int[]{0, 0, g.ph(), g.pw()}, new int[]{0, 0, g.ph(), g.pw()}, value);
    }

    /** The [N, C, Ho, Wo, kh, kw] window view of an already padded [N, C, Hp, Wp] tensor. */
    public static Tensor view(Tensor xpad, Geometry g) {
        int[] s = xpad.shape(), st = xpad.strides();
        int ho = (s[2] - g.kh()) / g.sh() + 1, wo = (s[3] - g.kw()) / g.sw() + 1;
        return Tensor.view(xpad.storage(), xpad.offset(),
                new int[]{s[0], s[1], ho, wo, g.kh(), g.kw()},
                new int[]{st[0], st[1], st[2] * g.sh(), st[3] * g.sw(), st[2], st[3]});
    }

    /**
     * The adjoint of "pad then take windows": given per-window values w [N, C, Ho, Wo, kh, kw], returns
     * dx [N, C, H, W] where every input position receives the sum over the windows that cover it.
     * Done as kh·kw strided in-place additions into a padded buffer (windows may overlap).
     */
    public static Tensor scatterAdd(Tensor w, int[] inputShape, Geometry g) {
        int[] s = inputShape;
        Tensor dpad = Tensor.zeros(w.device(), w.dtype(), s[0], s[1], s[2] + 2 * g.ph(), s[3] + 2 * g.pw());
        int ho = w.size(2), wo = w.size(3);
        int[] pst = dpad.strides();
        if (g.sh() >= g.kh() && g.sw() >= g.kw()) {
            // windows do not overlap (e.g. the ViT patch embedding): one strided copy is the whole scatter
            view(dpad, g).narrow(2, 0, ho).narrow(3, 0, wo).copyFrom(w);
        } else for (int ky = 0; ky < g.kh(); ky++)
            for (int kx = 0; kx < g.kw(); kx++) {
                // positions (oy·sh + ky, ox·sw + kx) of the padded gradient, for all oy, ox
                Tensor target = Tensor.view(dpad.storage(), ky * pst[2] + kx * pst[3],
                        new int[]{s[0], s[1], ho, wo}, new int[]{pst[0], pst[1], pst[2] * g.sh(), pst[3] * g.sw()});
                target.addInPlace(w.select(5, kx).select(4, ky), 1.0);
            }
        if (g.ph() == 0 && g.pw() == 0) return dpad;
        return dpad.narrow(2, g.ph(), s[2]).narrow(3, g.pw(), s[3]).contiguous();
    }
}
