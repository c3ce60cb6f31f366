package clipvr.tensor.ops;

import clipvr.tensor.Backends;
import clipvr.tensor.Tensor;

/** 2-D max and average pooling over the window view of {@link Windows}, with their backward passes. */
public final class Pooling {
    private Pooling() {}

    /**
     * Max-pool output with, per output element, the flat window position (ky·kw + kx) of the maximum: on the CPU as
     * {@code hostArgmax}; on a device as {@code deviceArgmax}, a tensor of out's shape and dtype holding the positions, so
     * neither pass reads anything back.
     */
    public record MaxPoolResult(Tensor out, int[] hostArgmax, Tensor deviceArgmax) {
        public MaxPoolResult(Tensor out, int[] argmax) { this(out, argmax, null); }

        /** The positions on the host (for a device result, one counted download). */
        public int[] argmax() {
            if (hostArgmax != null) return hostArgmax;
            double[] v = deviceArgmax.toDoubleArray();
            int[] a = new int[v.length];
            for (int i = 0; i < v.length; i++) a[i] = (int) v[i];
            return a;
        }
    }

    /** Max pooling; padding uses -inf like PyTorch, so a padded position is never the maximum. */
    public static MaxPoolResult maxPool2d(Tensor x, Windows.Geometry g) {
        g.check("maxPool2d", x.shape());
        Tensor win = Windows.view(Windows.padded(x, g, Double.NEGATIVE_INFINITY), g).contiguous(); // [N, C, Ho, Wo, kh, kw]
        int[] s = win.shape();
        int rows = s[0] * s[1] * s[2] * s[3], k = s[4] * s[5];
        Tensor flat = win.view(rows, k);
        Tensor out = Tensor.empty(x.device(), x.dtype(), s[0], s[1], s[2], s[3]);
        Backends.of(x).reduceRows(ReduceOp.MAX, flat, rows, k, out);
        if (!x.device().isCpu()) {                               // the argmax stays on the device
            Tensor arg = Tensor.empty(x.device(), x.dtype(), s[0], s[1], s[2], s[3]);
            Backends.device(x.device()).argmaxRows(flat, rows, k, arg);
            return new MaxPoolResult(out, null, arg);
        }
        int[] arg = new int[rows];
        Backends.of(x).argmaxRows(flat, rows, k, arg);
        return new MaxPoolResult(out, arg);
    }

    /** dL/dx from a {@link MaxPoolResult}: on a device with its device-held argmax (no index upload). */
    public static Tensor maxPool2dBackward(Tensor gradOut, MaxPoolResult r, int[] inputShape, Windows.Geometry g) {
        if (r.deviceArgmax() == null || gradOut.device().isCpu()) return maxPool2dBackward(gradOut, r.argmax(), inputShape, g);
        int[] s = gradOut.shape();
        Tensor win = Tensor.zeros(gradOut.device(), gradOut.dtype(), s[0], s[1], s[2], s[3], g.kh(), g.kw());
        Tensor go = gradOut.contiguous();
        Tensor arg = r.deviceArgmax().dtype() == go.dtype() ? r.deviceArgmax() : r.deviceArgmax().to(go.dtype());
        Backends.device(go.device()).scatterRows(go, arg, go.numel(), g.kh() * g.kw(), win);
        return Windows.scatterAdd(win, inputShape, g);
    }

    /** dL/dx: each output's gradient goes to the input position that was its maximum. */
    public static Tensor maxPool2dBackward(Tensor gradOut, int[] argmax, int[] inputShape, Windows.Geometry g) {
        int[] s = gradOut.shape();
        Tensor win = Tensor.zeros(gradOut.device(), gradOut.dtype(), s[0], s[1], s[2], s[3], g.kh(), g.kw());
        Tensor go = gradOut.contiguous();
        int k = g.kh() * g.kw();
        if (!go.device().isCpu()) Backends.device(go.device()).scatterRows(go, argmax, argmax.length, k, win);
        else for (int r = 0; r < argmax.length; r++) win.setFlat(r * k + argmax[r], go.getFlat(r));
        return Windows.scatterAdd(win, inputShape, g);
    }

    /** Average pooling with zero padding counted in the divisor (PyTorch's count_include_pad=True). */
    public static Tensor avgPool2d(Tensor x, Windows.Geometry g) {
        g.check("avgPool2d", x.shape());
        Tensor win = Windows.view(Windows.padded(x, g, 0.0), g);
        return win.sum(new int[]{4, 5}, false).div(g.kh() * g.kw());
    }

    public static Tensor avgPool2dBackward(Tensor gradOut, int[] inputShape, Windows.Geometry g) {
        int[] s = gradOut.shape();
        Tensor win = gradOut.div(g.kh() * g.kw()).unsqueeze(4).unsqueeze(5).expand(s[0], s[1], s[2], s[3], g.kh(), g.kw());
        return Windows.scatterAdd(win, inputShape, g);
    }
}
