package clipvr.tensor.ops;

import clipvr.tensor.Backends;
import clipvr.tensor.Shape;
import clipvr.tensor.Tensor;
import clipvr.tensor.kernels.CpuBackend;

/**
 * Fused elementwise chains. On a device each is one kernel ({@link clipvr.tensor.DeviceBackend}); on the CPU each is
 * the unfused composition of existing ops written out below, which is both the CPU's implementation (so CPU numerics
 * do not change) and the readable twin the device kernels are tested against. The other fused ops ({@link BatchNorm},
 * {@link Attention}, the Adam update) follow the same rule through {@link #kernels}.
 */
public final class Fused {
    private Fused() {}

    /**
     * True when x's op should run as its fused device kernel: x lives on a device and {@code -Dclipvr.kernels=reference}
     * (which forces the readable implementations everywhere) is not set. Otherwise the op runs its composition twin, on
     * whichever device x lives.
     */
    public static boolean kernels(Tensor x) { return !x.device().isCpu() && !CpuBackend.REFERENCE; }

    /** QuickGELU(x + bias) for x [N, n] and bias [n] (or null): h·σ(1.702h), h = x + bias.  Twin: x.add(bias).quickGelu(). */
    public static Tensor biasQuickGelu(Tensor x, Tensor bias) {
        int n = check("biasQuickGelu", x, bias);
        if (!kernels(x)) return (bias == null ? x : x.add(bias)).unary(UnaryOp.QUICK_GELU);
        Tensor xc = x.contiguous(), out = Tensor.empty(x.device(), x.dtype(), x.shape());
        Backends.device(x.device()).biasQuickGelu(xc, bias == null ? null : bias.contiguous(), x.size(0), n, out);
        return out;
    }

    /**
     * The gradient of {@link #biasQuickGelu} with respect to x, for upstream gradient g [N, n]: g·QuickGELU'(x + bias),
     * QuickGELU'(h) = σ + 1.702·h·σ(1-σ), σ = σ(1.702h). (With respect to bias: its sum over rows.)
     * Twin: g.mul(x.add(bias).unary(QUICK_GELU_GRAD)).
     */
    public static Tensor biasQuickGeluBackward(Tensor x, Tensor bias, Tensor g) {
        int n = check("biasQuickGeluBackward", x, bias);
        if (!kernels(x)) return g.mul((bias == null ? x : x.add(bias)).unary(UnaryOp.QUICK_GELU_GRAD));
        Tensor out = Tensor.empty(x.device(), x.dtype(), x.shape());
        Backends.device(x.device()).biasQuickGeluBackward(x.contiguous(), bias == null ? null : bias.contiguous(), g.contiguous(),
                x.size(0), n, out);
        return out;
    }

    private static int check(String op, Tensor x, Tensor bias) {
        if (x.rank() != 2) throw new IllegalArgumentException(op + ": x must be [N, n], got " + Shape.str(x.shape()));
        int n = x.size(1);
        if (bias != null && (bias.rank() != 1 || bias.size(0) != n))
            throw new IllegalArgumentException(op + ": bias " + Shape.str(bias.shape()) + " for x " + Shape.str(x.shape()));
        return n;
    }
}
