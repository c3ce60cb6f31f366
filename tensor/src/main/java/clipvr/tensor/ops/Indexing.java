package clipvr.tensor.ops;

import clipvr.tensor.Backends;
import clipvr.tensor.Shape;
import clipvr.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/** Data movement: constant padding, cat/stack, index_select, gather, embedding lookup and top-k. */
public final class Indexing {
    private Indexing() {}

    /** Constant padding: {@code before[d]} and {@code after[d]} elements added on each side of axis d. */
    public static Tensor pad(Tensor x, int[] before, int[] after, double value) {
        int r = x.rank();
        if (before.length != r || after.length != r)
            throw new IllegalArgumentException("pad: need one (before, after) pair per axis of " + Shape.str(x.shape()));
        int[] s = x.shape();
        Tensor out = Tensor.full(x.device(), x.dtype(), value, padded(s, before, after));
        Tensor inner = out;
        for (int d = 0; d < r; d++) inner = inner.narrow(d, before[d], s[d]);
        inner.copyFrom(x);
        return out;
    }

    static int[] padded(int[] s, int[] before, int[] after) {
        int[] o = s.clone();
        for (int d = 0; d < s.length; d++) {
            if (before[d] < 0 || after[d] < 0) throw new IllegalArgumentException("pad: negative padding " + Arrays.toString(before) + " " + Arrays.toString(after));
            o[d] += before[d] + after[d];
        }
        return o;
    }

    /** Concatenation along {@code axis}; all other axes must agree. */
    public static Tensor cat(List<Tensor> xs, int axis) {
        if (xs.isEmpty()) throw new IllegalArgumentException("cat: no tensors");
        Tensor first = xs.getFirst();
        int a = Shape.axis("cat", axis, first.rank());
        int[] s = first.shape();
        int total = 0;
        for (Tensor t : xs) {
            int[] ts = t.shape();
            boolean ok = ts.length == s.length && t.dtype() == first.dtype();
            for (int d = 0; ok && d < s.length; d++) if (d != a && ts[d] != s[d]) ok = false;
            if (!ok) throw new IllegalArgumentException("cat: " + t.dtype() + " " + Shape.str(ts) + " does not match " + first.dtype() + " " + Shape.str(s) + " along axis " + a);
            total += ts[a];
        }
        s[a] = total;
        Tensor out = Tensor.empty(first.device(), first.dtype(), s);
        int at = 0;
        for (Tensor t : xs) { out.narrow(a, at, t.size(a)).copyFrom(t); at += t.size(a); }
        return out;
    }

    /** Stacks same-shape tensors along a new axis. */
    public static Tensor stack(List<Tensor> xs, int axis) {
        if (xs.isEmpty()) throw new IllegalArgumentException("stack: no tensors");
        int a = axis < 0 ? axis + xs.getFirst().rank() + 1 : axis;
        return cat(xs.stream().map(t -> {
            if (!t.sameShape(xs.getFirst())) throw new IllegalArgumentException("stack: shapes " + Shape.str(t.shape()) + " and " + Shape.str(xs.getFirst().shape()) + " differ");
            return t.unsqueeze(a);
        }).toList(), a);
    }

    /** Rows {@code index} of {@code axis}: out has size index.length there. */
    public static Tensor indexSelect(Tensor x, int axis, int[] index) {
        int a = Shape.axis("indexSelect", axis, x.rank());
        int n = x.size(a);
        int[] s = x.shape();
        s[a] = index.length;
        for (int i : index)
            if (i < 0 || i >= n)
                throw new IndexOutOfBoundsException("indexSelect: index " + i + " out of range [0, " + n + ") for axis " + a + " of " + Shape.str(x.shape()));
        Tensor out = Tensor.empty(x.device(), x.dtype(), s);
        if (!x.device().isCpu()) {                        // one kernel instead of a copy per index
            Backends.device(x.device()).indexSelect(x, a, index, out);
            return out;
        }
        for (int i = 0; i < index.length; i++) out.narrow(a, i, 1).copyFrom(x.narrow(a, index[i], 1));
        return out;
    }

    /** Embedding lookup: weight [V, D], ids of shape idsShape → [idsShape..., D]. */
    public static Tensor embedding(Tensor weight, int[] ids, int... idsShape) {
        for (int id : ids)
            if (id < 0 || id >= weight.size(0))
                throw new IndexOutOfBoundsException("embedding: id " + id + " outside the table of " + weight.size(0) + " rows");
        if (weight.rank() != 2) throw new IllegalArgumentException("embedding: weight must be [V, D], got " + Shape.str(weight.shape()));
        if (Shape.numel(idsShape) != ids.length)
            throw new IllegalArgumentException("embedding: " + ids.length + " ids do not fill shape " + Shape.str(idsShape));
        int[] s = Arrays.copyOf(idsShape, idsShape.length + 1);
        s[idsShape.length] = weight.size(1);
        return indexSelect(weight, 0, ids).view(s);
    }

