package clipvr.tensor;

import clipvr.tensor.ConvPoolPropertiesTest.Problem;
import clipvr.tensor.ops.Convolution;
import clipvr.tensor.ops.Pooling;
import clipvr.tensor.ops.Resampling;
import clipvr.tensor.ops.Views;
import clipvr.tensor.ops.Windows;
import net.jqwik.api.*;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;
import java.util.SplittableRandom;

import static clipvr.tensor.PropertySupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Laws that hold whatever the implementation: transpose of a product, softmax normalisation and shift
 * invariance, layer-norm moments, view/reshape/permute round trips, broadcasting shape rules, and the adjoint
 * identities ⟨F(x), y⟩ = ⟨x, Fᵀ(y)⟩ that make every backward pass built from sumTo / scatterAdd /
 * interpolateBackward correct (checked in float64 to 1e-12 relative to Σ|terms|).
 */
class AlgebraicLawsPropertiesTest {

    /** |⟨a, b⟩ − ⟨c, d⟩| ≤ 1e-12·(Σ|a·b| + Σ|c·d|): both sides are the same bilinear form summed differently. */
    static void assertAdjoint(String what, double[] fx, double[] y, double[] x, double[] fty) {
        double lhs = dot(fx, y), rhs = dot(x, fty), scale = 0;
        for (int i = 0; i < fx.length; i++) scale += Math.abs(fx[i] * y[i]);
        for (int i = 0; i < x.length; i++) scale += Math.abs(x[i] * fty[i]);
        assertEquals(lhs, rhs, 1e-12 * (1 + scale), what + ": <F x, y> = " + lhs + " but <x, F^T y> = " + rhs);
    }

    // ------------------------------------------------------------------ matmul

    @Property(tries = 150, seed = "701")
    void transposeOfAProductIsTheProductOfTransposes(@ForAll @IntRange(min = 0, max = 3) int batch, @ForAll @IntRange(min = 1, max = 9) int m,
                                                     @ForAll @IntRange(min = 1, max = 9) int k, @ForAll @IntRange(min = 1, max = 9) int n,
                                                     @ForAll DType dt, @ForAll long seed) {
        var rng = new SplittableRandom(seed);
        int[] as = batch == 0 ? new int[]{m, k} : new int[]{batch, m, k}, bs = new int[]{k, n};
        Tensor a = Tensor.of(gaussians(rng, numel(as), 1), as).to(dt), b = Tensor.of(gaussians(rng, numel(bs), 1), bs).to(dt);
        double[] lhs = a.matmul(b).mT().toDoubleArray(), rhs = b.mT().matmul(a.mT()).toDoubleArray();
        double[] bound = a.abs().matmul(b.abs()).mT().toDoubleArray();      // |A||B|, the scale of the rounding error
        double rel = dt == DType.F64 ? 1e-12 : 4 * (k + 2) * U32;
        assertClose("(AB)^T vs B^T A^T " + dt, lhs, rhs, (i, e) -> rel * bound[i]);
    }

    // ------------------------------------------------------------------ softmax, layer norm

