package clipvr.autograd;

import clipvr.tensor.DType;
import clipvr.tensor.Shape;
import clipvr.tensor.Tensor;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Shared generators for the gradient properties: shapes (with size-1 axes and broadcast partners),
 * float64 tensors whose values stay away from an op's non-differentiable points, and the assertion
 * that runs {@link GradCheck} and reports the failing op with its input shapes.
 *
 * <p>Values come from a seeded {@link SplittableRandom}; jqwik draws the seed and the shapes, so a
 * failing case is reproducible from the property's fixed seed and shrinks on shape.
 */
public final class Generators {
    private Generators() {}

    // ------------------------------------------------------------------ tensors from a seed

    /** Uniform values in [lo, hi). */
    public static Tensor uniform(long seed, double lo, double hi, int... shape) {
        return Tensor.uniform(DType.F64, new SplittableRandom(seed), lo, hi, shape);
    }

    /** |x| in [minAbs, maxAbs] with a random sign: keeps abs/relu/div away from 0. */
    public static Tensor awayFromZero(long seed, double minAbs, double maxAbs, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor t = Tensor.empty(DType.F64, shape);
        for (int i = 0; i < t.numel(); i++) {
            double m = minAbs + (maxAbs - minAbs) * r.nextDouble();
            t.setFlat(i, r.nextBoolean() ? m : -m);
        }
        return t;
    }

    /** Uniform in [lo, hi) but never within {@code margin} of any of {@code kinks} (rejection sampling). */
    public static Tensor avoiding(long seed, double lo, double hi, double[] kinks, double margin, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor t = Tensor.empty(DType.F64, shape);
        for (int i = 0; i < t.numel(); i++) {
            double v;
            boolean near;
            do {
                v = lo + (hi - lo) * r.nextDouble();
                near = false;
                for (double k : kinks) near |= Math.abs(v - k) < margin;
            } while (near);
            t.setFlat(i, v);
        }
        return t;
    }

    /**
     * All elements distinct and at least ~0.08 apart: a shuffled grid {0.1·i} plus jitter in [0, 0.02).
     * Max, top-k and max-pool are differentiable exactly when there are no ties, so this keeps every
     * finite-difference step (1e-6) from changing which element wins.
     */
    public static Tensor distinct(long seed, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = Shape.numel(shape);
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        for (int i = n - 1; i > 0; i--) { int j = r.nextInt(i + 1); int s = perm[i]; perm[i] = perm[j]; perm[j] = s; }
        Tensor t = Tensor.empty(DType.F64, shape);
        for (int i = 0; i < n; i++) t.setFlat(i, 0.1 * (perm[i] - n / 2.0) + 0.02 * r.nextDouble());
        return t;
    }

    // ------------------------------------------------------------------ arbitraries

    /** Seeds for value generation (no edge cases needed: any long is as good as any other). */
    public static Arbitrary<Long> seeds() { return Arbitraries.longs().withoutEdgeCases(); }

    /** Shapes of rank in [minRank, maxRank], dims in [1, maxDim], at most maxNumel elements (size-1 dims included). */
    public static Arbitrary<int[]> shapes(int minRank, int maxRank, int maxDim, int maxNumel) {
        return Arbitraries.integers().between(minRank, maxRank).flatMap(rank ->
                Arbitraries.integers().between(1, maxDim).array(int[].class).ofSize(rank))
                .filter(s -> Shape.numel(s) <= maxNumel);
    }

    /**
     * Two shapes that broadcast against each other: b is a copy of a with some axes set to 1 and some
     * leading axes dropped; with probability 1/2 the roles are swapped. Covers equal shapes, scalars
     * and size-1 axes on either side.
     */
    public static Arbitrary<int[][]> broadcastPair(int maxRank, int maxDim, int maxNumel) {
        return Combinators.combine(shapes(0, maxRank, maxDim, maxNumel), seeds()).as((a, seed) -> {
            SplittableRandom r = new SplittableRandom(seed);
            int drop = a.length == 0 ? 0 : r.nextInt(a.length + 1);
            int[] b = Arrays.copyOfRange(a, drop, a.length);
            for (int d = 0; d < b.length; d++) if (r.nextInt(3) == 0) b[d] = 1;
            return r.nextBoolean() ? new int[][]{a, b} : new int[][]{b, a};
        });
    }

