package clipvr.autograd.ops;

import clipvr.autograd.Var;
import clipvr.tensor.Tensor;
import net.jqwik.api.*;

import static clipvr.autograd.Generators.*;

/**
 * Gradient properties of the broadcasting arithmetic in {@link Arithmetic}: random broadcast-compatible
 * shapes (scalars, size-1 axes, dropped leading axes on either side), random float64 values, and a
 * random subset of the operands requiring grad (the rest are frozen constants).
 */
class ArithmeticPropertiesTest {

    @Provide Arbitrary<int[][]> pairs() { return broadcastPair(4, 4, 48); }
    @Provide Arbitrary<Long> seeds() { return clipvr.autograd.Generators.seeds(); }
    @Provide Arbitrary<boolean[]> masks2() { return wrtMasks(2); }
    @Provide Arbitrary<int[]> shapes() { return clipvr.autograd.Generators.shapes(0, 4, 4, 60); }

    @Property(tries = 80, seed = "101")
    void add(@ForAll("pairs") int[][] s, @ForAll("seeds") long seed, @ForAll("masks2") boolean[] wrt) {
        Layout la = layout(s[0], seed), lb = layout(s[1], seed + 1);
        assertGrad("add " + la + ", " + lb, v -> Arithmetic.add(la.apply(v.get(0)), lb.apply(v.get(1))), wrt,
                uniform(seed, -2, 2, la.stored()), uniform(seed + 1, -2, 2, lb.stored()));
    }

    @Property(tries = 80, seed = "102")
    void sub(@ForAll("pairs") int[][] s, @ForAll("seeds") long seed, @ForAll("masks2") boolean[] wrt) {
        Layout la = layout(s[0], seed), lb = layout(s[1], seed + 1);
        assertGrad("sub " + la + ", " + lb, v -> Arithmetic.sub(la.apply(v.get(0)), lb.apply(v.get(1))), wrt,
                uniform(seed, -2, 2, la.stored()), uniform(seed + 1, -2, 2, lb.stored()));
    }

    @Property(tries = 80, seed = "103")
    void mul(@ForAll("pairs") int[][] s, @ForAll("seeds") long seed, @ForAll("masks2") boolean[] wrt) {
        Layout la = layout(s[0], seed), lb = layout(s[1], seed + 1);
        assertGrad("mul " + la + ", " + lb, v -> Arithmetic.mul(la.apply(v.get(0)), lb.apply(v.get(1))), wrt,
                uniform(seed, -2, 2, la.stored()), uniform(seed + 1, -2, 2, lb.stored()));
    }

    /** The denominator is kept at |b| ≥ 0.3 (1/b has a pole at 0). */
    @Property(tries = 80, seed = "104")
    void div(@ForAll("pairs") int[][] s, @ForAll("seeds") long seed, @ForAll("masks2") boolean[] wrt) {
        Layout la = layout(s[0], seed), lb = layout(s[1], seed + 1);
        assertGrad("div " + la + ", " + lb, v -> Arithmetic.div(la.apply(v.get(0)), lb.apply(v.get(1))), wrt,
                uniform(seed, -2, 2, la.stored()), awayFromZero(seed + 1, 0.3, 2, lb.stored()));
    }

    @Property(tries = 40, seed = "105")
    void addScalar(@ForAll("shapes") int[] s, @ForAll("seeds") long seed,
                   @ForAll @net.jqwik.api.constraints.DoubleRange(min = -5, max = 5) double c) {
        assertGrad("addScalar", v -> Arithmetic.addScalar(v.get(0), c), uniform(seed, -2, 2, s));
    }

    @Property(tries = 40, seed = "106")
    void scale(@ForAll("shapes") int[] s, @ForAll("seeds") long seed,
               @ForAll @net.jqwik.api.constraints.DoubleRange(min = -5, max = 5) double c) {
        assertGrad("scale", v -> Arithmetic.scale(v.get(0), c), uniform(seed, -2, 2, s));
    }

    /** a^p for real p needs a > 0: bases are drawn from [0.3, 2]. */
    @Property(tries = 60, seed = "107")
    void powScalar(@ForAll("shapes") int[] s, @ForAll("seeds") long seed,
                   @ForAll("exponents") double p) {
        assertGrad("pow(" + p + ")", v -> Arithmetic.powScalar(v.get(0), p), uniform(seed, 0.3, 2, s));
    }

    @Provide Arbitrary<Double> exponents() { return Arbitraries.of(-2.0, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0, 3.0, 2.7); }

    /**
     * clamp has kinks at lo and hi: values are kept ≥ 0.05 away from both. Convention at the kinks:
     * the gradient is 1 strictly inside (lo, hi) and 0 outside and exactly at a bound (PyTorch differs
     * here: its mask is lo ≤ x ≤ hi, so it passes the gradient at a bound).
     */
    @Property(tries = 60, seed = "108")
    void clamp(@ForAll("shapes") int[] s, @ForAll("seeds") long seed,
               @ForAll @net.jqwik.api.constraints.DoubleRange(min = -1.5, max = 0.5) double lo,
               @ForAll @net.jqwik.api.constraints.DoubleRange(min = 0.2, max = 2) double width) {
        double hi = lo + width;
        assertGrad("clamp", v -> Arithmetic.clamp(v.get(0), lo, hi),
                avoiding(seed, -2.5, 2.5, new double[]{lo, hi}, 0.05, s));
    }

    /** where with a constant 0/1 mask broadcast against both branches (and sometimes wider than both). */
    @Property(tries = 80, seed = "109")
    void where(@ForAll("pairs") int[][] s, @ForAll("seeds") long seed, @ForAll("masks2") boolean[] wrt) {
        // the mask takes the shape of one operand with some axes collapsed to 1: all three broadcast
        int[] ms = s[seed % 2 == 0 ? 0 : 1].clone();
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int d = 0; d < ms.length; d++) if (r.nextInt(3) == 0) ms[d] = 1;
        if (r.nextInt(3) == 0) {                           // sometimes the mask alone adds a leading axis
            int rank = Math.max(s[0].length, s[1].length);   // [2, 1.., ms...] of rank max + 1
            int[] wider = new int[rank + 1];
            java.util.Arrays.fill(wider, 1);
            wider[0] = 2;
            System.arraycopy(ms, 0, wider, rank + 1 - ms.length, ms.length);
            ms = wider;
        }
        Tensor cond = uniform(seed + 7, 0, 1, ms);
        for (int i = 0; i < cond.numel(); i++) cond.setFlat(i, cond.getFlat(i) < 0.5 ? 0 : 1);
        assertGrad("where", v -> Arithmetic.where(cond, v.get(0), v.get(1)), wrt,
                uniform(seed, -2, 2, s[0]), uniform(seed + 1, -2, 2, s[1]));
    }

    /** The fluent Var API is wired to these ops: a small expression through it. */
    @Property(tries = 20, seed = "110")
    void fluentExpression(@ForAll("pairs") int[][] s, @ForAll("seeds") long seed) {
        assertGrad("fluent", v -> {
            Var a = v.get(0), b = v.get(1);
            return a.mul(b).sub(b.neg()).add(a.add(0.5).mul(3.0)).div(b.mul(b).add(1.0));
        }, uniform(seed, -2, 2, s[0]), uniform(seed + 1, -2, 2, s[1]));
    }
}