    @Property(tries = 150, seed = "702")
    void softmaxSumsToOneIsShiftInvariantAndLogSoftmaxIsItsLog(@ForAll("shapes") int[] shape, @ForAll @IntRange(min = 0, max = 3) int axisPick,
                                                               @ForAll DType dt, @ForAll long seed) {
        var rng = new SplittableRandom(seed);
        int axis = axisPick % shape.length, n = shape[axis];
        Tensor x = Tensor.of(gaussians(rng, numel(shape), 3), shape).to(dt);
        int[] cs = shape.clone();
        cs[axis] = 1;
        Tensor shift = Tensor.of(gaussians(rng, numel(cs), 50), cs).to(dt);   // one constant per softmax row
        Tensor s = x.softmax(axis);
        // float32: the normalising sum has relative error ≤ γ_d with d ≤ n/16 + 16 + n mod 16 (see SimdKernelsPropertiesTest)
        double tol = dt == DType.F64 ? 1e-13 * n : (n + 20) * U32 * 2;
        double[] ones = new double[numel(cs)];
        Arrays.fill(ones, 1.0);
        assertClose("softmax sums to 1", ones, s.sum(axis, true).toDoubleArray(), tol, 0);
        // shifting a row by c changes x_j − max by the rounding of c only: relative u·|c| in float64 / float32
        double shiftTol = dt == DType.F64 ? 1e-12 : 2e-4;
        assertClose("softmax(x + c) = softmax(x)", s.toDoubleArray(), x.add(shift).softmax(axis).toDoubleArray(), 1e-30, shiftTol);
        assertClose("logSoftmax = log(softmax)", s.log().toDoubleArray(), x.logSoftmax(axis).toDoubleArray(),
                dt == DType.F64 ? 1e-12 : 1e-5, dt == DType.F64 ? 1e-12 : 1e-5);
    }

    @Provide Arbitrary<int[]> shapes() { return PropertySupport.shapes(1, 3, 1, 7); }

    @Property(tries = 150, seed = "703")
    void layerNormRowsHaveMeanZeroAndVarianceOne(@ForAll("shapes") int[] shape, @ForAll long seed) {
        var rng = new SplittableRandom(seed);
        shape[shape.length - 1] += 1;                       // at least 2 values per row
        double[] xv = gaussians(rng, numel(shape), 4);
        for (int i = 0; i < xv.length; i++) xv[i] += 10;
        Tensor y = Tensor.of(xv, shape).layerNorm(null, null, 0.0);
        int last = shape.length - 1;
        int[] rs = shape.clone();
        rs[last] = 1;
        assertClose("row means", new double[numel(rs)], y.mean(last, true).toDoubleArray(), 1e-12, 0);
        double[] ones = new double[numel(rs)];
        Arrays.fill(ones, 1.0);
        assertClose("row variances (biased)", ones, y.var(new int[]{last}, false, true).toDoubleArray(), 1e-10, 0);
    }

    // ------------------------------------------------------------------ views

    @Provide Arbitrary<int[]> viewShapes() { return PropertySupport.shapes(0, 4, 1, 4); }

    @Property(tries = 200, seed = "704")
    void permuteThenInversePermuteIsTheIdentityView(@ForAll("viewShapes") int[] shape, @ForAll long seed) {
        var rng = new SplittableRandom(seed);
        Tensor x = randomLayout(DType.F64, gaussians(rng, numel(shape), 1), shape, rng);
        int[] p = randomPermutation(rng, shape.length);
        Tensor px = x.permute(p), back = px.permute(inversePermutation(p));
        for (int i = 0; i < p.length; i++) assertEquals(shape[p[i]], px.shape()[i], "permuted shape");
        assertArrayEquals(x.shape(), back.shape());
        assertArrayEquals(x.strides(), back.strides());
        assertEquals(x.offset(), back.offset());
        assertSame(x.storage(), back.storage());
        assertSame(x.storage(), px.storage());
        assertArrayEquals(x.toDoubleArray(), back.toDoubleArray(), 0.0);
    }