    /** A requires-grad mask over n inputs with at least one true (checks ops with frozen operands). */
    public static Arbitrary<boolean[]> wrtMasks(int n) {
        return Arbitraries.integers().between(1, (1 << n) - 1).map(bits -> {
            boolean[] m = new boolean[n];
            for (int i = 0; i < n; i++) m[i] = (bits >> i & 1) == 1;
            return m;
        });
    }

    // ------------------------------------------------------------------ strided layouts

    /**
     * How a logical operand reaches an op: {@code stored} is the shape GradCheck perturbs, and
     * {@code toLogical} turns it into the logical shape by a view (permute, maybe after a narrow that
     * leaves an offset and a gap). GradCheck copies its inputs to contiguous tensors, so strided
     * operands must be made inside the checked function; the gradient then also flows through the view.
     */
    public record Layout(int[] stored, java.util.function.UnaryOperator<Var> toLogical, String name) {
        public Var apply(Var v) { return toLogical.apply(v); }
        @Override public String toString() { return name; }
    }

    /** Contiguous one time in three (and always for rank < 2), otherwise a random permuted, possibly narrowed, view. */
    public static Layout layout(int[] logical, long seed) {
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        int n = logical.length;
        if (n < 2 || r.nextInt(3) == 0) return new Layout(logical.clone(), v -> v, "contiguous");
        int[] q = new int[n];
        for (int i = 0; i < n; i++) q[i] = i;
        for (int i = n - 1; i > 0; i--) { int j = r.nextInt(i + 1); int t = q[i]; q[i] = q[j]; q[j] = t; }
        if (Arrays.equals(q, java.util.stream.IntStream.range(0, n).toArray())) { int t = q[0]; q[0] = q[n - 1]; q[n - 1] = t; }
        int[] permuted = new int[n];
        for (int i = 0; i < n; i++) permuted[q[i]] = logical[i];       // logical[i] = permuted[q[i]]
        boolean narrowed = r.nextBoolean();
        int[] stored = permuted.clone();
        if (narrowed) stored[0] += 1;                                    // one extra slice, cut off by narrow(0, 1, ·)
        int keep = permuted[0];
        String name = "permute" + Arrays.toString(q) + (narrowed ? " of narrow(0, 1, " + keep + ")" : "");
        return new Layout(stored, v -> (narrowed ? v.narrow(0, 1, keep) : v).permute(q), name);
    }

    // ------------------------------------------------------------------ the check

    public static final GradCheck.Options OPTIONS = GradCheck.Options.DEFAULT;

    /** Gradient check of every input. */
    public static void assertGrad(String op, Function<List<Var>, Var> f, Tensor... inputs) {
        boolean[] all = new boolean[inputs.length];
        Arrays.fill(all, true);
        assertGrad(op, f, all, OPTIONS, inputs);
    }

    /** Gradient check of the inputs flagged in {@code wrt} (the others are constants). */
    public static void assertGrad(String op, Function<List<Var>, Var> f, boolean[] wrt, Tensor... inputs) {
        assertGrad(op, f, wrt, OPTIONS, inputs);
    }

    public static void assertGrad(String op, Function<List<Var>, Var> f, boolean[] wrt, GradCheck.Options o, Tensor... inputs) {
        GradCheck.Result r = GradCheck.check(f, List.of(inputs), wrt, o);
        if (!r.passed())
            throw new AssertionError(op + " with inputs " + describe(inputs) + " wrt " + Arrays.toString(wrt) + ": " + r.describe());
    }

    public static String describe(Tensor... ts) {
        return Arrays.stream(ts).map(t -> Shape.str(t.shape())).collect(Collectors.joining(", ", "(", ")"));
    }

    /** Convenience: a list of the given tensors' shapes for messages. */
    public static List<String> shapesOf(List<Tensor> ts) {
        List<String> out = new ArrayList<>();
        for (Tensor t : ts) out.add(Shape.str(t.shape()));
        return out;
    }
}
