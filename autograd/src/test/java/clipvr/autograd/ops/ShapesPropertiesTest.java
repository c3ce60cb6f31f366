package clipvr.autograd.ops;

import clipvr.tensor.Tensor;
import net.jqwik.api.*;

import java.util.Arrays;
import java.util.SplittableRandom;

import static clipvr.autograd.Generators.*;

/**
 * Gradient properties of the view ops in {@link Shapes}. Each view's adjoint is checked on random
 * shapes and random axes (negative axes included); GradCheck's random output weights make every
 * element of the view count separately, so a misplaced gradient element fails.
 */
class ShapesPropertiesTest {

    @Provide Arbitrary<int[]> shapes() { return clipvr.autograd.Generators.shapes(1, 4, 4, 60); }
    @Provide Arbitrary<Long> seeds() { return clipvr.autograd.Generators.seeds(); }

    /** A random shape with the same element count: the prime factors of numel regrouped, plus stray 1s, one dim maybe -1. */
    static int[] reshapeTarget(int numel, SplittableRandom r) {
        java.util.List<Integer> f = new java.util.ArrayList<>();
        int n = numel;
        for (int p = 2; n > 1; p++) while (n % p == 0) { f.add(p); n /= p; }
        java.util.Collections.shuffle(f, new java.util.Random(r.nextLong()));
        java.util.List<Integer> dims = new java.util.ArrayList<>();
        int acc = 1;
        for (int x : f) { acc *= x; if (r.nextBoolean()) { dims.add(acc); acc = 1; } }
        if (acc > 1 || dims.isEmpty()) dims.add(acc);
        if (r.nextInt(3) == 0) dims.add(r.nextInt(dims.size() + 1), 1);
        int[] s = dims.stream().mapToInt(Integer::intValue).toArray();
        if (r.nextBoolean()) s[r.nextInt(s.length)] = -1;
        return s;
    }

    @Property(tries = 60, seed = "601")
    void reshape(@ForAll("shapes") int[] s, @ForAll("seeds") long seed, @ForAll boolean fromTransposed) {
        int[] target = reshapeTarget(clipvr.tensor.Shape.numel(s), new SplittableRandom(seed));
        // from a transposed (non-contiguous) view the reshape must copy; from a contiguous one it is a view
        assertGrad("reshape " + Arrays.toString(target), v -> (fromTransposed ? v.getFirst().transpose(0, -1) : v.getFirst()).reshape(target),
                uniform(seed, -2, 2, s));
    }

    static int[] randomPerm(int rank, SplittableRandom r) {
        int[] p = new int[rank];
        for (int i = 0; i < rank; i++) p[i] = i;
        for (int i = rank - 1; i > 0; i--) { int j = r.nextInt(i + 1); int t = p[i]; p[i] = p[j]; p[j] = t; }
        for (int i = 0; i < rank; i++) if (r.nextInt(3) == 0) p[i] -= rank;   // some written negative
        return p;
    }

    @Property(tries = 60, seed = "602")
    void permute(@ForAll("shapes") int[] s, @ForAll("seeds") long seed) {
        int[] perm = randomPerm(s.length, new SplittableRandom(seed));
        assertGrad("permute " + Arrays.toString(perm), v -> Shapes.permute(v.getFirst(), perm), uniform(seed, -2, 2, s));
    }

    @Property(tries = 60, seed = "603")
    void transpose(@ForAll("shapes") int[] s, @ForAll("seeds") long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int a = r.nextInt(-s.length, s.length), b = r.nextInt(-s.length, s.length);
        assertGrad("transpose(" + a + ", " + b + ")", v -> Shapes.transpose(v.getFirst(), a, b), uniform(seed, -2, 2, s));
    }

    @Property(tries = 60, seed = "604")
    void narrow(@ForAll("shapes") int[] s, @ForAll("seeds") long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int axis = r.nextInt(-s.length, s.length);
        int n = s[axis < 0 ? axis + s.length : axis];
        int start = r.nextInt(n), length = 1 + r.nextInt(n - start);
        assertGrad("narrow(" + axis + ", " + start + ", " + length + ")",
                v -> Shapes.narrow(v.getFirst(), axis, start, length), uniform(seed, -2, 2, s));
    }

    @Property(tries = 60, seed = "605")
    void select(@ForAll("shapes") int[] s, @ForAll("seeds") long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int axis = r.nextInt(-s.length, s.length);
        int index = r.nextInt(s[axis < 0 ? axis + s.length : axis]);
        assertGrad("select(" + axis + ", " + index + ")", v -> Shapes.select(v.getFirst(), axis, index), uniform(seed, -2, 2, s));
    }

    /** expand: new leading axes plus size-1 axes broadcast; the adjoint sums them back. */
    @Property(tries = 60, seed = "606")
    void expand(@ForAll("shapes") int[] s0, @ForAll("seeds") long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] s = s0.clone();
        for (int d = 0; d < s.length; d++) if (r.nextInt(3) == 0) s[d] = 1;
        int lead = r.nextInt(2);
        int[] target = new int[lead + s.length];
        for (int d = 0; d < lead; d++) target[d] = 2;
        for (int d = 0; d < s.length; d++) target[lead + d] = s[d] == 1 ? 1 + r.nextInt(3) : (r.nextBoolean() ? -1 : s[d]);
        assertGrad("expand " + Arrays.toString(target), v -> Shapes.expand(v.getFirst(), target), uniform(seed, -2, 2, s));
    }

    /** squeeze of an inserted size-1 axis (any position, negative or not). */
    @Property(tries = 40, seed = "607")
    void squeeze(@ForAll("shapes") int[] s0, @ForAll("seeds") long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int pos = r.nextInt(s0.length + 1);
        int[] s = new int[s0.length + 1];
        for (int i = 0, j = 0; i < s.length; i++) s[i] = i == pos ? 1 : s0[j++];
        int axis = r.nextBoolean() ? pos : pos - s.length;
        assertGrad("squeeze(" + axis + ")", v -> Shapes.squeeze(v.getFirst(), axis), uniform(seed, -2, 2, s));
    }

    @Property(tries = 40, seed = "608")
    void unsqueeze(@ForAll("shapes") int[] s, @ForAll("seeds") long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int axis = r.nextInt(-s.length - 1, s.length + 1);
        assertGrad("unsqueeze(" + axis + ")", v -> Shapes.unsqueeze(v.getFirst(), axis), uniform(seed, -2, 2, s));
    }

    /** Views of views: a chain of random view ops ending in an elementwise product so gradients meet strided layouts. */
    @Property(tries = 40, seed = "609")
    void viewChains(@ForAll("shapes") int[] s, @ForAll("seeds") long seed) {
        int[] perm = randomPerm(s.length, new SplittableRandom(seed));
        Tensor x = uniform(seed, -2, 2, s);
        assertGrad("view chain", v -> {
            var p = v.getFirst().permute(perm);                     // strided
            var q = p.unsqueeze(0).narrow(-1, 0, p.size(-1));       // still strided
            return q.mul(q.exp()).reshape(-1);                      // elementwise on strided, then flatten
        }, x);
    }
}
