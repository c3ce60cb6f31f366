package clipvr.reprogram.input;

import clipvr.autograd.Var;
import clipvr.autograd.ops.Conv;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;

/**
 * {@code nn.BatchNorm2d(c)} with PyTorch defaults: γ = 1, β = 0, running mean 0 and variance 1,
 * momentum 0.1, eps 1e-5. Training mode normalises with the batch statistics and updates the running
 * ones in place (and counts {@code num_batches_tracked}); eval mode uses the running statistics.
 */
public final class BatchNormLayer {
    public static final double MOMENTUM = 0.1;
    public static final double EPS = 1e-5;

    private final Var weight;            // γ [C]
    private final Var bias;              // β [C]
    private Tensor runningMean;          // [C], on the parameters' device
    private Tensor runningVar;           // [C]
    private long numBatchesTracked;

    public BatchNormLayer(int channels, DType dtype) {
        this.weight = Var.param(Tensor.ones(dtype, channels));
        this.bias = Var.param(Tensor.zeros(dtype, channels));
        this.runningMean = Tensor.zeros(dtype, channels);
        this.runningVar = Tensor.ones(dtype, channels);
    }

    public Var weight() { return weight; }
    public Var bias() { return bias; }
    public Tensor runningMean() { return runningMean; }
    public Tensor runningVar() { return runningVar; }
    public long numBatchesTracked() { return numBatchesTracked; }
    public void setNumBatchesTracked(long n) { numBatchesTracked = n; }

    /** x [B, C, H, W] → [B, C, H, W] with the given γ, β (and this layer's running statistics). */
    public Var forward(Var x, Var gamma, Var beta, boolean training) {
        if (training) numBatchesTracked++;
        return Conv.batchNorm2d(x, runningMean, runningVar, gamma, beta, training, MOMENTUM, EPS);
    }

    /** Moves the running statistics to {@code device} (one counted upload each; γ, β move with the parameters). */
    public void to(clipvr.tensor.Device device) {
        runningMean = runningMean.to(device);
        runningVar = runningVar.to(device);
    }

    public int parameterCount() { return weight.data().numel() + bias.data().numel(); }
}
