package clipvr.tensor.kernels;

import clipvr.tensor.Storage;
import clipvr.tensor.Tensor;
import clipvr.tensor.ops.BinaryOp;
import clipvr.tensor.ops.ReduceOp;
import clipvr.tensor.ops.UnaryOp;

/**
 * The readable twins of the fast kernels: plain loops, every value read and computed in float64 and
 * stored in the output's dtype. They serve float64 tensors (gradient checks), the
 * {@code -Dclipvr.kernels=reference} switch, and the tests that hold the fast kernels to them.
 */
public final class ReferenceKernels {
    private ReferenceKernels() {}

    static double get(Storage s, int i) {
        return switch (s) {
            case Storage.Floats(float[] a) -> a[i];
            case Storage.Doubles(double[] a) -> a[i];
            case Storage.Buffer b -> throw new IllegalArgumentException("CPU kernel given a tensor on " + b.device());
        };
    }

    static void set(Storage s, int i, double v) {
        switch (s) {
            case Storage.Floats(float[] a) -> a[i] = (float) v;
            case Storage.Doubles(double[] a) -> a[i] = v;
            case Storage.Buffer b -> throw new IllegalArgumentException("CPU kernel given a tensor on " + b.device());
        }
    }

    public static void copy(Tensor src, Tensor dst) {
        Storage s = src.storage(), d = dst.storage();
        Strided.forEachRow(dst.shape(), new int[][]{dst.strides(), src.strides()}, new int[]{dst.offset(), src.offset()},
                (len, off, step) -> {
                    for (int j = 0; j < len; j++) set(d, off[0] + j * step[0], get(s, off[1] + j * step[1]));
                });
    }

    public static void unary(UnaryOp op, Tensor x, Tensor out) {
        Storage s = x.storage(), d = out.storage();
        Strided.forEachRow(out.shape(), new int[][]{out.strides(), x.strides()}, new int[]{out.offset(), x.offset()},
                (len, off, step) -> {
                    for (int j = 0; j < len; j++) set(d, off[0] + j * step[0], op.apply(get(s, off[1] + j * step[1])));
                });
    }

