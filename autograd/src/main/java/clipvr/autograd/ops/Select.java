package clipvr.autograd.ops;

import clipvr.autograd.Var;
import clipvr.tensor.DType;
import clipvr.tensor.Shape;
import clipvr.tensor.Tensor;
import clipvr.tensor.kernels.CpuBackend;
import clipvr.tensor.ops.Indexing;

import java.util.List;

/** Concatenation, padding and indexing; backward passes scatter the gradient back to the source positions. */
public final class Select {
    private Select() {}

    /** z = cat(xs, axis);  each input gets its slice of g. */
    public static Var cat(List<Var> xs, int axis) {
        int a = Shape.axis("cat", axis, xs.getFirst().rank());
        Tensor out = Indexing.cat(xs.stream().map(Var::data).toList(), a);
        Var.Node[] nodes = xs.stream().map(Var::node).toArray(Var.Node[]::new);
        int[] sizes = xs.stream().mapToInt(x -> x.size(a)).toArray();
        return Var.result(out, "cat", g -> {
            int at = 0;
            for (int i = 0; i < nodes.length; i++) {
                if (nodes[i].requiresGrad()) nodes[i].accumulate(g.narrow(a, at, sizes[i]));
                at += sizes[i];
            }
        }, xs.toArray(new Var[0]));
    }

    public static Var stack(List<Var> xs, int axis) {
        int a = axis < 0 ? axis + xs.getFirst().rank() + 1 : axis;
        return cat(xs.stream().map(x -> x.unsqueeze(a)).toList(), a);
    }

    /** Constant padding; the gradient is the interior slice of g. */
    public static Var pad(Var x, int[] before, int[] after, double value) {
        int[] s = x.shape();
        Var.Node nx = x.node();
        return Var.result(Indexing.pad(x.data(), before, after, value), "pad", g -> {
            Tensor inner = g;
            for (int d = 0; d < s.length; d++) inner = inner.narrow(d, before[d], s[d]);
            nx.accumulate(inner);
        }, x);
    }

    /** Rows of x along axis; the gradient adds each row of g back at its index (repeats accumulate). */
    public static Var indexSelect(Var x, int axis, int[] index) {
        int a = Shape.axis("indexSelect", axis, x.rank());
        Var.Node nx = x.node();
        int[] s = x.shape();
        return Var.result(Indexing.indexSelect(x.data(), a, index), "indexSelect", g -> {
            Tensor full = Tensor.zeros(g.device(), g.dtype(), s);
            if (a == 0 && g.device().isCpu() && g.dtype() == DType.F32 && !CpuBackend.REFERENCE) scatterRows(full, g.contiguous(), index);
            else for (int i = 0; i < index.length; i++) full.narrow(a, index[i], 1).addInPlace(g.narrow(a, i, 1), 1.0);
            nx.accumulateOwned(full);                      // a weight leaf keeps full itself, not a copy of it
        }, x);
    }

    /**
     * full[index[i], :] += g[i, :] for i = 0, 1, ... in order: the float additions of the loop over
     * {@code full.narrow(0, index[i], 1).addInPlace(g.narrow(0, i, 1), 1.0)} (an add with alpha 1 is y + x), on the
     * arrays, without a view and a kernel call per index. full and g are contiguous host float32 tensors.
     */
    static void scatterRows(Tensor full, Tensor g, int[] index) {
        float[] f = full.f32(), ga = g.f32();
        int fo = full.offset(), go = g.offset(), d = index.length == 0 ? 0 : g.numel() / index.length;
        for (int i = 0; i < index.length; i++) {
            int to = fo + index[i] * d, from = go + i * d;
            for (int j = 0; j < d; j++) f[to + j] += ga[from + j];
        }
    }

    /** Embedding lookup weight [V, D] at ids (shape idsShape) → [idsShape..., D]. */
    public static Var embedding(Var weight, int[] ids, int... idsShape) {
        int d = weight.size(1);
        int[] outShape = java.util.Arrays.copyOf(idsShape, idsShape.length + 1);
        outShape[idsShape.length] = d;
        return indexSelect(weight, 0, ids).reshape(outShape);
    }

    /** PyTorch gather along axis; the gradient is scattered back (repeats accumulate). */
    public static Var gather(Var x, int axis, int[] index, int[] indexShape) {
        int a = Shape.axis("gather", axis, x.rank());
        Var.Node nx = x.node();
        int[] s = x.shape();
        return Var.result(Indexing.gather(x.data(), a, index, indexShape), "gather", g -> {
            if (!g.device().isCpu()) {                     // a deterministic scatter-add kernel on the device
                nx.accumulateOwned(Indexing.gatherBackward(g, a, index, indexShape, s));
                return;
            }
            Tensor full = Tensor.zeros(g.dtype(), s);
            Tensor gc = g.contiguous();
            int[] pos = new int[indexShape.length];
            for (int flat = 0; flat < index.length; flat++) {
                int rem = flat;
                for (int dd = indexShape.length - 1; dd >= 0; dd--) { pos[dd] = rem % indexShape[dd]; rem /= indexShape[dd]; }
                pos[a] = index[flat];
                full.set(full.get(pos) + gc.getFlat(flat), pos);
            }
            nx.accumulateOwned(full);
        }, x);
    }

    /**
     * The mean of the k largest values along the last axis, x [..., n] → [...]. On the CPU exactly
     * {@code topk(x, k, last, true).mean(last)}; on a device one kernel each way (the backward recomputes the selection,
     * dx = g/k at the top k), so no indices leave the device.
     */
    public static Var topkMean(Var x, int k) {
        int last = x.rank() - 1;
        if (x.data().device().isCpu()) return topk(x, k, last, true).mean(new int[]{last}, false);
        Var.Node nx = x.node();
        Tensor xd = x.data();
        return Var.result(Indexing.topkMean(xd, k), "topkMean", g -> nx.accumulate(Indexing.topkMeanBackward(xd, k, g)), x);
    }

    /** The k largest (or smallest) values along axis, sorted; the gradient flows only to the selected elements. */
    public static Var topk(Var x, int k, int axis, boolean largest) {
        int a = Shape.axis("topk", axis, x.rank());
        Indexing.TopK t = Indexing.topk(x.data(), k, a, largest);
        return gather(x, a, t.indices(), t.shape());
    }
}
