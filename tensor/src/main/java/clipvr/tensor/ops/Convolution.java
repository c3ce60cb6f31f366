package clipvr.tensor.ops;

import clipvr.tensor.DType;
import clipvr.tensor.Shape;
import clipvr.tensor.Tensor;
import clipvr.tensor.kernels.CpuBackend;
import clipvr.tensor.kernels.DirectConv;

/**
 * 2-D convolution as im2col + one GEMM, with its two backward products.
 *
 * <p>For x [N, C, H, W] and weight [O, C, kh, kw]: cols [N·Ho·Wo, C·kh·kw] holds one receptive field
 * per row (a contiguous copy of the window view, see {@link Windows}); then
 * out2d [N·Ho·Wo, O] = cols · W2dᵀ with W2d = weight viewed as [O, C·kh·kw]. The result is returned as
 * the [N, O, Ho, Wo] permuted view of that [N, Ho, Wo, O] buffer (channels-last in memory, which is
 * what the ViT patch embedding wants next). The reference twin is {@link #conv2dDirect}.
 *
 * <p>Small float32 convolutions (see {@link #useDirect}) skip im2col and run the direct SIMD kernel
 * {@link DirectConv} instead, returning a contiguous NCHW tensor.
 */
public final class Convolution {
    private Convolution() {}

    static void check(Tensor x, Tensor weight, Tensor bias) {
        int[] xs = x.shape(), ws = weight.shape();
        if (xs.length != 4 || ws.length != 4 || xs[1] != ws[1])
            throw new IllegalArgumentException("conv2d: input " + Shape.str(xs) + " and weight " + Shape.str(ws)
                    + " do not match (expected [N, C, H, W] and [O, C, kh, kw])");
        if (bias != null && (bias.rank() != 1 || bias.size(0) != ws[0]))
            throw new IllegalArgumentException("conv2d: bias " + Shape.str(bias.shape()) + " does not match " + ws[0] + " output channels");
        Elementwise.sameDType("conv2d", x, weight);
        if (bias != null) Elementwise.sameDType("conv2d", x, bias);
    }

    /** cols [N·Ho·Wo, C·kh·kw]: one receptive field per row. */
    public static Tensor im2col(Tensor x, Windows.Geometry g) {
        Tensor win = Windows.view(Windows.padded(x, g, 0.0), g);          // [N, C, Ho, Wo, kh, kw]
        int[] s = win.shape();
        return win.permute(0, 2, 3, 1, 4, 5).contiguous()                  // [N, Ho, Wo, C, kh, kw]
                .view(s[0] * s[2] * s[3], s[1] * s[4] * s[5]);
    }

    /** Largest C·kh·kw and output channel count for which {@link #useDirect} picks the direct kernel. */
    public static final int DIRECT_MAX_K = 576, DIRECT_MAX_O = 64;

