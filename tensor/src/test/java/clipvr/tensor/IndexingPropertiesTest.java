package clipvr.tensor;

import clipvr.tensor.ops.Indexing;
import net.jqwik.api.*;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static clipvr.tensor.PropertySupport.*;
import static org.junit.jupiter.api.Assertions.*;

/** pad, cat/stack, indexSelect, embedding, gather and topk against index loops written in the test. */
class IndexingPropertiesTest {

    @Provide Arbitrary<int[]> shapes() { return PropertySupport.shapes(1, 3, 0, 4); }

    @Provide Arbitrary<int[]> nonEmpty() { return PropertySupport.shapes(1, 3, 1, 5); }

    @Property(tries = 150, seed = "401")
    void padPlacesTheInputAndFillsTheRest(@ForAll("shapes") int[] shape, @ForAll long seed, @ForAll boolean strided) {
        var rng = new SplittableRandom(seed);
        int r = shape.length;
        int[] before = new int[r], after = new int[r], out = new int[r];
        for (int d = 0; d < r; d++) { before[d] = rng.nextInt(3); after[d] = rng.nextInt(3); out[d] = shape[d] + before[d] + after[d]; }
        double value = rng.nextInt(-3, 4);
        double[] xv = gaussians(rng, numel(shape), 1), want = new double[numel(out)];
        for (int i = 0; i < want.length; i++) {
            int[] idx = unravel(i, out);
            boolean inside = true;
            for (int d = 0; d < r; d++) { idx[d] -= before[d]; inside &= idx[d] >= 0 && idx[d] < shape[d]; }
            want[i] = inside ? xv[ravel(idx, shape)] : value;
        }
        for (DType dt : DType.values()) {
            Tensor got = Indexing.pad(tensor(dt, xv, shape, strided, rng), before, after, value);
            assertShape("pad", out, got);
            assertClose("pad " + Arrays.toString(shape) + " " + dt, want, got.toDoubleArray(), dt == DType.F64 ? 0 : 1e-6, 1e-7);
        }
    }

    @Property(tries = 150, seed = "402")
    void catConcatenatesAlongTheAxis(@ForAll("nonEmpty") int[] shape, @ForAll @IntRange(min = 0, max = 5) int axisPick,
                                     @ForAll @IntRange(min = 1, max = 3) int parts, @ForAll boolean strided, @ForAll long seed) {
        var rng = new SplittableRandom(seed);
        int r = shape.length, axis = axisPick % r;
        List<Tensor> xs = new ArrayList<>();
        List<double[]> vals = new ArrayList<>();
        int[] offsets = new int[parts + 1];
        for (int k = 0; k < parts; k++) {
            int[] s = shape.clone();
            s[axis] = rng.nextInt(4);                     // 0..3 along the axis, including empty parts
            double[] v = gaussians(rng, numel(s), 1);
            xs.add(tensor(DType.F64, v, s, strided, rng));
            vals.add(v);
            offsets[k + 1] = offsets[k] + s[axis];
        }
        int[] out = shape.clone();
        out[axis] = offsets[parts];
        double[] want = new double[numel(out)];
        for (int i = 0; i < want.length; i++) {
            int[] idx = unravel(i, out);
            int k = 0;
            while (idx[axis] >= offsets[k + 1]) k++;
            int[] s = xs.get(k).shape();
            idx[axis] -= offsets[k];
            want[i] = vals.get(k)[ravel(idx, s)];
        }
        Tensor got = Indexing.cat(xs, axisPick >= r ? axis - r : axis);
        assertShape("cat", out, got);
        assertArrayEquals(want, got.toDoubleArray(), 0.0, "cat along " + axis);
    }

    @Property(tries = 150, seed = "403")
    void stackInsertsANewAxis(@ForAll("shapes") int[] shape, @ForAll @IntRange(min = 0, max = 7) int axisPick,
                              @ForAll @IntRange(min = 1, max = 3) int parts, @ForAll boolean strided, @ForAll long seed) {
        var rng = new SplittableRandom(seed);
        int r = shape.length, axis = axisPick % (r + 1);
        List<Tensor> xs = new ArrayList<>();
        List<double[]> vals = new ArrayList<>();
        for (int k = 0; k < parts; k++) {
            double[] v = gaussians(rng, numel(shape), 1);
            vals.add(v);
            xs.add(tensor(DType.F32, v, shape, strided, rng));
        }
        int[] out = new int[r + 1];
        for (int d = 0, j = 0; d <= r; d++) out[d] = d == axis ? parts : shape[j++];
        double[] want = new double[numel(out)];
        for (int i = 0; i < want.length; i++) {
            int[] idx = unravel(i, out), inner = new int[r];
            for (int d = 0, j = 0; d <= r; d++) if (d != axis) inner[j++] = idx[d];
            want[i] = (float) vals.get(idx[axis])[ravel(inner, shape)];
        }
        Tensor got = Indexing.stack(xs, axisPick > r ? axis - r - 1 : axis);
        assertShape("stack", out, got);
        assertArrayEquals(want, got.toDoubleArray(), 0.0, "stack at " + axis);
    }

