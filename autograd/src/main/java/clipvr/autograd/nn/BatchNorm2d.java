package clipvr.autograd.nn;

import clipvr.autograd.Var;
import clipvr.autograd.ops.Conv;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;

/**
 * Batch norm over [N, C, H, W] per channel, PyTorch semantics. Training: normalise by the batch mean and
 * biased variance, then running = (1 - momentum)·running + momentum·batch (running_var takes the unbiased
 * batch variance) and num_batches_tracked += 1. Eval: normalise by the running statistics.
 * y = γ·x̂ + β with γ = 1, β = 0 initially (when affine). Buffers: running_mean (0), running_var (1),
 * num_batches_tracked (a scalar, 0).
 */
public final class BatchNorm2d extends Module implements Layer {
    public final int channels;
    public final double eps, momentum;
    private final Parameter weight, bias;

    public BatchNorm2d(int channels, double eps, double momentum, boolean affine, DType dtype) {
        this.channels = channels;
        this.eps = eps;
        this.momentum = momentum;
        this.weight = affine ? param("weight", Tensor.ones(dtype, channels)) : null;
        this.bias = affine ? param("bias", Tensor.zeros(dtype, channels)) : null;
        buffer("running_mean", Tensor.zeros(dtype, channels));
        buffer("running_var", Tensor.ones(dtype, channels));
        buffer("num_batches_tracked", Tensor.zeros(dtype));
    }

    /** eps 1e-5, momentum 0.1, affine (PyTorch's defaults). */
    public BatchNorm2d(int channels, DType dtype) { this(channels, 1e-5, 0.1, true, dtype); }

    public Parameter weight() { return weight; }
    public Parameter bias() { return bias; }
    public Tensor runningMean() { return buffer("running_mean"); }
    public Tensor runningVar() { return buffer("running_var"); }
    public long numBatchesTracked() { return (long) buffer("num_batches_tracked").item(); }

    /** x [N, C, H, W] → [N, C, H, W]; in training mode also updates the running statistics in place. */
    @Override public Var forward(Var x) {
        boolean training = isTraining();
        Var y = Conv.batchNorm2d(x, runningMean(), runningVar(),
                weight == null ? null : weight.var(), bias == null ? null : bias.var(), training, momentum, eps);
        if (training) {
            Tensor n = buffer("num_batches_tracked");
            n.fill(n.item() + 1);
        }
        return y;
    }
}