    /**
     * The direct float32 kernel is used when: all tensors are float32 on the CPU, the kernels are not
     * forced to the reference ({@code -Dclipvr.kernels=reference}), the stride is 1 on both axes, and the
     * problem is small: C·kh·kw ≤ {@value #DIRECT_MAX_K} and O ≤ {@value #DIRECT_MAX_O} (there im2col +
     * GEMM has too little K·N to be efficient; this covers all of SMM's 3×3 mask-network convolutions).
     */
    public static boolean useDirect(Tensor x, Tensor weight, Windows.Geometry g) {
        int[] ws = weight.shape();
        return !CpuBackend.REFERENCE && x.dtype() == DType.F32 && weight.dtype() == DType.F32
                && "cpu".equals(x.device().type()) && "cpu".equals(weight.device().type())
                && g.sh() == 1 && g.sw() == 1
                && ws[0] <= DIRECT_MAX_O && (long) ws[1] * ws[2] * ws[3] <= DIRECT_MAX_K;
    }

    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, Windows.Geometry g) {
        check(x, weight, bias);
        g.check("conv2d", x.shape());
        int n = x.size(0), o = weight.size(0);
        if (useDirect(x, weight, g) && (bias == null || "cpu".equals(bias.device().type()))) {   // see useDirect
            Tensor xc = x.contiguous(), wc = weight.contiguous(), bc = bias == null ? null : bias.contiguous();
            int c = x.size(1), h = x.size(2), w = x.size(3);
            Tensor out = Tensor.empty(DType.F32, n, o, g.outH(h), g.outW(w));
            DirectConv.conv2d(xc.f32(), xc.offset(), n, c, h, w, wc.f32(), wc.offset(), o, g.kh(), g.kw(),
                    bc == null ? null : bc.f32(), bc == null ? 0 : bc.offset(), g.ph(), g.pw(), out.f32());
            return out;
        }
        int ho = g.outH(x.size(2)), wo = g.outW(x.size(3));
        Tensor cols = im2col(x, g);                                        // [N·Ho·Wo, C·kh·kw]
        Tensor w2d = weight.reshape(o, -1);                                // [O, C·kh·kw]
        Tensor out2d = cols.matmulT(w2d);                                  // [N·Ho·Wo, O]
        if (bias != null) out2d = out2d.add(bias);
        return out2d.view(n, ho, wo, o).permute(0, 3, 1, 2);                // [N, O, Ho, Wo] (channels-last storage)
    }

    static boolean fastF32(Tensor a, Tensor b) {
        return !CpuBackend.REFERENCE && a.dtype() == DType.F32 && b.dtype() == DType.F32
                && "cpu".equals(a.device().type()) && "cpu".equals(b.device().type());
    }

    /**
     * dL/dx [N, C, H, W] = col2im(dL/dout2d · W2d). Small stride-1 float32 problems (the transposed
     * convolution has O·kh·kw ≤ {@value #DIRECT_MAX_K} and C ≤ {@value #DIRECT_MAX_O}, and padding
     * ph ≤ kh-1, pw ≤ kw-1) run as a direct convolution of the gradient with the flipped weight.
     */
    public static Tensor conv2dBackwardInput(Tensor gradOut, Tensor weight, int[] inputShape, Windows.Geometry g) {
        int o = weight.size(0), c = weight.size(1);
        int n = gradOut.size(0), ho = gradOut.size(2), wo = gradOut.size(3);
        if (fastF32(gradOut, weight) && g.sh() == 1 && g.sw() == 1 && g.ph() <= g.kh() - 1 && g.pw() <= g.kw() - 1
                && c <= DIRECT_MAX_O && (long) o * g.kh() * g.kw() <= DIRECT_MAX_K) {
            Tensor gc = gradOut.contiguous(), wc = weight.contiguous();
            Tensor dx = Tensor.empty(DType.F32, inputShape);
            DirectConv.conv2dBackwardInput(gc.f32(), gc.offset(), n, o, ho, wo, wc.f32(), wc.offset(), c,
                    g.kh(), g.kw(), g.ph(), g.pw(), dx.f32());
            return dx;
        }
        Tensor g2d = gradOut.permute(0, 2, 3, 1).reshape(n * ho * wo, o);  // [N·Ho·Wo, O]
        Tensor dcols = g2d.matmul(weight.reshape(o, -1));                  // [N·Ho·Wo, C·kh·kw]
        Tensor win = dcols.view(n, ho, wo, c, g.kh(), g.kw()).permute(0, 3, 1, 2, 4, 5); // [N, C, Ho, Wo, kh, kw]
        return Windows.scatterAdd(win, inputShape, g);
    }

    /**
     * dL/dW [O, C, kh, kw] = dL/dout2dᵀ · cols. Small stride-1 float32 problems with kw = 3 (same size
     * rule as the forward direct kernel) use the direct kernel {@link DirectConv#conv2dBackwardWeight}.
     */
    public static Tensor conv2dBackwardWeight(Tensor gradOut, Tensor x, int[] weightShape, Windows.Geometry g) {
        int o = weightShape[0];
        int n = gradOut.size(0), ho = gradOut.size(2), wo = gradOut.size(3);
        if (fastF32(gradOut, x) && g.sh() == 1 && g.sw() == 1 && g.kw() == 3
                && o <= DIRECT_MAX_O && (long) weightShape[1] * g.kh() * g.kw() <= DIRECT_MAX_K) {
            Tensor gc = gradOut.contiguous(), xc = x.contiguous();
            Tensor dw = Tensor.empty(DType.F32, weightShape);
            DirectConv.conv2dBackwardWeight(gc.f32(), gc.offset(), xc.f32(), xc.offset(), n, x.size(1), x.size(2), x.size(3),
                    o, g.kh(), g.kw(), g.ph(), g.pw(), dw.f32());
            return dw;
        }
        Tensor g2d = gradOut.permute(0, 2, 3, 1).reshape(n * ho * wo, o);  // [N·Ho·Wo, O]
        Tensor cols = im2col(x, g);                                        // [N·Ho·Wo, C·kh·kw]
        return g2d.mT().matmul(cols).reshape(weightShape);                 // [O, C·kh·kw] → [O, C, kh, kw]
    }

    /** The readable twin: out[n,o,y,x] = b[o] + Σ_c Σ_ky Σ_kx w[o,c,ky,kx] · xpad[n,c,y·sh+ky,x·sw+kx]. */
    public static Tensor conv2dDirect(Tensor x, Tensor weight, Tensor bias, Windows.Geometry g) {
        check(x, weight, bias);
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3), o = weight.size(0);
        int ho = g.outH(h), wo = g.outW(w);
        Tensor out = Tensor.zeros(x.dtype(), n, o, ho, wo);
        for (int b = 0; b < n; b++)
            for (int oc = 0; oc < o; oc++)
                for (int y = 0; y < ho; y++)
                    for (int xx = 0; xx < wo; xx++) {
                        double s = bias == null ? 0 : bias.get(oc);
                        for (int ic = 0; ic < c; ic++)
                            for (int ky = 0; ky < g.kh(); ky++)
                                for (int kx = 0; kx < g.kw(); kx++) {
                                    int iy = y * g.sh() + ky - g.ph(), ix = xx * g.sw() + kx - g.pw();
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < w)
                                        s += weight.get(oc, ic, ky, kx) * x.get(b, ic, iy, ix);
                                }
                        out.set(s, b, oc, y, xx);
                    }
        return out;
    }
}
