package clipvr.tensor;

import clipvr.tensor.ops.Normalization;
import net.jqwik.api.*;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static clipvr.tensor.PropertySupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Broadcasting arithmetic, reductions, softmax and layer norm against loops over indices written in the test.
 * float64 results must agree to ~1e-12 (different summation order only); float32 broadcasting arithmetic
 * must agree bit for bit with the same operation done in float (one correctly rounded op per element).
 */
class BroadcastReducePropertiesTest {

    @Provide Arbitrary<ShapePair> pairs() { return broadcastPairs(4, 4); }

    enum Arith { ADD, SUB, MUL, DIV }

    static double arith(Arith op, double a, double b) {
        return switch (op) { case ADD -> a + b; case SUB -> a - b; case MUL -> a * b; case DIV -> a / b; };
    }

    static float arith(Arith op, float a, float b) {
        return switch (op) { case ADD -> a + b; case SUB -> a - b; case MUL -> a * b; case DIV -> a / b; };
    }

    static Tensor apply(Arith op, Tensor a, Tensor b) {
        return switch (op) { case ADD -> a.add(b); case SUB -> a.sub(b); case MUL -> a.mul(b); case DIV -> a.div(b); };
    }

    @Property(tries = 300, seed = "201")
    void broadcastingArithmeticMatchesLoops(@ForAll("pairs") ShapePair p, @ForAll Arith op, @ForAll boolean strided,
                                            @ForAll long seed) {
        var rng = new SplittableRandom(seed);
        double[] av = gaussians(rng, numel(p.a()), 1), bv = gaussians(rng, numel(p.b()), 1);
        int[] out = expectedBroadcast(p.a(), p.b());
        for (DType dt : DType.values()) {
            Tensor c = apply(op, tensor(dt, av, p.a(), strided, rng), tensor(dt, bv, p.b(), strided, rng));
            assertShape(op + " " + p, out, c);
            assertEquals(dt, c.dtype());
            double[] got = c.toDoubleArray();
            for (int i = 0; i < got.length; i++) {
                int[] idx = unravel(i, out);
                double x = av[broadcastFlat(idx, p.a())], y = bv[broadcastFlat(idx, p.b())];
                double want = dt == DType.F64 ? arith(op, x, y) : arith(op, (float) x, (float) y);
                assertEquals(want, got[i], 0.0, op + " " + p + " " + dt + " at " + Arrays.toString(idx));
            }
        }
    }

    // ------------------------------------------------------------------ reductions

    /** Output index of an input index when {@code red} axes are reduced. */
    static int reducedFlat(int[] idx, int[] shape, boolean[] red, boolean keepdim) {
        int flat = 0;
        for (int d = 0; d < shape.length; d++) {
            if (red[d] && !keepdim) continue;
            flat = flat * (red[d] ? 1 : shape[d]) + (red[d] ? 0 : idx[d]);
        }
        return flat;
    }

    static int[] reducedShape(int[] shape, boolean[] red, boolean keepdim) {
        return Arrays.stream(range(shape.length)).filter(d -> keepdim || !red[d]).map(d -> red[d] ? 1 : shape[d]).toArray();
    }

    static int[] range(int n) { int[] r = new int[n]; for (int i = 0; i < n; i++) r[i] = i; return r; }