    public static void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        Storage sa = a.storage(), sb = b.storage(), d = out.storage();
        Strided.forEachRow(out.shape(), new int[][]{out.strides(), a.strides(), b.strides()},
                new int[]{out.offset(), a.offset(), b.offset()},
                (len, off, step) -> {
                    for (int j = 0; j < len; j++)
                        set(d, off[0] + j * step[0], op.apply(get(sa, off[1] + j * step[1]), get(sb, off[2] + j * step[2])));
                });
    }

    public static void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        Storage sc = cond.storage(), sa = a.storage(), sb = b.storage(), d = out.storage();
        Strided.forEachRow(out.shape(), new int[][]{out.strides(), cond.strides(), a.strides(), b.strides()},
                new int[]{out.offset(), cond.offset(), a.offset(), b.offset()},
                (len, off, step) -> {
                    for (int j = 0; j < len; j++) {
                        boolean c = get(sc, off[1] + j * step[1]) != 0;
                        set(d, off[0] + j * step[0], c ? get(sa, off[2] + j * step[2]) : get(sb, off[3] + j * step[3]));
                    }
                });
    }

    public static void clamp(Tensor x, double lo, double hi, Tensor out) {
        Storage s = x.storage(), d = out.storage();
        Strided.forEachRow(out.shape(), new int[][]{out.strides(), x.strides()}, new int[]{out.offset(), x.offset()},
                (len, off, step) -> {
                    for (int j = 0; j < len; j++) {
                        double v = get(s, off[1] + j * step[1]);
                        set(d, off[0] + j * step[0], Double.isNaN(v) ? v : Math.min(Math.max(v, lo), hi));
                    }
                });
    }

    public static void reduceRows(ReduceOp op, Tensor x, int rows, int n, Tensor out) {
        Storage s = x.storage(), d = out.storage();
        int xo = x.offset(), oo = out.offset();
        Parallel.forEach(rows, n, r -> {
            double acc = switch (op) { case SUM -> 0.0; case MAX -> Double.NEGATIVE_INFINITY; case MIN -> Double.POSITIVE_INFINITY; };
            for (int j = 0; j < n; j++) {
                double v = get(s, xo + r * n + j);
                acc = switch (op) {
                    case SUM -> acc + v;
                    case MAX -> (v > acc || Double.isNaN(v)) ? v : acc;
                    case MIN -> (v < acc || Double.isNaN(v)) ? v : acc;
                };
            }
            set(d, oo + r, acc);
        });
    }

    public static void argmaxRows(Tensor x, int rows, int n, int[] out) {
        Storage s = x.storage();
        int xo = x.offset();
        for (int r = 0; r < rows; r++) {
            int best = 0;
            double bv = get(s, xo + r * n);
            for (int j = 1; j < n; j++) {
                double v = get(s, xo + r * n + j);
                if (v > bv || (Double.isNaN(v) && !Double.isNaN(bv))) { bv = v; best = j; }
            }
            out[r] = best;
        }
    }

    /** softmax(x)_j = exp(x_j - max) / Σ exp(x_i - max); log-softmax = x_j - max - log Σ exp(x_i - max). */
    public static void softmaxRows(Tensor x, int rows, int n, boolean log, Tensor out) {
        Storage s = x.storage(), d = out.storage();
        int xo = x.offset(), oo = out.offset();
        Parallel.forEach(rows, 4L * n, r -> {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) max = Math.max(max, get(s, xo + r * n + j));
            if (max == Double.NEGATIVE_INFINITY) max = 0;     // a fully masked row: avoid inf - inf
            double sum = 0;
            for (int j = 0; j < n; j++) sum += Math.exp(get(s, xo + r * n + j) - max);
            double logSum = Math.log(sum);
            for (int j = 0; j < n; j++) {
                double z = get(s, xo + r * n + j) - max;
                set(d, oo + r * n + j, log ? z - logSum : Math.exp(z) / sum);
            }
        });
    }

    /** y = (x - μ)/sqrt(σ² + eps) · w + b with μ, σ² the mean and biased variance of the row. */
    public static void layerNormRows(Tensor x, int rows, int n, Tensor weight, Tensor bias, double eps,
                                     Tensor out, Tensor mean, Tensor rstd) {
        Storage s = x.storage(), d = out.storage();
        int xo = x.offset(), oo = out.offset();
        Parallel.forEach(rows, 4L * n, r -> {
            double mu = 0;
            for (int j = 0; j < n; j++) mu += get(s, xo + r * n + j);
            mu /= n;
            double var = 0;
            for (int j = 0; j < n; j++) { double c = get(s, xo + r * n + j) - mu; var += c * c; }
            var /= n;
            double rs = 1.0 / Math.sqrt(var + eps);
            for (int j = 0; j < n; j++) {
                double y = (get(s, xo + r * n + j) - mu) * rs;
                if (weight != null) y *= weight.getFlat(j);
                if (bias != null) y += bias.getFlat(j);
                set(d, oo + r * n + j, y);
            }
            if (mean != null) mean.setFlat(r, mu);
            if (rstd != null) rstd.setFlat(r, rs);
        });
    }

    /** dx = rstd·(d - mean(d) - x̂·mean(d·x̂)) per row, with x̂ = (x - μ)·rstd and d = g·w. */
    public static void layerNormBackwardRows(Tensor x, Tensor g, int rows, int n, Tensor weight, Tensor mean, Tensor rstd, Tensor dx) {
        Storage sx = x.storage(), sg = g.storage(), d = dx.storage();
        int xo = x.offset(), go = g.offset(), oo = dx.offset();
        Parallel.forEach(rows, 8L * n, r -> {
            double mu = mean.getFlat(r), rs = rstd.getFlat(r);
            double m1 = 0, m2 = 0;
            for (int j = 0; j < n; j++) {
                double dj = get(sg, go + r * n + j) * (weight == null ? 1.0 : weight.getFlat(j));
                double xhat = (get(sx, xo + r * n + j) - mu) * rs;
                m1 += dj;
                m2 += dj * xhat;
            }
            m1 /= n;
            m2 /= n;
            for (int j = 0; j < n; j++) {
                double dj = get(sg, go + r * n + j) * (weight == null ? 1.0 : weight.getFlat(j));
                double xhat = (get(sx, xo + r * n + j) - mu) * rs;
                set(d, oo + r * n + j, rs * (dj - m1 - xhat * m2));
            }
        });
    }
}
