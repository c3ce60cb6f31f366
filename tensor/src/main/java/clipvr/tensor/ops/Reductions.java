package clipvr.tensor.ops;

import clipvr.tensor.Backends;
import clipvr.tensor.DType;
import clipvr.tensor.kernels.ColumnSums;
import clipvr.tensor.kernels.CpuBackend;
import clipvr.tensor.Shape;
import clipvr.tensor.Tensor;

/**
 * Reductions over any set of axes. Strategy: permute the reduced axes to the end, make that
 * contiguous (a no-op for the common last-axis case), and reduce rows with the backend.
 */
public final class Reductions {
    private Reductions() {}

    /** Permutes {@code axes} to the end and returns the contiguous [rows, n] matrix view plus sizes. */
    record Rows(Tensor x, int rows, int n) {}

    static Rows rows(Tensor x, int[] axes) {
        int rank = x.rank();
        int[] perm = new int[rank];
        boolean[] red = new boolean[rank];
        for (int a : axes) red[a] = true;
        int j = 0, n = 1;
        for (int d = 0; d < rank; d++) if (!red[d]) perm[j++] = d;
        for (int a : axes) { perm[j++] = a; n *= x.size(a); }
        Tensor p = x.permute(perm).contiguous();
        int rows = n == 0 ? 0 : p.numel() / Math.max(n, 1);
        if (n == 0) { rows = 1; for (int d = 0; d < rank; d++) if (!red[d]) rows *= x.size(d); }
        return new Rows(p, rows, n);
    }

    static Tensor reduce(String name, ReduceOp op, Tensor x, int[] axes, boolean keepdim) {
        int[] ax = Shape.axes(name, axes, x.rank());
        if (op == ReduceOp.SUM) {
            Tensor cs = leadingColumnSums(x, ax, keepdim);
            if (cs != null) return cs;
        }
        Rows r = rows(x, ax);
        Tensor out = Tensor.empty(x.device(), x.dtype(), Shape.reduced(x.shape(), ax, keepdim));
        if (r.n == 0 && op != ReduceOp.SUM)
            throw new IllegalArgumentException(name + ": reduction over an empty axis of " + Shape.str(x.shape()));
        if (r.n == 0) return out.fill(0);
        Backends.of(x).reduceRows(op, r.x, r.rows, r.n, out);
        return out;
    }

    /**
     * A sum over the leading axes of a contiguous float32 CPU tensor (bias gradients: [N, ..., C] → [C]) read in
     * place by {@link ColumnSums}, bit-identical to the permute-copy-reduceRows route; null when not that case
     * (or with {@code -Dclipvr.kernels=reference}).
     */
    static Tensor leadingColumnSums(Tensor x, int[] ax, boolean keepdim) {
        if (CpuBackend.REFERENCE || x.dtype() != DType.F32 || !"cpu".equals(x.device().type()) || !x.isContiguous()) return null;
        int k = ax.length;
        if (k == 0 || k == x.rank()) return null;
        boolean[] red = new boolean[x.rank()];
        for (int a : ax) red[a] = true;
        for (int d = 0; d < k; d++) if (!red[d]) return null;     // exactly the axes 0..k-1
        int rows = 1, cols = 1;
        for (int d = 0; d < x.rank(); d++) if (d < k) rows *= x.size(d); else cols *= x.size(d);
        if (rows == 0 || cols < ColumnSums.MIN_COLUMNS) return null;
        Tensor out = Tensor.empty(DType.F32, Shape.reduced(x.shape(), ax, keepdim));
        ColumnSums.sum(x.f32(), x.offset(), rows, cols, out.f32(), out.offset());
        return out;
    }

    public static Tensor sum(Tensor x, int[] axes, boolean keepdim) { return reduce("sum", ReduceOp.SUM, x, axes, keepdim); }

    public static Tensor mean(Tensor x, int[] axes, boolean keepdim) {
        int[] ax = Shape.axes("mean", axes, x.rank());
        int n = 1;
        for (int a : ax) n *= x.size(a);
        return sum(x, ax, keepdim).div(n);
    }

    public static Tensor max(Tensor x, int axis, boolean keepdim) {
        return reduce("max", ReduceOp.MAX, x, new int[]{Shape.axis("max", axis, x.rank())}, keepdim);
    }

    public static int[] argmax(Tensor x, int axis) {
        int a = Shape.axis("argmax", axis, x.rank());
        Rows r = rows(x, new int[]{a});
        if (r.n == 0) throw new IllegalArgumentException("argmax: empty axis " + a + " of " + Shape.str(x.shape()));
        int[] out = new int[r.rows];
        Backends.of(x).argmaxRows(r.x, r.rows, r.n, out);
        return out;
    }

    /** Two-pass variance: mean of squared deviations from the mean, divided by n-1 when unbiased. */
    public static Tensor var(Tensor x, int[] axes, boolean unbiased, boolean keepdim) {
        int[] ax = Shape.axes("var", axes, x.rank());
        int n = 1;
        for (int a : ax) n *= x.size(a);
        Tensor mu = mean(x, ax, true);
        Tensor d = x.sub(mu);
        Tensor ss = sum(d.mul(d), ax, keepdim);
        return ss.div(unbiased ? Math.max(n - 1, 0) : n);
    }

    /**
     * Sums {@code x} down to {@code target}, the adjoint of broadcasting {@code target} up to x's shape:
     * leading axes are summed away and axes where target has size 1 are summed with keepdim.
     */
    public static Tensor sumTo(Tensor x, int[] target) {
        int[] shape = x.shape();
        if (java.util.Arrays.equals(shape, target)) return x;
        int lead = shape.length - target.length;
        if (lead < 0) throw new IllegalArgumentException("sumTo: " + Shape.str(shape) + " has fewer axes than " + Shape.str(target));
        int count = 0;
        int[] axes = new int[shape.length];
        for (int d = 0; d < shape.length; d++) {
            if (d < lead) axes[count++] = d;
            else if (target[d - lead] == 1 && shape[d] != 1) axes[count++] = d;
            else if (target[d - lead] != shape[d])
                throw new IllegalArgumentException("sumTo: " + Shape.str(shape) + " is not a broadcast of " + Shape.str(target));
        }
        Tensor s = count == 0 ? x : sum(x, java.util.Arrays.copyOf(axes, count), true);
        return s.reshape(target);
    }
}
