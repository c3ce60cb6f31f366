package clipvr.autograd.ops;

import clipvr.autograd.Var;
import clipvr.tensor.Tensor;
import clipvr.tensor.ops.BatchNorm;
import clipvr.tensor.ops.Convolution;
import clipvr.tensor.ops.Pooling;
import clipvr.tensor.ops.Resampling;
import clipvr.tensor.ops.Windows;

/** Convolution, pooling, batch norm and interpolation with their backward passes. */
public final class Conv {
    private Conv() {}

    /**
     * y = conv2d(x, W) + b.  dx = col2im(G·W2d), dW = G2dᵀ·im2col(x), db = Σ G over (N, H, W).
     * Only the gradients that are needed are computed (a frozen conv with a trainable input costs one GEMM).
     */
    public static Var conv2d(Var x, Var weight, Var bias, Windows.Geometry geo) {
        Tensor out = Convolution.conv2d(x.data(), weight.data(), bias == null ? null : bias.data(), geo);
        Var.Node nx = x.node(), nw = weight.node(), nb = bias == null ? null : bias.node();
        Tensor xd = nw.requiresGrad() ? x.data() : null, wd = nx.requiresGrad() ? weight.data() : null;   // saved only if used
        int[] xs = x.shape(), ws = weight.shape();
        return Var.result(out, "conv2d", g -> {
            if (nx.requiresGrad()) nx.accumulate(Convolution.conv2dBackwardInput(g, wd, xs, geo));
            if (nw.requiresGrad()) nw.accumulate(Convolution.conv2dBackwardWeight(g, xd, ws, geo));
            if (nb != null && nb.requiresGrad()) nb.accumulate(g.sum(new int[]{0, 2, 3}, false));
        }, x, weight, bias);
    }

    /** Max pooling; the gradient goes to each window's maximum. */
    public static Var maxPool2d(Var x, Windows.Geometry geo) {
        Pooling.MaxPoolResult r = Pooling.maxPool2d(x.data(), geo);
        Var.Node nx = x.node();
        int[] xs = x.shape();
        return Var.result(r.out(), "maxPool2d", g -> nx.accumulate(Pooling.maxPool2dBackward(g, r, xs, geo)), x);
    }

    /** Average pooling; the gradient is spread evenly over each window. */
    public static Var avgPool2d(Var x, Windows.Geometry geo) {
        Var.Node nx = x.node();
        int[] xs = x.shape();
        return Var.result(Pooling.avgPool2d(x.data(), geo), "avgPool2d", g -> nx.accumulate(Pooling.avgPool2dBackward(g, xs, geo)), x);
    }

    /**
     * Batch norm over (N, H, W) per channel. Training: x̂ = (x - μ_B)·rstd_B, y = γx̂ + β,
     * dγ = Σ g·x̂, dβ = Σ g, dx = rstd·(d - mean(d) - x̂·mean(d·x̂)) with d = g·γ (batch statistics depend on x).
     * Eval: the running statistics are constants, so dx = g·γ·rstd. On a device each pass is one fused kernel
     * ({@link BatchNorm#batchNorm2d}, {@link BatchNorm#backward}); on the CPU their composition twins.
     */
    public static Var batchNorm2d(Var x, Tensor runningMean, Tensor runningVar, Var weight, Var bias,
                                  boolean training, double momentum, double eps) {
        BatchNorm.Result r = BatchNorm.batchNorm2d(x.data(), runningMean, runningVar,
                weight == null ? null : weight.data(), bias == null ? null : bias.data(), training, momentum, eps);
        Var.Node nx = x.node(), nw = weight == null ? null : weight.node(), nb = bias == null ? null : bias.node();
        Tensor xd = x.data(), wd = weight == null ? null : weight.data();
        return Var.result(r.out(), "batchNorm2d", g -> {
            BatchNorm.Grads d = BatchNorm.backward(xd, g, wd, r, training,
                    nx.requiresGrad(), nw != null && nw.requiresGrad(), nb != null && nb.requiresGrad());
            if (d.dweight() != null) nw.accumulate(d.dweight());
            if (d.dbias() != null) nb.accumulate(d.dbias());
            if (d.dx() != null) nx.accumulate(d.dx());
        }, x, weight, bias);
    }

    /** Resize of the last two axes (nearest/bilinear/bicubic, PyTorch conventions); backward is the transposed resampling. */
    public static Var interpolate(Var x, int ho, int wo, Resampling.Mode mode) {
        int h = x.size(-2), w = x.size(-1);
        Var.Node nx = x.node();
        return Var.result(Resampling.interpolate(x.data(), ho, wo, mode), "interpolate",
                g -> nx.accumulate(Resampling.interpolateBackward(g, h, w, mode)), x);
    }
}
