package clipvr.autograd.ops;

import clipvr.autograd.Var;
import net.jqwik.api.*;

import java.util.SplittableRandom;

import static clipvr.autograd.Generators.*;

/** Gradient properties of softmax, log-softmax (any axis) and layer norm (with and without affine parameters). */
class NormsPropertiesTest {

    @Provide Arbitrary<int[]> shapes() { return clipvr.autograd.Generators.shapes(1, 4, 5, 60); }
    @Provide Arbitrary<Long> seeds() { return clipvr.autograd.Generators.seeds(); }

    @Property(tries = 60, seed = "401")
    void softmax(@ForAll("shapes") int[] s, @ForAll("seeds") long seed) {
        int axis = new SplittableRandom(seed).nextInt(-s.length, s.length);
        Layout lx = layout(s, seed + 17);
        assertGrad("on " + lx + ": softmax(" + axis + ")", v -> Norms.softmax(lx.apply(v.getFirst()), axis), uniform(seed, -3, 3, lx.stored()));
    }

    @Property(tries = 60, seed = "402")
    void logSoftmax(@ForAll("shapes") int[] s, @ForAll("seeds") long seed) {
        int axis = new SplittableRandom(seed).nextInt(-s.length, s.length);
        Layout lx = layout(s, seed + 17);
        assertGrad("on " + lx + ": logSoftmax(" + axis + ")", v -> Norms.logSoftmax(lx.apply(v.getFirst()), axis), uniform(seed, -3, 3, lx.stored()));
    }

    /**
     * layerNorm over the last axis (size ≥ 2 so the variance is not identically 0), with weight and bias
     * each present or absent, all inputs checked or a random subset (the rest frozen).
     */
    @Property(tries = 80, seed = "403")
    void layerNorm(@ForAll("shapes") int[] s0, @ForAll("seeds") long seed,
                   @ForAll boolean withWeight, @ForAll boolean withBias) {
        int[] s = s0.clone();
        if (s[s.length - 1] < 2) s[s.length - 1] = 2;
        int d = s[s.length - 1];
        SplittableRandom r = new SplittableRandom(seed);
        boolean[] wrt = {true, withWeight && r.nextBoolean(), withBias && r.nextBoolean()};
        if (r.nextInt(3) == 0 && (wrt[1] || wrt[2])) wrt[0] = false;   // sometimes: gradient only for the parameters
        Layout lx = layout(s, seed + 17);
        clipvr.tensor.Tensor x = uniform(seed, -2, 2, lx.stored());
        clipvr.tensor.Tensor w = uniform(seed + 1, 0.5, 1.5, d), b = uniform(seed + 2, -1, 1, d);
        assertGrad("layerNorm(weight=" + withWeight + ", bias=" + withBias + ") on " + lx, v -> Norms.layerNorm(lx.apply(v.get(0)),
                        withWeight ? v.get(1) : null, withBias ? v.get(2) : null, 1e-5),
                wrt, x, w, b);
    }

    /** A [D] vector (rank 1, no row axes) with both affine parameters trainable. */
    @Example
    void layerNormOfAVector() {
        assertGrad("layerNorm rank 1", v -> Norms.layerNorm(v.get(0), v.get(1), v.get(2), 1e-5),
                uniform(1, -2, 2, 5), uniform(2, 0.5, 1.5, 5), uniform(3, -1, 1, 5));
    }

    /** The fluent Var methods for these ops. */
    @Example
    void fluent() {
        assertGrad("fluent norms", v -> {
            Var x = v.get(0);
            return x.layerNorm(v.get(1), v.get(2), 1e-5).softmax(-1).add(x.logSoftmax(0)).var(new int[]{1}, true, false);
        }, uniform(4, -2, 2, 3, 4), uniform(5, 0.5, 1.5, 4), uniform(6, -1, 1, 4));
    }
}
