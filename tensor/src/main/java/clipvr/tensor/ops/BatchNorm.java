package clipvr.tensor.ops;

import clipvr.tensor.Shape;
import clipvr.tensor.Tensor;

/**
 * Batch normalisation over [N, C, H, W] per channel, PyTorch semantics: training mode normalises with
 * the batch mean and biased variance and updates the running statistics in place with
 * running = (1 - momentum)·running + momentum·batch (the running variance uses the unbiased estimate);
 * eval mode normalises with the running statistics.
 */
public final class BatchNorm {
    private BatchNorm() {}

    /** Output plus the per-channel mean and 1/sqrt(var + eps) used (shape [1, C, 1, 1]) for the backward pass. */
    public record Result(Tensor out, Tensor mean, Tensor rstd) {}

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
        Tensor mean, var;
        if (training) {
            int n = s[0] * s[2] * s[3];
            if (n <= 1) throw new IllegalArgumentException("batchNorm2d: training needs more than one value per channel, got " + Shape.str(s));
            mean = x.mean(AXES, true);                                        // [1, C, 1, 1]
            var = x.var(AXES, false, true);                                   // biased, [1, C, 1, 1]
            if (runningMean != null) {
                runningMean.mulInPlace(1 - momentum).addInPlace(mean.reshape(c), momentum);
                runningVar.mulInPlace(1 - momentum).addInPlace(var.reshape(c).mul((double) n / (n - 1)), momentum);
            }
        } else {
            if (runningMean == null) throw new IllegalArgumentException("batchNorm2d: eval mode needs running statistics");
            mean = runningMean.reshape(1, c, 1, 1);
            var = runningVar.reshape(1, c, 1, 1);
        }
        Tensor rstd = var.add(eps).sqrt().unary(UnaryOp.RECIPROCAL);         // [1, C, 1, 1]
        Tensor y = x.sub(mean).mul(rstd);
        if (weight != null) y = y.mul(weight.reshape(1, c, 1, 1));
        if (bias != null) y = y.add(bias.reshape(1, c, 1, 1));
        return new Result(y, mean, rstd);
    }
}
