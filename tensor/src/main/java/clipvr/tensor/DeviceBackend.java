package clipvr.tensor;

/**
 * A {@link Backend} whose storages live off the Java heap. Besides the kernels it allocates device
 * storages and moves contiguous data between host and device (each move counted by {@link Transfers}),
 * and provides the data-movement kernels that the CPU path does with host loops.
 */
public interface DeviceBackend extends Backend {
    Device device();

    /** Uninitialised device storage of n elements. */
    Storage allocate(DType dtype, int n);

    /** A device copy of a contiguous host tensor (one upload). */
    Storage upload(Tensor host);

    /** The values of a contiguous device tensor as a fresh contiguous host tensor (one download). */
    Tensor download(Tensor onDevice);

    /** Blocks until every queued kernel has finished (for timing; transfers already wait). */
    void finish();

    /** Sets every element of the (possibly strided) device view t to v. */
    void fill(Tensor t, double v);

    /** out (contiguous, x's shape with index.length at axis) = x with axis position i taken from index[i]; index is an input (uploaded). */
    void indexSelect(Tensor x, int axis, int[] index, Tensor out);

    /** out (contiguous, shape indexShape) = PyTorch gather of x along axis; index is an input (uploaded). */
    void gather(Tensor x, int axis, int[] index, int[] indexShape, Tensor out);

    /**
     * The adjoint of {@link #gather}: dx (contiguous, x's shape) = Σ of g (contiguous, indexShape) over the index
     * positions that read each element; summed in index order, so deterministic (no atomics).
     */
    void gatherBackward(Tensor g, int axis, int[] index, int[] indexShape, Tensor dx);

    /** win[r, index[r]] = g[r] for contiguous win [rows, k] (already zero) and g [rows]: the max-pool backward scatter. */
    void scatterRows(Tensor g, int[] index, int rows, int k, Tensor win);

    /** out[r] = argmax of row r of contiguous x [rows, n], as a value of x's dtype in a device tensor (no read-back). */
    void argmaxRows(Tensor x, int rows, int n, Tensor out);

    /** win[r, index[r]] = g[r] with the indices in a device tensor ({@link #argmaxRows(Tensor, int, int, Tensor)}'s output). */
    void scatterRows(Tensor g, Tensor index, int rows, int k, Tensor win);

    /** out[r] = mean of the k largest of row r of contiguous x [rows, n] (ties: lower index first). Twin: Indexing.topk + mean. */
    void topkMeanRows(Tensor x, int rows, int n, int k, Tensor out);

    /** dx[r, j] = g[r]/k where x[r, j] is among the row's top k, else 0; x, dx contiguous [rows, n], g contiguous [rows]. */
    void topkMeanBackwardRows(Tensor x, Tensor g, int rows, int n, int k, Tensor dx);

    // ------------------------------------------------------------------ fused kernels (twins: clipvr.tensor.ops.Fused on the CPU)

    /** out = QuickGELU(x + bias) = h·σ(1.702h); x, out contiguous [rows, n], bias contiguous [n] or null. */
    void biasQuickGelu(Tensor x, Tensor bias, int rows, int n, Tensor out);

    /** dh = g · QuickGELU'(x + bias) = g·(σ + 1.702·h·σ(1-σ)); x, g, dh contiguous [rows, n], bias [n] or null. */
    void biasQuickGeluBackward(Tensor x, Tensor bias, Tensor g, int rows, int n, Tensor dh);

    /**
     * One Adam(W) update of θ, m, v in place, all contiguous and of one shape (torch.optim semantics, see
     * clipvr.autograd.optim.Adam): decoupled decay θ·(1 - lr·wd) or L2 g + wd·θ, the moments, then
     * θ -= (lr/bc1)·m/(√v/√bc2 + eps), where bc1 = 1 - β₁ᵗ, bc2 = 1 - β₂ᵗ.
     */
    void adamUpdate(Tensor theta, Tensor g, Tensor m, Tensor v, double lr, double beta1, double beta2, double eps,
                    double weightDecay, boolean decoupled, double bc1, double bc2);

    /**
     * Fused batch norm over contiguous x [N, C, H, W] (hw = H·W), per channel: training normalises with the batch mean and
     * biased variance and, with running statistics (runningMean/runningVar [C], or both null), updates them in place
     * (running·(1 - momentum) + batch·momentum, the variance's batch value unbiased); eval normalises with the running
     * statistics. y = (x - μ)·rstd·weight + bias (weight/bias [C] or null); writes mean[C] = μ and rstd[C] = 1/√(σ² + eps).
     * Twin: the composition in clipvr.tensor.ops.BatchNorm.
     */
    void batchNormForward(Tensor x, int n, int c, int hw, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                          boolean training, double momentum, double eps, Tensor y, Tensor mean, Tensor rstd);

    /**
     * Its backward: dweight[C] = Σ g·x̂, dbias[C] = Σ g (x̂ = (x - μ)·rstd), and unless dx is null, training
     * dx = (d - mean(d) - x̂·mean(d·x̂))·rstd, eval dx = d·rstd, d = g·weight. x, g, dx contiguous [N, C, H, W].
     */
    void batchNormBackward(Tensor x, Tensor g, int n, int c, int hw, Tensor weight, Tensor mean, Tensor rstd, boolean training,
                           Tensor dx, Tensor dweight, Tensor dbias);

    /**
     * Fused attention per (batch·head): probs = softmax(q·kᵀ·scale + mask), out = probs·v. q [A, H, T, d] or [A, T, d],
     * k [.., S, d], v [.., S, dv] with equal leading sizes and a unit last stride (any other strides, e.g. the heads of a
     * projection in place); mask [T, S] contiguous or null; probs [.., T, S] and out [.., T, dv] contiguous.
     * Twin: clipvr.tensor.ops.Attention.composition.
     */
    void attentionForward(Tensor q, Tensor k, Tensor v, Tensor mask, double scale, Tensor probs, Tensor out);

    /**
     * Its backward from the saved probs and upstream g [.., T, dv] (contiguous): dv = probsᵀ·g,
     * dS = probs ⊙ (g·vᵀ - rowsum(g·vᵀ ⊙ probs))·scale, dq = dS·k, dk = dSᵀ·q; dq, dk, dv contiguous, shaped as q, k, v.
     */
    void attentionBackward(Tensor q, Tensor k, Tensor v, Tensor probs, Tensor g, double scale, Tensor dq, Tensor dk, Tensor dv);
}