    @Property(tries = 150, seed = "404")
    void indexSelectAndEmbeddingPickRows(@ForAll("nonEmpty") int[] shape, @ForAll @IntRange(min = 0, max = 5) int axisPick,
                                         @ForAll @IntRange(min = 0, max = 6) int count, @ForAll boolean strided, @ForAll long seed) {
        var rng = new SplittableRandom(seed);
        int r = shape.length, axis = axisPick % r;
        int[] index = new int[count];
        for (int i = 0; i < count; i++) index[i] = rng.nextInt(shape[axis]);     // repeats allowed
        double[] xv = gaussians(rng, numel(shape), 1);
        int[] out = shape.clone();
        out[axis] = count;
        double[] want = new double[numel(out)];
        for (int i = 0; i < want.length; i++) {
            int[] idx = unravel(i, out);
            idx[axis] = index[idx[axis]];
            want[i] = xv[ravel(idx, shape)];
        }
        Tensor got = Indexing.indexSelect(tensor(DType.F64, xv, shape, strided, rng), axisPick >= r ? axis - r : axis, index);
        assertShape("indexSelect", out, got);
        assertArrayEquals(want, got.toDoubleArray(), 0.0, "indexSelect");

        // embedding: weight [V, D], ids of any shape → [ids..., D]
        int v = 1 + rng.nextInt(5), dim = 1 + rng.nextInt(4);
        int[] idsShape = Arrays.copyOf(shape, Math.min(r, 2));
        int[] ids = new int[numel(idsShape)];
        for (int i = 0; i < ids.length; i++) ids[i] = rng.nextInt(v);
        double[] wv = gaussians(rng, v * dim, 1), emb = new double[ids.length * dim];
        for (int i = 0; i < ids.length; i++) for (int j = 0; j < dim; j++) emb[i * dim + j] = wv[ids[i] * dim + j];
        Tensor e = Indexing.embedding(tensor(DType.F64, wv, new int[]{v, dim}, strided, rng), ids, idsShape);
        int[] es = Arrays.copyOf(idsShape, idsShape.length + 1);
        es[idsShape.length] = dim;
        assertShape("embedding", es, e);
        assertArrayEquals(emb, e.toDoubleArray(), 0.0, "embedding");
    }

    @Property(tries = 150, seed = "405")
    void gatherReadsAlongTheAxis(@ForAll("nonEmpty") int[] shape, @ForAll @IntRange(min = 0, max = 5) int axisPick,
                                 @ForAll boolean strided, @ForAll long seed) {
        var rng = new SplittableRandom(seed);
        int r = shape.length, axis = axisPick % r;
        int[] is = new int[r];
        for (int d = 0; d < r; d++) is[d] = d == axis ? rng.nextInt(5) : 1 + rng.nextInt(shape[d]);   // other axes ≤ x's
        int[] index = new int[numel(is)];
        for (int i = 0; i < index.length; i++) index[i] = rng.nextInt(shape[axis]);
        double[] xv = gaussians(rng, numel(shape), 1), want = new double[index.length];
        for (int i = 0; i < index.length; i++) {
            int[] idx = unravel(i, is);
            idx[axis] = index[i];
            want[i] = xv[ravel(idx, shape)];
        }
        Tensor got = Indexing.gather(tensor(DType.F64, xv, shape, strided, rng), axisPick >= r ? axis - r : axis, index, is);
        assertShape("gather", is, got);
        assertArrayEquals(want, got.toDoubleArray(), 0.0, "gather");
    }

    @Property(tries = 150, seed = "406")
    void topkIsSortedWithTiesToTheLowerIndex(@ForAll("nonEmpty") int[] shape, @ForAll @IntRange(min = 0, max = 5) int axisPick,
                                             @ForAll @IntRange(min = 0, max = 5) int kPick, @ForAll boolean largest,
                                             @ForAll boolean strided, @ForAll long seed) {
        var rng = new SplittableRandom(seed);
        int r = shape.length, axis = axisPick % r, n = shape[axis], k = kPick % (n + 1);
        double[] xv = smallInts(rng, numel(shape), 2);             // many ties
        int[] out = shape.clone();
        out[axis] = k;
        double[] wantV = new double[numel(out)];
        int[] wantI = new int[numel(out)];
        // selection: k times, take the best not yet taken, scanning upwards so ties go to the lower index
        for (int o = 0; o < numel(out); o++) {
            int[] idx = unravel(o, out);
            boolean[] taken = new boolean[n];
            int bestJ = -1;
            for (int step = 0; step <= idx[axis]; step++) {
                bestJ = -1;
                for (int j = 0; j < n; j++) {
                    if (taken[j]) continue;
                    idx[axis] = j;
                    double v = xv[ravel(idx, shape)];
                    if (bestJ < 0) { bestJ = j; continue; }
                    idx[axis] = bestJ;
                    double b = xv[ravel(idx, shape)];
                    if (largest ? v > b : v < b) bestJ = j;
                }
                taken[bestJ] = true;
                idx = unravel(o, out);
            }
            idx[axis] = bestJ;
            wantV[o] = xv[ravel(idx, shape)];
            wantI[o] = bestJ;
        }
        var tk = Indexing.topk(tensor(DType.F64, xv, shape, strided, rng), k, axisPick >= r ? axis - r : axis, largest);
        assertShape("topk", out, tk.values());
        assertArrayEquals(out, tk.shape());
        assertArrayEquals(wantV, tk.values().toDoubleArray(), 0.0, "topk values");
        assertArrayEquals(wantI, tk.indices(), "topk indices");
    }
}