    @Property(tries = 300, seed = "202")
    void sumMeanVarOverAxisSubsetsMatchLoops(@ForAll("reduceShapes") int[] shape, @ForAll long maskBits, @ForAll boolean keepdim,
                                            @ForAll boolean strided, @ForAll boolean negativeAxes, @ForAll long seed) {
        var rng = new SplittableRandom(seed);
        int r = shape.length;
        boolean[] red = new boolean[r];
        int count = 0;
        for (int d = 0; d < r; d++) if (((maskBits >>> d) & 1) != 0) { red[d] = true; count++; }
        int[] axes = new int[count];
        for (int d = 0, j = 0; d < r; d++) if (red[d]) axes[j++] = negativeAxes ? d - r : d;
        if (count == 0) Arrays.fill(red, true);          // an empty axis list means "all axes"
        double[] xv = gaussians(rng, numel(shape), 1);
        Tensor x = tensor(DType.F64, xv, shape, strided, rng);
        int[] os = reducedShape(shape, red, keepdim);
        int on = numel(os), n = 1;
        for (int d = 0; d < r; d++) if (red[d]) n *= shape[d];
        double[] sum = new double[on], abs = new double[on];
        for (int i = 0; i < xv.length; i++) {
            int o = reducedFlat(unravel(i, shape), shape, red, keepdim);
            sum[o] += xv[i];
            abs[o] += Math.abs(xv[i]);
        }
        double[] mean = new double[on], ss = new double[on];
        for (int o = 0; o < on; o++) mean[o] = sum[o] / n;
        for (int i = 0; i < xv.length; i++) {
            int o = reducedFlat(unravel(i, shape), shape, red, keepdim);
            ss[o] += (xv[i] - mean[o]) * (xv[i] - mean[o]);
        }
        String what = Arrays.toString(shape) + " axes " + Arrays.toString(axes) + " keepdim " + keepdim;
        Tensor s = x.sum(axes, keepdim), m = x.mean(axes, keepdim);
        assertShape("sum " + what, os, s);
        assertShape("mean " + what, os, m);
        assertClose("sum " + what, sum, s.toDoubleArray(), (i, e) -> 1e-13 * (1 + abs[i]));
        assertClose("mean " + what, mean, m.toDoubleArray(), (i, e) -> 1e-13 * (1 + abs[i]));
        for (boolean unbiased : new boolean[]{true, false}) {
            double[] var = new double[on];
            for (int o = 0; o < on; o++) var[o] = (unbiased ? n - 1 : n) <= 0 ? Double.NaN : ss[o] / (unbiased ? n - 1 : n);   // NaN, as PyTorch
            Tensor v = x.var(axes, unbiased, keepdim);
            assertShape("var " + what, os, v);
            assertClose("var(unbiased=" + unbiased + ") " + what, var, v.toDoubleArray(), 1e-12, 1e-12);
        }
    }

    @Provide Arbitrary<int[]> reduceShapes() { return shapes(1, 4, 0, 5); }

    @Property(tries = 200, seed = "203")
    void maxAndArgmaxMatchLoopsWithTiesToFirstIndex(@ForAll("nonEmptyShapes") int[] shape, @ForAll @IntRange(min = 0, max = 7) int axisPick,
                                                  @ForAll boolean keepdim, @ForAll boolean strided, @ForAll long seed) {
        var rng = new SplittableRandom(seed);
        int r = shape.length, axis = axisPick % r;
        double[] xv = smallInts(rng, numel(shape), 2);          // many ties
        for (DType dt : DType.values()) {
            Tensor x = tensor(dt, xv, shape, strided, rng);
            boolean[] red = new boolean[r];
            red[axis] = true;
            int[] os = reducedShape(shape, red, keepdim);
            double[] max = new double[numel(os)];
            int[] arg = new int[numel(os)];
            Arrays.fill(max, Double.NEGATIVE_INFINITY);
            for (int i = 0; i < xv.length; i++) {
                int[] idx = unravel(i, shape);
                int o = reducedFlat(idx, shape, red, keepdim);
                if (xv[i] > max[o]) { max[o] = xv[i]; arg[o] = idx[axis]; }   // strict: the first maximum wins
            }
            Tensor m = x.max(axis - (axisPick >= r ? r : 0), keepdim);
            assertShape("max", os, m);
            assertArrayEquals(max, m.toDoubleArray(), 0.0, "max " + Arrays.toString(shape) + " axis " + axis + " " + dt);
            assertArrayEquals(arg, x.argmax(axis), "argmax " + Arrays.toString(shape) + " axis " + axis + " " + dt);
        }
    }

    @Provide Arbitrary<int[]> nonEmptyShapes() { return shapes(1, 4, 1, 5); }

    // ------------------------------------------------------------------ softmax and layer norm