    /**
     * out[...i..] = x[...index[...i..]...] along {@code axis} (PyTorch gather): index has the shape of
     * the output and the same rank as x; other axes of index must not exceed x's.
     */
    public static Tensor gather(Tensor x, int axis, int[] index, int[] indexShape) {
        int a = Shape.axis("gather", axis, x.rank());
        if (indexShape.length != x.rank() || Shape.numel(indexShape) != index.length)
            throw new IllegalArgumentException("gather: index shape " + Shape.str(indexShape) + " does not match rank of " + Shape.str(x.shape()));
        for (int d = 0; d < indexShape.length; d++)
            if (d != a && indexShape[d] > x.size(d))
                throw new IllegalArgumentException("gather: index shape " + Shape.str(indexShape) + " exceeds " + Shape.str(x.shape()) + " on axis " + d);
        Tensor out = Tensor.empty(x.device(), x.dtype(), indexShape);
        if (!x.device().isCpu()) {
            for (int j : index)
                if (j < 0 || j >= x.size(a))
                    throw new IndexOutOfBoundsException("gather: index " + j + " out of range for axis " + a + " of " + Shape.str(x.shape()));
            Backends.device(x.device()).gather(x, a, index, indexShape, out);
            return out;
        }
        int[] pos = new int[indexShape.length];
        for (int flat = 0; flat < index.length; flat++) {
            int rem = flat;
            for (int d = indexShape.length - 1; d >= 0; d--) { pos[d] = rem % indexShape[d]; rem /= indexShape[d]; }
            int j = index[flat];
            if (j < 0 || j >= x.size(a))
                throw new IndexOutOfBoundsException("gather: index " + j + " out of range for axis " + a + " of " + Shape.str(x.shape()));
            pos[a] = j;
            out.setFlat(flat, x.get(pos));
        }
        return out;
    }

    /**
     * The adjoint of {@link #gather} on a device: g [indexShape] scattered back (repeats add) into [xShape].
     * The CPU path of autograd keeps its own host loop.
     */
    public static Tensor gatherBackward(Tensor g, int axis, int[] index, int[] indexShape, int[] xShape) {
        Tensor dx = Tensor.empty(g.device(), g.dtype(), xShape);
        Backends.device(g.device()).gatherBackward(g.contiguous(), axis, index, indexShape, dx);
        return dx;
    }

    /**
     * The mean of the k largest values along the last axis: x [..., n] → [...] (AttrVR's class score). On a device one
     * kernel, the selection recomputed from x by its backward ({@link #topkMeanBackward}); on the CPU, and as the
     * device kernel's twin, the composition {@code topk(x, k, last, true).values().mean(last)}.
     */
    public static Tensor topkMean(Tensor x, int k) {
        int last = x.rank() - 1, n = x.size(last);
        if (k < 1 || k > n) throw new IllegalArgumentException("topkMean: k = " + k + " out of range for " + Shape.str(x.shape()));
        if (x.device().isCpu()) return topk(x, k, last, true).values().mean(new int[]{last}, false);
        int[] outShape = java.util.Arrays.copyOf(x.shape(), last);
        Tensor xc = x.contiguous(), out = Tensor.empty(x.device(), x.dtype(), outShape);
        Backends.device(x.device()).topkMeanRows(xc, xc.numel() / n, n, k, out);
        return out;
    }

    /** The gradient of {@link #topkMean} on a device: dx [..., n] = g/k at each row's top k, 0 elsewhere (g [...]). */
    public static Tensor topkMeanBackward(Tensor x, int k, Tensor g) {
        int n = x.size(x.rank() - 1);
        Tensor xc = x.contiguous(), dx = Tensor.empty(x.device(), x.dtype(), x.shape());
        Backends.device(x.device()).topkMeanBackwardRows(xc, g.contiguous(), xc.numel() / n, n, k, dx);
        return dx;
    }

    /** The k largest (or smallest) values along an axis, sorted, with their indices (ties: lower index first). */
    public record TopK(Tensor values, int[] indices, int[] shape) {}

    public static TopK topk(Tensor x, int k, int axis, boolean largest) {
        int a = Shape.axis("topk", axis, x.rank());
        int n = x.size(a);
        if (k < 0 || k > n) throw new IllegalArgumentException("topk: k = " + k + " out of range for axis " + a + " of " + Shape.str(x.shape()));
        int last = x.rank() - 1;
        Tensor xt = (a == last ? x : x.transpose(a, last)).contiguous();
        int rows = n == 0 ? 0 : xt.numel() / n;
        int[] ts = xt.shape();
        ts[last] = k;
        Tensor vals = Tensor.empty(x.dtype(), ts);
        int[] idx = new int[rows * k];
        Integer[] order = new Integer[n];
        double[] row = new double[n];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < n; j++) { row[j] = xt.getFlat(r * n + j); order[j] = j; }
            Arrays.sort(order, (p, q) -> {
                int c = largest ? Double.compare(row[q], row[p]) : Double.compare(row[p], row[q]);
                return c != 0 ? c : Integer.compare(p, q);
            });
            for (int j = 0; j < k; j++) { idx[r * k + j] = order[j]; vals.setFlat(r * k + j, row[order[j]]); }
        }
        if (a == last) return new TopK(vals, idx, ts);
        // move the k axis back to its place (indices too)
        Tensor v = vals.transpose(a, last).contiguous();
        int[] shape = v.shape();
        int[] back = new int[idx.length];
        Tensor ix = Tensor.of(Arrays.stream(idx).asDoubleStream().toArray(), ts).transpose(a, last).contiguous();
        for (int i = 0; i < back.length; i++) back[i] = (int) ix.getFlat(i);
        return new TopK(v, back, shape);
    }
}
