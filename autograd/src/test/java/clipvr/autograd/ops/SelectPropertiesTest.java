package clipvr.autograd.ops;

import clipvr.autograd.Var;
import clipvr.tensor.Tensor;
import net.jqwik.api.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static clipvr.autograd.Generators.*;

/** Gradient properties of cat, stack, pad and the indexing ops (repeated indices accumulate). */
class SelectPropertiesTest {

    @Provide Arbitrary<int[]> shapes() { return clipvr.autograd.Generators.shapes(1, 3, 4, 36); }
    @Provide Arbitrary<Long> seeds() { return clipvr.autograd.Generators.seeds(); }

    /** cat of 2–3 tensors that differ along the axis; a random subset requires grad. */
    @Property(tries = 60, seed = "701")
    void cat(@ForAll("shapes") int[] s, @ForAll("seeds") long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int axis = r.nextInt(-s.length, s.length), a = axis < 0 ? axis + s.length : axis;
        int count = 2 + r.nextInt(2);
        Tensor[] xs = new Tensor[count];
        boolean[] wrt = new boolean[count];
        for (int i = 0; i < count; i++) {
            int[] si = s.clone();
            si[a] = 1 + r.nextInt(3);
            xs[i] = uniform(seed + i, -2, 2, si);
            wrt[i] = r.nextInt(4) != 0;
        }
        wrt[r.nextInt(count)] = true;
        assertGrad("cat(" + axis + ")", v -> Select.cat(v, axis), wrt, xs);
    }

    @Property(tries = 60, seed = "702")
    void stack(@ForAll("shapes") int[] s, @ForAll("seeds") long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int axis = r.nextInt(-s.length - 1, s.length + 1);
        int count = 2 + r.nextInt(2);
        Tensor[] xs = new Tensor[count];
        boolean[] wrt = new boolean[count];
        for (int i = 0; i < count; i++) { xs[i] = uniform(seed + i, -2, 2, s); wrt[i] = r.nextBoolean(); }
        wrt[r.nextInt(count)] = true;
        assertGrad("stack(" + axis + ")", v -> Select.stack(v, axis), wrt, xs);
    }

    @Property(tries = 60, seed = "703")
    void pad(@ForAll("shapes") int[] s, @ForAll("seeds") long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] before = new int[s.length], after = new int[s.length];
        for (int d = 0; d < s.length; d++) { before[d] = r.nextInt(3); after[d] = r.nextInt(3); }
        double value = r.nextDouble(-1, 1);
        Layout lx = layout(s, seed + 17);
        assertGrad("on " + lx + ": pad " + Arrays.toString(before) + " " + Arrays.toString(after),
                v -> Select.pad(lx.apply(v.getFirst()), before, after, value), uniform(seed, -2, 2, lx.stored()));
    }

    /** Random indices along a random axis, always with at least one repeat (whose gradients must add up). */
    @Property(tries = 60, seed = "704")
    void indexSelect(@ForAll("shapes") int[] s, @ForAll("seeds") long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int axis = r.nextInt(-s.length, s.length), n = s[axis < 0 ? axis + s.length : axis];
        int[] index = new int[2 + r.nextInt(4)];
        for (int i = 0; i < index.length; i++) index[i] = r.nextInt(n);
        index[index.length - 1] = index[0];                      // a repeat by construction
        Layout lx = layout(s, seed + 17);
        assertGrad("on " + lx + ": indexSelect(" + axis + ", " + Arrays.toString(index) + ")",
                v -> Select.indexSelect(lx.apply(v.getFirst()), axis, index), uniform(seed, -2, 2, lx.stored()));
    }

    /** embedding weight [V, D] looked up at ids of rank 1 or 2 with repeats. */
    @Property(tries = 60, seed = "705")
    void embedding(@ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 6) int vocab,
                   @ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 4) int dim,
                   @ForAll("seeds") long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] idsShape = r.nextBoolean() ? new int[]{1 + r.nextInt(5)} : new int[]{1 + r.nextInt(3), 2};
        int[] ids = new int[clipvr.tensor.Shape.numel(idsShape)];
        for (int i = 0; i < ids.length; i++) ids[i] = r.nextInt(vocab);
        ids[ids.length - 1] = ids[0];
        assertGrad("embedding " + Arrays.toString(ids), v -> Select.embedding(v.getFirst(), ids, idsShape),
                uniform(seed, -2, 2, vocab, dim));
    }

    /** gather: index of x's rank, each non-axis dim ≤ x's, the axis dim any size; repeats allowed. */
    @Property(tries = 60, seed = "706")
    void gather(@ForAll("shapes") int[] s, @ForAll("seeds") long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int axis = r.nextInt(-s.length, s.length), a = axis < 0 ? axis + s.length : axis;
        int[] is = new int[s.length];
        for (int d = 0; d < s.length; d++) is[d] = d == a ? 1 + r.nextInt(4) : 1 + r.nextInt(s[d]);
        int[] index = new int[clipvr.tensor.Shape.numel(is)];
        for (int i = 0; i < index.length; i++) index[i] = r.nextInt(s[a]);
        Layout lx = layout(s, seed + 17);
        assertGrad("on " + lx + ": gather(" + axis + ") index " + Arrays.toString(is), v -> Select.gather(lx.apply(v.getFirst()), axis, index, is),
                uniform(seed, -2, 2, lx.stored()));
    }

    /**
     * topk selects by order, so it is differentiable only without ties: all values are distinct and
     * ≥ 0.08 apart. Convention on ties (not exercised here): the lower index is taken first.
     */
    @Property(tries = 60, seed = "707")
    void topk(@ForAll("shapes") int[] s, @ForAll("seeds") long seed, @ForAll boolean largest) {
        SplittableRandom r = new SplittableRandom(seed);
        int axis = r.nextInt(-s.length, s.length), n = s[axis < 0 ? axis + s.length : axis];
        int k = 1 + r.nextInt(n);
        Layout lx = layout(s, seed + 17);
        assertGrad("on " + lx + ": topk(k=" + k + ", axis=" + axis + ", largest=" + largest + ")",
                v -> Select.topk(lx.apply(v.getFirst()), k, axis, largest), distinct(seed, lx.stored()));
    }

    /** topk's values are the sorted extremes (so the gradient above is routed to the right elements). */
    @Example
    void topkValues() {
        Tensor x = Tensor.of(new double[]{0.3, -1, 2, 0.5, 7, -3}, 2, 3);
        Var top = Select.topk(Var.constant(x), 2, 1, true);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[]{2, 0.3, 7, 0.5}, top.data().toDoubleArray());
        Var bottom = Select.topk(Var.constant(x), 1, 0, false);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[]{0.3, -1, -3}, bottom.data().toDoubleArray());
    }

    static List<Var> list(Var... v) { return new ArrayList<>(Arrays.asList(v)); }
}