    @Property(tries = 200, seed = "204")
    void softmaxAndLogSoftmaxOverAnyAxisMatchLoops(@ForAll("reduceShapes") int[] shape, @ForAll @IntRange(min = 0, max = 7) int axisPick,
                                                   @ForAll boolean strided, @ForAll long seed) {
        var rng = new SplittableRandom(seed);
        int r = shape.length, axis = axisPick % r;
        double[] xv = gaussians(rng, numel(shape), 3);
        Tensor x = tensor(DType.F64, xv, shape, strided, rng);
        boolean[] red = new boolean[r];
        red[axis] = true;
        int on = numel(reducedShape(shape, red, true));
        double[] max = new double[on], sum = new double[on];
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < xv.length; i++) { int o = reducedFlat(unravel(i, shape), shape, red, true); max[o] = Math.max(max[o], xv[i]); }
        for (int i = 0; i < xv.length; i++) { int o = reducedFlat(unravel(i, shape), shape, red, true); sum[o] += Math.exp(xv[i] - max[o]); }
        double[] soft = new double[xv.length], logSoft = new double[xv.length];
        for (int i = 0; i < xv.length; i++) {
            int o = reducedFlat(unravel(i, shape), shape, red, true);
            soft[i] = Math.exp(xv[i] - max[o]) / sum[o];
            logSoft[i] = xv[i] - max[o] - Math.log(sum[o]);
        }
        int ax = axisPick >= r ? axis - r : axis;      // negative axes too
        Tensor s = x.softmax(ax), ls = x.logSoftmax(ax);
        assertShape("softmax", shape, s);
        assertClose("softmax " + Arrays.toString(shape) + " axis " + ax, soft, s.toDoubleArray(), 1e-15, 1e-12);
        assertClose("logSoftmax " + Arrays.toString(shape) + " axis " + ax, logSoft, ls.toDoubleArray(), 1e-12, 1e-12);
    }

    @Property(tries = 200, seed = "205")
    void layerNormMatchesLoops(@ForAll("layerNormShapes") int[] shape, @ForAll boolean withWeight, @ForAll boolean withBias,
                               @ForAll boolean strided, @ForAll long seed) {
        var rng = new SplittableRandom(seed);
        int n = shape[shape.length - 1], rows = numel(shape) / n;
        double[] xv = gaussians(rng, numel(shape), 2), wv = gaussians(rng, n, 1), bv = gaussians(rng, n, 1);
        for (int i = 0; i < xv.length; i++) xv[i] += 5;     // an offset, so a missing mean subtraction shows
        double eps = 1e-5;
        double[] want = new double[xv.length], mean = new double[rows], rstd = new double[rows];
        for (int row = 0; row < rows; row++) {
            double mu = 0, var = 0;
            for (int j = 0; j < n; j++) mu += xv[row * n + j];
            mu /= n;
            for (int j = 0; j < n; j++) var += (xv[row * n + j] - mu) * (xv[row * n + j] - mu);
            var /= n;                                       // biased, as PyTorch's layer_norm
            mean[row] = mu;
            rstd[row] = 1 / Math.sqrt(var + eps);
            for (int j = 0; j < n; j++)
                want[row * n + j] = (xv[row * n + j] - mu) * rstd[row] * (withWeight ? wv[j] : 1) + (withBias ? bv[j] : 0);
        }
        Tensor x = tensor(DType.F64, xv, shape, strided, rng);
        var res = Normalization.layerNorm(x, withWeight ? Tensor.of(wv, n) : null, withBias ? Tensor.of(bv, n) : null, eps);
        assertShape("layerNorm", shape, res.out());
        assertShape("layerNorm mean", Arrays.copyOf(shape, shape.length - 1), res.mean());
        assertClose("layerNorm " + Arrays.toString(shape), want, res.out().toDoubleArray(), 1e-11, 1e-11);
        assertClose("layerNorm mean", mean, res.mean().toDoubleArray(), 1e-12, 1e-12);
        assertClose("layerNorm rstd", rstd, res.rstd().toDoubleArray(), 1e-12, 1e-11);
    }

    @Provide Arbitrary<int[]> layerNormShapes() { return shapes(1, 3, 1, 6).map(s -> { s[s.length - 1] = s[s.length - 1] * 3 + 1; return s; }); }

    // ------------------------------------------------------------------ sumTo (used by every broadcasting backward)

    @Property(tries = 200, seed = "206")
    void sumToSumsBroadcastAxesAway(@ForAll("pairs") ShapePair p, @ForAll long seed) {
        var rng = new SplittableRandom(seed);
        int[] big = expectedBroadcast(p.a(), p.b());
        double[] yv = gaussians(rng, numel(big), 1);
        double[] want = new double[numel(p.a())];
        for (int i = 0; i < yv.length; i++) want[broadcastFlat(unravel(i, big), p.a())] += yv[i];
        Tensor s = Tensor.of(yv, big).sumTo(p.a());
        assertShape("sumTo " + p, p.a(), s);
        assertClose("sumTo " + p, want, s.toDoubleArray(), 1e-12, 1e-12);
    }

    @Example void reductionsOfEmptyAxes() {
        Tensor e = Tensor.zeros(DType.F64, 2, 0, 3);
        assertArrayEquals(new double[6], e.sum(1, false).toDoubleArray());          // sum of nothing is 0
        assertTrue(Double.isNaN(e.mean(1, false).toDoubleArray()[0]));             // 0/0, as PyTorch
        assertThrows(IllegalArgumentException.class, () -> e.max(1, false));
        assertThrows(IllegalArgumentException.class, () -> e.argmax(1));
        assertEquals(List.of(2, 3), Arrays.stream(e.sum(1, false).shape()).boxed().toList());
    }
}
