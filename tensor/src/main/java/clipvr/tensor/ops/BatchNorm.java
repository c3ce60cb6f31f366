package clipvr.tensor.ops;

import clipvr.tensor.Backends;
import clipvr.tensor.Shape;
import clipvr.tensor.Tensor;

/**
 * Batch normalisation over [N, C, H, W] per channel, PyTorch semantics: training mode normalises with
 * the batch mean and biased variance and updates the running statistics in place with
 * running = (1 - momentum)·running + momentum·batch (the running variance uses the unbiased estimate);
 * eval mode normalises with the running statistics.
 *
 * <p>Forward and backward each have two implementations: on a device one fused kernel per pass
 * ({@code batchnorm.cl}, one work-group per channel), and the compositions of tensor ops below, which are the
 * CPU's implementation (CPU numerics unchanged) and the readable twins the kernels are tested against
 * ({@code -Dclipvr.kernels=reference} runs the compositions on a device too, see {@link Fused#kernels}).
 */
public final class BatchNorm {
    private BatchNorm() {}

    /** Output plus the per-channel mean and 1/sqrt(var + eps) used (shape [1, C, 1, 1]) for the backward pass. */
    public record Result(Tensor out, Tensor mean, Tensor rstd) {}

    /** The gradients of {@link #backward}; a null entry was not asked for. dweight and dbias are [C]. */
    public record Grads(Tensor dx, Tensor dweight, Tensor dbias) {}

    private static final int[] AXES = {0, 2, 3};

    public static Result batchNorm2d(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                     boolean training, double momentum, double eps) {
        int[] s = x.shape();
        if (s.length != 4) throw new IllegalArgumentException("batchNorm2d: expected [N, C, H, W], got " + Shape.str(s));
        int c = s[1];
        for (Tensor p : new Tensor[]{runningMean, runningVar, weight, bias})
            if (p != null && (p.rank() != 1 || p.size(0) != c))
                throw new IllegalArgumentException("batchNorm2d: parameter " + Shape.str(p.shape()) + " does not match " + c + " channels of " + Shape.str(s));
        if ((runningMean == null) != (runningVar == null))
            throw new IllegalArgumentException("batchNorm2d: running mean and running variance must be given together");
        if (training && s[0] * s[2] * s[3] <= 1)
            throw new IllegalArgumentException("batchNorm2d: training needs more than one value per channel, got " + Shape.str(s));
        if (!training && runningMean == null) throw new IllegalArgumentException("batchNorm2d: eval mode needs running statistics");
        if (!Fused.kernels(x) || runningMean != null && !runningMean.isContiguous() || runningVar != null && !runningVar.isContiguous())
            return composition(x, runningMean, runningVar, weight, bias, training, momentum, eps);
        Tensor y = Tensor.empty(x.device(), x.dtype(), s);                               // [N, C, H, W]
        Tensor mean = Tensor.empty(x.device(), x.dtype(), 1, c, 1, 1), rstd = Tensor.empty(x.device(), x.dtype(), 1, c, 1, 1);
        Backends.device(x.device()).batchNormForward(x.contiguous(), s[0], c, s[2] * s[3], runningMean, runningVar,
                weight == null ? null : weight.contiguous(), bias == null ? null : bias.contiguous(), training, momentum, eps, y, mean, rstd);
        return new Result(y, mean, rstd);
    }

    /** The forward as a composition of tensor ops: the CPU's implementation and the fused kernel's twin (arguments checked). */
    public static Result composition(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                     boolean training, double momentum, double eps) {
        int[] s = x.shape();
        int c = s[1];
        Tensor mean, var;
        if (training) {
            int n = s[0] * s[2] * s[3];
            mean = x.mean(AXES, true);                                        // [1, C, 1, 1]
            var = x.var(AXES, false, true);                                   // biased, [1, C, 1, 1]
            if (runningMean != null) {
                runningMean.mulInPlace(1 - momentum).addInPlace(mean.reshape(c), momentum);
                runningVar.mulInPlace(1 - momentum).addInPlace(var.reshape(c).mul((double) n / (n - 1)), momentum);
            }
        } else {
            mean = runningMean.reshape(1, c, 1, 1);
            var = runningVar.reshape(1, c, 1, 1);
        }
        Tensor rstd = var.add(eps).sqrt().unary(UnaryOp.RECIPROCAL);         // [1, C, 1, 1]
        Tensor y = x.sub(mean).mul(rstd);
        if (weight != null) y = y.mul(weight.reshape(1, c, 1, 1));
        if (bias != null) y = y.add(bias.reshape(1, c, 1, 1));
        return new Result(y, mean, rstd);
    }

    /**
     * The backward of {@link #batchNorm2d} for upstream g [N, C, H, W], given its {@link Result} r: with x̂ = (x - μ)·rstd
     * and d = g·weight, dweight = Σ g·x̂ and dbias = Σ g over (N, H, W); training dx = (d - mean(d) - x̂·mean(d·x̂))·rstd
     * (the batch statistics depend on x), eval dx = d·rstd. Only the gradients asked for are returned (others null).
     */
    public static Grads backward(Tensor x, Tensor g, Tensor weight, Result r, boolean training,
                                 boolean needX, boolean needWeight, boolean needBias) {
        if (!Fused.kernels(x)) return backwardComposition(x, g, weight, r, training, needX, needWeight, needBias);
        int[] s = x.shape();
        int c = s[1];
        Tensor dx = needX ? Tensor.empty(x.device(), x.dtype(), s) : null;               // [N, C, H, W]
        Tensor dw = Tensor.empty(x.device(), x.dtype(), c), db = Tensor.empty(x.device(), x.dtype(), c);
        Backends.device(x.device()).batchNormBackward(x.contiguous(), g.contiguous(), s[0], c, s[2] * s[3],
                weight == null ? null : weight.contiguous(), r.mean().contiguous(), r.rstd().contiguous(), training, dx, dw, db);
        return new Grads(dx, needWeight ? dw : null, needBias ? db : null);
    }

    /** The backward as a composition of tensor ops: the CPU's implementation and the fused kernel's twin. */
    public static Grads backwardComposition(Tensor x, Tensor g, Tensor weight, Result r, boolean training,
                                            boolean needX, boolean needWeight, boolean needBias) {
        int c = x.size(1);
        Tensor xhat = x.sub(r.mean()).mul(r.rstd());                                      // [N, C, H, W]
        Tensor dw = needWeight ? g.mul(xhat).sum(AXES, false) : null;                     // [C]
        Tensor db = needBias ? g.sum(AXES, false) : null;                                 // [C]
        Tensor dx = null;
        if (needX) {
            Tensor d = weight == null ? g : g.mul(weight.reshape(1, c, 1, 1));
            if (training) {
                Tensor m1 = d.mean(AXES, true), m2 = d.mul(xhat).mean(AXES, true);         // [1, C, 1, 1]
                dx = d.sub(m1).sub(xhat.mul(m2)).mul(r.rstd());
            } else {
                dx = d.mul(r.rstd());
            }
        }
        return new Grads(dx, dw, db);
    }
}