    @Property(tries = 200, seed = "705")
    void reshapeIsAViewWhenTheLayoutAllowsItAndACopyOtherwise(@ForAll("viewShapes") int[] shape, @ForAll boolean contiguous,
                                                              @ForAll long seed) {
        var rng = new SplittableRandom(seed);
        double[] v = gaussians(rng, numel(shape), 1);       // distinct values: equal value ⇔ same element
        Tensor x = contiguous ? Tensor.of(v.clone(), shape) : randomLayout(DType.F64, v, shape, rng);
        int[] target = regroup(shape, rng);
        Tensor r = x.reshape(target);
        assertArrayEquals(target, r.shape());
        assertArrayEquals(v, r.toDoubleArray(), 0.0, "reshape keeps row-major order");
        if (Views.viewStrides(x.shape(), x.strides(), target) != null) {
            assertSame(x.storage(), r.storage(), "reshape of a viewable layout must not copy");
            assertArrayEquals(v, x.view(target).toDoubleArray(), 0.0);
        } else {
            assertNotSame(x.storage(), r.storage(), "reshape of a non-viewable layout copies");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.view(target));
            assertTrue(e.getMessage().startsWith("view:"), e.getMessage());
        }
        if (contiguous) assertSame(x.storage(), r.storage(), "reshape of a contiguous tensor is a view");
    }

    /** A random new shape with the same number of elements: the factors of the old dims, regrouped. */
    static int[] regroup(int[] shape, SplittableRandom rng) {
        java.util.List<Integer> f = new java.util.ArrayList<>();
        for (int d : shape) for (int q = 2; d > 1; ) { if (d % q == 0) { f.add(q); d /= q; } else q++; }
        java.util.Collections.shuffle(f, new java.util.Random(rng.nextLong()));
        java.util.List<Integer> out = new java.util.ArrayList<>();
        for (int q : f) if (!out.isEmpty() && rng.nextBoolean()) out.set(out.size() - 1, out.getLast() * q); else out.add(q);
        if (rng.nextBoolean()) out.add(rng.nextInt(out.size() + 1), 1);
        return ints(out);
    }

    @Example void viewOfATransposeThrowsAndReshapeCopies() {
        Tensor x = Tensor.of(new double[]{1, 2, 3, 4, 5, 6}, 2, 3), t = x.mT();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.view(6));
        assertTrue(e.getMessage().contains("[3, 2]") && e.getMessage().contains("reshape"), e.getMessage());
        Tensor r = t.reshape(6);
        assertNotSame(x.storage(), r.storage());
        assertArrayEquals(new double[]{1, 4, 2, 5, 3, 6}, r.toDoubleArray());
    }

    // ------------------------------------------------------------------ broadcasting shapes

    @Property(tries = 300, seed = "706")
    void broadcastShapeRule(@ForAll("smallShapes") int[] a, @ForAll("smallShapes") int[] b) {
        int[] want = expectedBroadcast(a, b);
        if (want == null) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shape.broadcast("myop", a, b));
            String msg = e.getMessage();
            assertTrue(msg.contains("myop") && msg.contains(Arrays.toString(a)) && msg.contains(Arrays.toString(b)), msg);
            assertThrows(IllegalArgumentException.class, () -> Shape.broadcast("myop", b, a));
        } else {
            assertArrayEquals(want, Shape.broadcast("myop", a, b));
            assertArrayEquals(want, Shape.broadcast("myop", b, a), "commutative");
            for (int i = 0; i < want.length; i++) {
                int da = i - (want.length - a.length) >= 0 ? a[i - (want.length - a.length)] : 1;
                int db = i - (want.length - b.length) >= 0 ? b[i - (want.length - b.length)] : 1;
                assertEquals(Math.max(da, db), want[i], "dims are the max of the two (sizes 0/1 aside)");
            }
        }
    }

    @Provide Arbitrary<int[]> smallShapes() { return PropertySupport.shapes(0, 4, 1, 3); }

    // ------------------------------------------------------------------ adjoints

    @Property(tries = 200, seed = "707")
    void sumToIsTheAdjointOfExpand(@ForAll("pairs") ShapePair p, @ForAll long seed) {
        var rng = new SplittableRandom(seed);
        int[] big = expectedBroadcast(p.a(), p.b());
        double[] x = gaussians(rng, numel(p.a()), 1), y = gaussians(rng, numel(big), 1);
        double[] ex = Tensor.of(x, p.a()).expand(big).toDoubleArray();
        double[] sy = Tensor.of(y, big).sumTo(p.a()).toDoubleArray();
        assertAdjoint("expand/sumTo " + p, ex, y, x, sy);
    }

    @Provide Arbitrary<ShapePair> pairs() { return broadcastPairs(4, 4); }

    @Provide Arbitrary<Problem> problems() { return ConvPoolPropertiesTest.problemArbitrary(); }

    @Property(tries = 150, seed = "708")
    void scatterAddIsTheAdjointOfTheWindowView(@ForAll("problems") Problem p, @ForAll long seed) {
        var rng = new SplittableRandom(seed);
        var g = p.g();
        double[] x = gaussians(rng, numel(p.xShape()), 1);
        Tensor win = Windows.view(Windows.padded(Tensor.of(x, p.xShape()), g, 0.0), g);    // [N, C, Ho, Wo, kh, kw]
        double[] w = gaussians(rng, win.numel(), 1);
        Tensor back = Windows.scatterAdd(Tensor.of(w, win.shape()), p.xShape(), g);
        assertShape("scatterAdd", p.xShape(), back);
        assertAdjoint("window/scatterAdd " + p, win.toDoubleArray(), w, x, back.toDoubleArray());
    }

    @Property(tries = 100, seed = "709")
    void convAndAvgPoolBackwardsAreAdjoints(@ForAll("problems") Problem p, @ForAll @IntRange(min = 1, max = 3) int o, @ForAll long seed) {
        var rng = new SplittableRandom(seed);
        var g = p.g();
        int[] ws = {o, p.c(), g.kh(), g.kw()}, os = {p.n(), o, p.ho(), p.wo()}, ps = {p.n(), p.c(), p.ho(), p.wo()};
        double[] x = gaussians(rng, numel(p.xShape()), 1), w = gaussians(rng, numel(ws), 1), gy = gaussians(rng, numel(os), 1);
        Tensor xt = Tensor.of(x, p.xShape()), wt = Tensor.of(w, ws), gt = Tensor.of(gy, os);
        double[] y = Convolution.conv2d(xt, wt, null, g).toDoubleArray();
        // conv is bilinear: linear in x for fixed W, and in W for fixed x
        assertAdjoint("conv2d / backwardInput " + p, y, gy, x, Convolution.conv2dBackwardInput(gt, wt, p.xShape(), g).toDoubleArray());
        assertAdjoint("conv2d / backwardWeight " + p, y, gy, w, Convolution.conv2dBackwardWeight(gt, xt, ws, g).toDoubleArray());
        double[] gp = gaussians(rng, numel(ps), 1);
        assertAdjoint("avgPool2d / backward " + p, Pooling.avgPool2d(xt, g).toDoubleArray(), gp, x,
                Pooling.avgPool2dBackward(Tensor.of(gp, ps), p.xShape(), g).toDoubleArray());
    }

    @Property(tries = 150, seed = "710")
    void interpolateBackwardIsTheAdjointOfInterpolate(@ForAll Resampling.Mode mode, @ForAll @IntRange(min = 1, max = 9) int h,
                                                      @ForAll @IntRange(min = 1, max = 9) int w, @ForAll @IntRange(min = 1, max = 12) int ho,
                                                      @ForAll @IntRange(min = 1, max = 12) int wo, @ForAll long seed) {
        var rng = new SplittableRandom(seed);
        double[] x = gaussians(rng, 2 * h * w, 1), gy = gaussians(rng, 2 * ho * wo, 1);
        double[] y = Resampling.interpolate(Tensor.of(x, 2, h, w), ho, wo, mode).toDoubleArray();
        Tensor gx = Resampling.interpolateBackward(Tensor.of(gy, 2, ho, wo), h, w, mode);
        assertShape("interpolateBackward", new int[]{2, h, w}, gx);
        assertAdjoint(mode + " " + h + "x" + w + " -> " + ho + "x" + wo, y, gy, x, gx.toDoubleArray());
    }
}
