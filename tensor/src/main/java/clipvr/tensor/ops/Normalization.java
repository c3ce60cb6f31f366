package clipvr.tensor.ops;

import clipvr.tensor.Backends;
import clipvr.tensor.DType;
import clipvr.tensor.kernels.ColumnSums;
import clipvr.tensor.kernels.CpuBackend;
import clipvr.tensor.Shape;
import clipvr.tensor.Tensor;

/** Softmax, log-softmax and layer norm (row kernels in the backend). */
public final class Normalization {
    private Normalization() {}

    /** (log-)softmax along {@code axis}; non-last axes are moved last and back. */
    public static Tensor softmax(Tensor x, int axis, boolean log) {
        int a = Shape.axis(log ? "logSoftmax" : "softmax", axis, x.rank());
        int last = x.rank() - 1;
        Tensor xt = (a == last ? x : x.transpose(a, last)).contiguous();
        int n = xt.size(-1);
        int rows = n == 0 ? 0 : xt.numel() / n;
        Tensor out = Tensor.empty(x.device(), x.dtype(), xt.shape());
        if (rows > 0) Backends.of(x).softmaxRows(xt, rows, n, log, out);
        return a == last ? out : out.transpose(a, last).contiguous();
    }

    /** Layer norm output with the per-row mean and 1/std the backward pass needs. */
    public record LayerNormResult(Tensor out, Tensor mean, Tensor rstd) {}

    /** Normalises over the last axis: x [..., D], weight and bias [D] or null. mean/rstd have shape [...]. */
    public static LayerNormResult layerNorm(Tensor x, Tensor weight, Tensor bias, double eps) {
        int[] s = x.shape();
        if (s.length == 0) throw new IllegalArgumentException("layerNorm: needs rank >= 1");
        int n = s[s.length - 1];
        for (Tensor p : new Tensor[]{weight, bias})
            if (p != null && (p.rank() != 1 || p.size(0) != n))
                throw new IllegalArgumentException("layerNorm: parameter shape " + Shape.str(p.shape()) + " does not match last axis of " + Shape.str(s));
        if (weight != null) Elementwise.sameDType("layerNorm", x, weight);
        if (bias != null) Elementwise.sameDType("layerNorm", x, bias);
        Tensor xc = x.contiguous();
        int rows = n == 0 ? 0 : xc.numel() / n;
        int[] statShape = java.util.Arrays.copyOf(s, s.length - 1);
        Tensor out = Tensor.empty(x.device(), x.dtype(), s), mean = Tensor.empty(x.device(), x.dtype(), statShape),
                rstd = Tensor.empty(x.device(), x.dtype(), statShape);
        Backends.of(x).layerNormRows(xc, rows, n, weight == null ? null : weight.contiguous(),
                bias == null ? null : bias.contiguous(), eps, out, mean, rstd);
        return new LayerNormResult(out, mean, rstd);
    }

    /**
     * Gradient of {@link #layerNorm} w.r.t. its weight: dw = Σ_rows g·x̂ [D] with x̂ = (x − mean)·rstd, for x and g
     * [..., D] (rank ≥ 2) and the forward's mean/rstd [...]. On the CPU in float32 with contiguous x and g, one pass
     * of {@link ColumnSums#sumOfGradXhat} (no [..., D] buffer for g·x̂), with the bits of the composition
     * {@link #layerNormWeightGradComposition}, its twin ({@code -Dclipvr.kernels=reference} runs the twin).
     */
    public static Tensor layerNormWeightGrad(Tensor x, Tensor g, Tensor mean, Tensor rstd) {
        int d = x.size(-1), rows = d == 0 ? 0 : x.numel() / d;
        if (CpuBackend.REFERENCE || x.dtype() != DType.F32 || g.dtype() != DType.F32 || !x.device().isCpu() || !g.device().isCpu()
                || x.rank() < 2 || !x.isContiguous() || !g.isContiguous() || rows == 0 || d < ColumnSums.MIN_COLUMNS)
            return layerNormWeightGradComposition(x, g, mean, rstd);
        Tensor m = mean.contiguous(), r = rstd.contiguous(), out = Tensor.empty(DType.F32, d);
        ColumnSums.sumOfGradXhat(x.f32(), x.offset(), g.f32(), g.offset(), m.f32(), m.offset(), r.f32(), r.offset(), rows, d, out.f32(), 0);
        return out;
    }

    /** The twin of {@link #layerNormWeightGrad}: g·x̂ in one [..., D] buffer, then its sum over the row axes → [D]. */
    public static Tensor layerNormWeightGradComposition(Tensor x, Tensor g, Tensor mean, Tensor rstd) {
        int[] rowAxes = new int[x.rank() - 1];
        for (int i = 0; i < rowAxes.length; i++) rowAxes[i] = i;
        Tensor gxhat = x.sub(mean.unsqueeze(-1)).mulInPlace(rstd.unsqueeze(-1)).mulInPlace(g);   // [..., D]: ((x − μ)·rstd)·g
        return gxhat.sum(rowAxes, false).reshape(x.size(-1));                                       // [D]
    }

    /**
     * Gradient of {@link #layerNorm} w.r.t. its input: g [..., D] at x [..., D] with the forward's mean/rstd [...]
     * and weight [D] (or null) → dx [..., D].
     */
    public static Tensor layerNormBackward(Tensor x, Tensor g, Tensor weight, Tensor mean, Tensor rstd) {
        Tensor xc = x.contiguous(), gc = g.contiguous();
        int n = x.size(-1);
        int rows = n == 0 ? 0 : xc.numel() / n;
        Tensor dx = Tensor.empty(x.device(), x.dtype(), x.shape());
        if (rows > 0) Backends.of(x).layerNormBackwardRows(xc, gc, rows, n, weight == null ? null : weight.contiguous(),
                mean.contiguous(), rstd.contiguous(), dx);
        return dx;
    }
}
