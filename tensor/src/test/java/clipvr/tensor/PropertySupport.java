package clipvr.tensor;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Shared helpers for the property tests: row-major index arithmetic written out by hand (so expected
 * values never go through the library's stride code), tensors with arbitrary strided layouts, and
 * tolerance assertions that report the largest difference and where it occurred.
 */
public final class PropertySupport {
    private PropertySupport() {}

    /** Unit roundoff of float32: 2⁻²⁴. */
    public static final double U32 = 0x1p-24;

    // ------------------------------------------------------------------ index arithmetic

    public static int numel(int[] shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    /** Row-major multi-index of a flat position. */
    public static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }

    /** Row-major flat position of a multi-index. */
    public static int ravel(int[] idx, int[] shape) {
        int flat = 0;
        for (int d = 0; d < shape.length; d++) flat = flat * shape[d] + idx[d];
        return flat;
    }

    /** Flat position in an operand of shape {@code s} (right-aligned, size-1 axes broadcast) for an output index. */
    public static int broadcastFlat(int[] outIdx, int[] s) {
        int lead = outIdx.length - s.length, flat = 0;
        for (int d = 0; d < s.length; d++) flat = flat * s[d] + (s[d] == 1 ? 0 : outIdx[lead + d]);
        return flat;
    }

    public static int[] inversePermutation(int[] p) {
        int[] inv = new int[p.length];
        for (int i = 0; i < p.length; i++) inv[p[i]] = i;
        return inv;
    }

    public static int[] randomPermutation(SplittableRandom rng, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1), t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    // ------------------------------------------------------------------ shape generators

    public static int[] ints(List<Integer> l) { return l.stream().mapToInt(Integer::intValue).toArray(); }

    /** Shapes of rank minRank..maxRank with dims in [minDim, maxDim] (0 included only when minDim is 0, and rarely). */
    public static Arbitrary<int[]> shapes(int minRank, int maxRank, int minDim, int maxDim) {
        Arbitrary<Integer> dim = minDim > 0 ? Arbitraries.integers().between(minDim, maxDim)
                : Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(0)), Tuple.of(9, Arbitraries.integers().between(1, maxDim)));
        return dim.list().ofMinSize(minRank).ofMaxSize(maxRank).map(PropertySupport::ints);
    }

    /** Two shapes that broadcast together. */
    public record ShapePair(int[] a, int[] b) {
        @Override public String toString() { return Arrays.toString(a) + " with " + Arrays.toString(b); }
    }

    /**
     * Broadcast-compatible pairs: draw a full shape, then each operand keeps a random number of trailing axes
     * and turns a random subset of them into size 1 (so ranks differ and size-1 axes sit on either side).
     */
    public static Arbitrary<ShapePair> broadcastPairs(int maxRank, int maxDim) {
        return shapes(0, maxRank, 0, maxDim).flatMap(full -> {
            int r = full.length;
            Arbitrary<int[]> derived = Combinators.combine(Arbitraries.integers().between(0, r),
                    Arbitraries.of(true, false).list().ofSize(r)).as((rank, ones) -> {
                int[] s = new int[rank];
                for (int d = 0; d < rank; d++) s[d] = ones.get(r - rank + d) ? 1 : full[r - rank + d];
                return s;
            });
            return Combinators.combine(derived, derived).as(ShapePair::new);
        });
    }

    /** The broadcast shape, written out: right-align, equal sizes stay, a 1 takes the other size. */
    public static int[] expectedBroadcast(int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1;
            int db = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
            if (da != db && da != 1 && db != 1) return null;
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    // ------------------------------------------------------------------ data

    /** The tensor holding {@code values}: contiguous, or (when {@code strided}) with a random layout. */
    public static Tensor tensor(DType dtype, double[] values, int[] shape, boolean strided, SplittableRandom rng) {
        return strided ? randomLayout(dtype, values, shape, rng) : Tensor.of(values.clone(), shape).to(dtype);
    }

    public static double[] gaussians(SplittableRandom rng, int n, double scale) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = scale * gaussian(rng);
        return a;
    }

    public static double gaussian(SplittableRandom rng) {
        // Box–Muller, so the values depend only on the seed (SplittableRandom has no nextGaussian state)
        double u1 = 1.0 - rng.nextDouble(), u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** Small integers in [-r, r] as doubles: many ties, for max/argmax/topk tie-breaking. */
    public static double[] smallInts(SplittableRandom rng, int n, int r) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = rng.nextInt(-r, r + 1);
        return a;
    }

    /**
     * A tensor with the given logical row-major values but a random layout: axes stored in a random
     * memory order, random gaps between rows, a random storage offset; the unused storage holds NaN, so reading a
     * position outside the view poisons the result.
     */
    public static Tensor randomLayout(DType dtype, double[] values, int[] shape, SplittableRandom rng) {
        int r = shape.length;
        int[] order = randomPermutation(rng, r);          // order[0] is outermost in memory
        int[] strides = new int[r];
        long acc = 1;
        for (int i = r - 1; i >= 0; i--) {
            int d = order[i];
            strides[d] = (int) acc;
            int gap = rng.nextInt(3) == 0 ? 1 + rng.nextInt(2) : 0;
            acc *= Math.max(shape[d], 1) + gap;
        }
        int offset = rng.nextInt(3);
        int len = (int) (offset + acc + rng.nextInt(3));
        Storage st = Storage.allocate(dtype, len);
        Tensor t = Tensor.view(st, offset, shape, strides);
        switch (st) {                                       // garbage (NaN) wherever no element lives
            case Storage.Floats(float[] a) -> Arrays.fill(a, Float.NaN);
            case Storage.Doubles(double[] a) -> Arrays.fill(a, Double.NaN);
            case Storage.Buffer b -> throw new IllegalArgumentException("host tensors only");
        }
        for (int i = 0; i < values.length; i++) t.set(values[i], unravel(i, shape));
        return t;
    }

    // ------------------------------------------------------------------ assertions

    /** Tolerance as a function of the expected value at one position. */
    @FunctionalInterface
    public interface Tolerance { double at(int i, double expected); }

    /** |actual − expected| ≤ tol at every position (NaN must match NaN, ±∞ must match exactly). */
    public static void assertClose(String what, double[] expected, double[] actual, Tolerance tol) {
        if (expected.length != actual.length)
            fail(what + ": length " + actual.length + " != expected " + expected.length);
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            if (Double.isNaN(e) || Double.isNaN(a) || Double.isInfinite(e) || Double.isInfinite(a)) {
                if (Double.compare(e, a) != 0 && !(Double.isNaN(e) && Double.isNaN(a)))
                    fail(what + ": at " + i + " expected " + e + " got " + a);
                continue;
            }
            double d = Math.abs(a - e), t = tol.at(i, e);
            if (d > t && (at < 0 || d / t > worst)) { worst = d / t; at = i; }
        }
        if (at >= 0)
            fail(what + ": at " + at + " expected " + expected[at] + " got " + actual[at] + " (|diff| = "
                    + Math.abs(actual[at] - expected[at]) + " > tol " + tol.at(at, expected[at]) + ")");
    }

    public static void assertClose(String what, double[] expected, double[] actual, double atol, double rtol) {
        assertClose(what, expected, actual, (i, e) -> atol + rtol * Math.abs(e));
    }

    public static void assertClose(String what, double[] expected, Tensor actual, double atol, double rtol) {
        assertClose(what, expected, actual.toDoubleArray(), atol, rtol);
    }

    public static void assertShape(String what, int[] expected, Tensor t) {
        if (!Arrays.equals(expected, t.shape()))
            fail(what + ": shape " + Shape.str(t.shape()) + " expected " + Shape.str(expected));
    }

    /** Bitwise equality of two float arrays (all NaNs equal, +0 ≠ −0). */
    public static void assertBitwise(String what, float[] expected, float[] actual) {
        if (expected.length != actual.length) fail(what + ": length " + actual.length + " != " + expected.length);
        for (int i = 0; i < expected.length; i++)
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i]))
                fail(what + ": at " + i + " expected " + expected[i] + " got " + actual[i]);
    }

    public static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) if (Double.isFinite(v)) m = Math.max(m, Math.abs(v));
        return m;
    }

    public static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
