package clipvr.tensor.kernels;

import clipvr.tensor.DType;
import clipvr.tensor.Storage;
import clipvr.tensor.Tensor;
import clipvr.tensor.ops.BinaryOp;
import clipvr.tensor.ops.ReduceOp;
import clipvr.tensor.ops.UnaryOp;
import net.jqwik.api.*;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;
import java.util.SplittableRandom;

import static clipvr.tensor.PropertySupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Every {@link SimdKernels} kernel against its readable twin in {@link ReferenceKernels}, called directly on
 * the same inputs. Row lengths are drawn around the vector width L (0, 1, L−1, L, L+1, 2L±1, …) so both the
 * vector body and the scalar tail run; operands sit at random storage offsets inside NaN-filled buffers, so a
 * read or write outside the view shows up. A few larger examples cross the {@link Parallel} threshold
 * (n·cost ≥ 32768) so rows are split across threads.
 *
 * <p>Tolerances. Elementwise arithmetic (add, sub, mul, div, max, min, neg, abs, relu, copy) is exact in both
 * kernels (a float op rounded once equals the double op rounded to float, since 53 ≥ 2·24 + 2), so those are
 * compared bit for bit. Sums carry float rounding that grows with the length: see {@link #sumDepth}.
 */
class SimdKernelsPropertiesTest {
    static final int L = SimdKernels.L;

    @Example void vectorWidthIsWhatTheTolerancesAssume() {
        // the task machine has 512-bit vectors (16 floats); the tests hold for any width, this documents it
        assertTrue(L >= 1 && Integer.bitCount(L) == 1, "L = " + L);
        System.out.println("SimdKernelsPropertiesTest: vector width L = " + L + " floats, threads = " + Parallel.THREADS);
    }

    // ------------------------------------------------------------------ generators

    /** Row lengths concentrated where vector body and scalar tail meet. */
    @Provide Arbitrary<Integer> lengths() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(0, 1, 2, L - 1, L, L + 1, 2 * L - 1, 2 * L, 2 * L + 1, 3 * L + 5)),
                Tuple.of(7, Arbitraries.integers().between(0, 4 * L + 7)));
    }

    /** Shapes of rank 0..4 with dims 0..2L+3 (L±1 over-represented), at most 20000 elements. */
    @Provide Arbitrary<int[]> shapes() {
        Arbitrary<Integer> dim = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(0)), Tuple.of(2, Arbitraries.just(1)),
                Tuple.of(3, Arbitraries.of(L - 1, L, L + 1)), Tuple.of(6, Arbitraries.integers().between(2, 2 * L + 3)));
        return dim.list().ofMaxSize(4).map(l -> l.stream().mapToInt(Integer::intValue).toArray())
                .filter(s -> numel(s) <= 20_000);
    }

    @Provide Arbitrary<UnaryOp> vectorisedOps() {
        return Arbitraries.of(UnaryOp.class).filter(SimdKernels::vectorised);
    }

    /** Values for elementwise kernels: uniform in [-12, 12] plus special values (±0, tiny, ±∞, NaN). */
    static float[] elementwiseData(SplittableRandom rng, int n, boolean specials) {
        float[] a = new float[n];
        float[] special = {0f, -0f, 1f, -1f, 1e-30f, -1e-30f, 0.5f, 20f, -20f,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        for (int i = 0; i < n; i++)
            a[i] = specials && rng.nextInt(8) == 0 ? special[rng.nextInt(special.length)] : (float) (24 * rng.nextDouble() - 12);
        return a;
    }

    /** A contiguous [rows, n] float tensor at a random offset inside a NaN-filled buffer. */
    static Tensor paddedRows(SplittableRandom rng, int rows, int n, float[] values) {
        int off = rng.nextInt(4);
        float[] buf = new float[off + rows * n + rng.nextInt(4)];
        Arrays.fill(buf, Float.NaN);
        if (values != null) System.arraycopy(values, 0, buf, off, rows * n);
        return Tensor.view(new Storage.Floats(buf), off, new int[]{rows, n}, new int[]{n, 1});
    }

    /** A second view with the same layout over a copy of t's buffer (so two kernels can write "the same" output). */
    static Tensor twin(Tensor t) {
        return Tensor.view(new Storage.Floats(t.f32().clone()), t.offset(), t.shape(), t.strides());
    }

    static double[] widen(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    // ------------------------------------------------------------------ copy

    @Property(tries = 300, seed = "101")
    void copyMatchesReference(@ForAll("shapes") int[] shape, @ForAll long seed,
                              @ForAll boolean broadcastSrc, @ForAll boolean stridedDst) {
        var rng = new SplittableRandom(seed);
        checkCopy(shape, rng, broadcastSrc, stridedDst);
    }

    @Example void copyMatchesReferenceAboveParallelThreshold() {
        var rng = new SplittableRandom(7);
        checkCopy(new int[]{3, 129, 97}, rng, false, true);
        checkCopy(new int[]{5, 77, 131}, rng, true, false);
        checkCopy(new int[]{40_001}, rng, false, false);
    }

    /** src with a random layout (permuted axes, gaps, offset; stride-0 broadcast axes if asked) → dst. */
    static void checkCopy(int[] shape, SplittableRandom rng, boolean broadcastSrc, boolean stridedDst) {
        int[] srcShape = shape.clone();
        if (broadcastSrc) for (int d = 0; d < shape.length; d++) if (rng.nextBoolean()) srcShape[d] = 1;
        double[] vals = gaussians(rng, numel(srcShape), 1);
        Tensor src = randomLayout(DType.F32, vals, srcShape, rng).expand(shape);
        Tensor dst1 = stridedDst ? randomLayout(DType.F32, new double[numel(shape)], shape, rng) : Tensor.empty(DType.F32, shape);
        Tensor dst2 = twin(dst1);
        SimdKernels.copy(src, dst1);
        ReferenceKernels.copy(src, dst2);
        // whole buffers, so positions outside the destination view must be untouched by both
        assertBitwise("copy " + Arrays.toString(shape), dst2.f32(), dst1.f32());
        for (int i = 0; i < numel(shape); i++) {
            int[] idx = unravel(i, shape);
            assertEquals((float) vals[broadcastFlat(idx, srcShape)], (float) dst1.get(idx), "copy at " + Arrays.toString(idx));
        }
    }

    // ------------------------------------------------------------------ unary

    /**
     * Allowed |fast − ref| for one element (ref = op.apply in double, rounded to float).
     * <ul>
     * <li>NEG, ABS, RELU, RELU_GRAD, SQUARE, SQRT, RECIPROCAL: one correctly rounded float op: exact.</li>
     * <li>EXP, TANH, SIGMOID: Vector API transcendentals are within a few ulp; 16u relative (≈1e-6).</li>
     * <li>GELU = ½x(1 + erf(x/√2)) with erf from Abramowitz–Stegun 7.1.26 (|error| ≤ 1.5e-7) evaluated in ~8 float ops
     *     of magnitude ≤ 1 (≤ 8u more): erf error e ≤ 1.5e-7 + 8u, so |Δ| ≤ ½|x|·e + 4u|ref|.</li>
     * <li>GELU_GRAD = ½(1 + erf) + x·φ(x): |Δ| ≤ ½e + 8u(1 + |x|φ(x)) + 4u|ref|.</li>
     * <li>QUICK_GELU = x·σ(1.702x): σ has relative error ≤ 8u, and rounding 1.702x moves σ by ≤ u·1.702|x|·σ(1−σ):
     *     |Δ| ≤ 8u|ref| + 2u·1.702x²σ(1−σ)·… — bounded by 8u(|ref| + 1.702x²σ(1−σ)).</li>
     * <li>QUICK_GELU_GRAD = σ + 1.702x·σ(1−σ): an absolute error 8u in σ is amplified by the 1.702|x| factor:
     *     |Δ| ≤ 16u(1 + 1.702|x|) + 4u|ref|.</li>
     * </ul>
     */
    static double unaryTolerance(UnaryOp op, double x, double ref) {
        double u = U32, ax = Math.abs(x), erfErr = 1.5e-7 + 8 * u;
        return switch (op) {
            case NEG, ABS, RELU, RELU_GRAD, SQUARE, SQRT, RECIPROCAL -> 0;
            case EXP, TANH, SIGMOID -> 16 * u * Math.abs(ref) + 1e-38;
            case GELU -> 0.5 * ax * erfErr + 4 * u * Math.abs(ref) + 1e-38;
            case GELU_GRAD -> 0.5 * erfErr + 8 * u * (1 + ax * Math.exp(-0.5 * x * x)) + 4 * u * Math.abs(ref);
            case QUICK_GELU -> {
                double s = UnaryOp.sigmoid(1.702 * x);
                yield 8 * u * (Math.abs(ref) + 1.702 * x * x * s * (1 - s)) + 1e-38;
            }
            case QUICK_GELU_GRAD -> 16 * u * (1 + 1.702 * ax) + 4 * u * Math.abs(ref);
            default -> throw new IllegalArgumentException(op + " is not vectorised");
        };
    }

    @Property(tries = 400, seed = "102")
    void unaryMatchesReference(@ForAll("vectorisedOps") UnaryOp op, @ForAll("lengths") int n,
                               @ForAll @IntRange(min = 1, max = 3) int rows, @ForAll boolean specials, @ForAll long seed) {
        checkUnary(op, rows, n, specials, new SplittableRandom(seed));
    }

    @Example void unaryMatchesReferenceAboveParallelThreshold() {
        var rng = new SplittableRandom(8);
        for (UnaryOp op : UnaryOp.values()) if (SimdKernels.vectorised(op)) checkUnary(op, 9, 4099, true, rng);
    }

    @Example void expIsAccurateOverTheWholeFloatRange() {
        // every 1/64 from -110 to 95: underflow to 0 (x < -103.97), denormals, normal range, overflow to ∞ (x > 88.72)
        int n = (95 + 110) * 64;
        float[] xs = new float[n];
        for (int i = 0; i < n; i++) xs[i] = -110 + i / 64f;
        Tensor x = Tensor.of(xs, n), out = Tensor.empty(DType.F32, n);
        SimdKernels.unary(UnaryOp.EXP, x, out);
        for (int i = 0; i < n; i++) {
            double want = (float) Math.exp(xs[i]), got = out.f32()[i];
            if (Double.isInfinite(want)) assertEquals(want, got, 0.0, "exp(" + xs[i] + ")");
            else assertEquals(want, got, 16 * U32 * want + 0x1p-149, "exp(" + xs[i] + ")");   // ±1 denormal step
        }
    }

    static void checkUnary(UnaryOp op, int rows, int n, boolean specials, SplittableRandom rng) {
        float[] xs = elementwiseData(rng, rows * n, specials);
        Tensor x = paddedRows(rng, rows, n, xs), out1 = paddedRows(rng, rows, n, null), out2 = twin(out1);
        SimdKernels.unary(op, x, out1);
        ReferenceKernels.unary(op, x, out2);
        float[] f = out1.f32();
        int oo = out1.offset();
        for (int i = 0; i < f.length; i++)
            if (i < oo || i >= oo + rows * n) assertTrue(Float.isNaN(f[i]), op + " wrote outside its output at " + i);
        compareUnary(op, xs, out2.toFloatArray(), out1.toFloatArray(), "n = " + n);
    }

    /** fast vs reference, element by element, with {@link #unaryTolerance} (0 = bitwise). */
    static void compareUnary(UnaryOp op, float[] xs, float[] r, float[] f, String where) {
        for (int i = 0; i < xs.length; i++) {
            double xv = xs[i], fv = f[i], rv = r[i];
            if (!Double.isFinite(rv) || !Double.isFinite(fv)) {
                assertEquals(rv, fv, 0.0, op + "(" + xv + ") " + where);
                continue;
            }
            double tol = unaryTolerance(op, xv, rv);
            if (tol == 0) assertEquals(Float.floatToIntBits(r[i]), Float.floatToIntBits(f[i]), op + "(" + xv + "): " + rv + " vs " + fv + " " + where);
            else assertEquals(rv, fv, tol, op + "(" + xv + ") " + where);
        }
    }

    /** Strided inputs/outputs (the reference path unless the random layout happens to be contiguous). */
    @Property(tries = 60, seed = "103")
    void unaryOnStridedViewsMatchesReference(@ForAll UnaryOp op, @ForAll("shapes") int[] shape, @ForAll long seed) {
        var rng = new SplittableRandom(seed);
        float[] xs = elementwiseData(rng, numel(shape), false);
        Tensor x = randomLayout(DType.F32, widen(xs), shape, rng);
        Tensor out1 = randomLayout(DType.F32, new double[numel(shape)], shape, rng), out2 = twin(out1);
        SimdKernels.unary(op, x, out1);
        ReferenceKernels.unary(op, x, out2);
        if (SimdKernels.vectorised(op)) compareUnary(op, xs, out2.toFloatArray(), out1.toFloatArray(), Arrays.toString(shape));
        else assertBitwise(op + " strided", out2.f32(), out1.f32());
    }

    // ------------------------------------------------------------------ binary

    /** How the two operands of a [rows, n] binary op are laid out. */
    enum Pattern { SAME, ROW_B, ROW_A, COLUMN_B, COLUMN_A, SCALAR_B, SCALAR_A, STRIDED, STRIDED_OUT }

    @Property(tries = 500, seed = "104")
    void binaryMatchesReference(@ForAll BinaryOp op, @ForAll Pattern pattern, @ForAll("lengths") int n,
                                @ForAll @IntRange(min = 0, max = 4) int rows, @ForAll boolean specials, @ForAll long seed) {
        checkBinary(op, pattern, rows, n, specials, new SplittableRandom(seed));
    }

    @Example void binaryMatchesReferenceAboveParallelThreshold() {
        var rng = new SplittableRandom(9);
        for (Pattern p : Pattern.values()) checkBinary(BinaryOp.MUL, p, 257, 131, true, rng);
    }

    static void checkBinary(BinaryOp op, Pattern p, int rows, int n, boolean specials, SplittableRandom rng) {
        int[] shape = {rows, n};
        int[] sa = switch (p) { case ROW_A -> new int[]{n}; case COLUMN_A -> new int[]{rows, 1}; case SCALAR_A -> new int[0]; default -> shape; };
        int[] sb = switch (p) { case ROW_B -> new int[]{n}; case COLUMN_B -> new int[]{rows, 1}; case SCALAR_B -> new int[0]; default -> shape; };
        float[] av = elementwiseData(rng, numel(sa), specials), bv = elementwiseData(rng, numel(sb), specials);
        // share some values between a and b so MAX/MIN/EQ see ties and ±0 pairs
        for (int i = 0; i < Math.min(av.length, bv.length); i++) if (rng.nextInt(6) == 0) bv[i] = rng.nextBoolean() ? av[i] : -av[i];
        boolean strided = p == Pattern.STRIDED;
        Tensor a = (strided ? randomLayout(DType.F32, widen(av), sa, rng) : paddedFlat(rng, av, sa)).expand(shape);
        Tensor b = (strided ? randomLayout(DType.F32, widen(bv), sb, rng) : paddedFlat(rng, bv, sb)).expand(shape);
        Tensor out1 = p == Pattern.STRIDED_OUT || strided ? randomLayout(DType.F32, new double[rows * n], shape, rng)
                : paddedRows(rng, rows, n, null);
        Tensor out2 = twin(out1);
        SimdKernels.binary(op, a, b, out1);
        ReferenceKernels.binary(op, a, b, out2);
        assertBitwise(op + " " + p + " [" + rows + ", " + n + "]", out2.f32(), out1.f32());
    }

    static Tensor paddedFlat(SplittableRandom rng, float[] values, int[] shape) {
        int n = values.length;
        Tensor t = paddedRows(rng, 1, n, values);
        return Tensor.view(t.storage(), t.offset(), shape, clipvr.tensor.Shape.contiguousStrides(shape));
    }

    // ------------------------------------------------------------------ row reductions

    /**
     * Depth of the float additions in {@code SimdKernels.sum} over n values: n/L lane-wise vector additions, then
     * the L lanes reduced (at most L−1 deep, the order is unspecified), then the n mod L tail added one at a time.
     * A sum evaluated with depth d has |ŝ − s| ≤ γ_d·Σ|x_i|, γ_d = d·u/(1 − d·u) (Higham, Accuracy and Stability of
     * Numerical Algorithms, §4.2), i.e. about d·u·n·max|x| ≤ 1e-7·n·(n/L + L)·max|x| — linear in n for fixed L.
     */
    static int sumDepth(int n) { return n / L + L + n % L + 1; }

    static double gamma(int d) { return d * U32 / (1 - d * U32); }

    @Property(tries = 400, seed = "105")
    void reduceRowsMatchesReference(@ForAll ReduceOp op, @ForAll("lengths") int n, @ForAll @IntRange(min = 0, max = 5) int rows,
                                    @ForAll boolean withNaN, @ForAll long seed) {
        checkReduce(op, rows, n, withNaN && op != ReduceOp.SUM, new SplittableRandom(seed));
    }

    @Example void reduceRowsMatchesReferenceAboveParallelThreshold() {
        var rng = new SplittableRandom(10);
        for (ReduceOp op : ReduceOp.values()) {
            checkReduce(op, 67, 1001, false, rng);
            checkReduce(op, 3, 40_003, false, rng);
        }
    }

    static void checkReduce(ReduceOp op, int rows, int n, boolean withNaN, SplittableRandom rng) {
        double scale = new double[]{1e-3, 1, 1e3}[rng.nextInt(3)];
        float[] xs = new float[rows * n];
        for (int i = 0; i < xs.length; i++)
            xs[i] = withNaN && rng.nextInt(n + 1) == 0 ? Float.NaN : (float) (scale * gaussian(rng));
        Tensor x = paddedRows(rng, rows, n, xs);
        Tensor out1 = paddedRows(rng, 1, rows, null), out2 = twin(out1);
        SimdKernels.reduceRows(op, x, rows, n, out1);
        ReferenceKernels.reduceRows(op, x, rows, n, out2);
        float[] f = out1.f32(), r = out2.f32();
        int oo = out1.offset();
        for (int i = 0; i < f.length; i++) {
            if (i < oo || i >= oo + rows) { assertTrue(Float.isNaN(f[i]), op + " wrote outside its output"); continue; }
            int row = i - oo;
            if (op != ReduceOp.SUM) {   // max and min are exact, NaN propagates in both
                assertEquals(Float.floatToIntBits(r[i]), Float.floatToIntBits(f[i]), op + " row " + row + " n = " + n);
                continue;
            }
            double abs = 0;
            for (int j = 0; j < n; j++) abs += Math.abs(xs[row * n + j]);
            double tol = gamma(sumDepth(n)) * abs + U32 * Math.abs(r[i]);
            assertEquals(r[i], f[i], tol, "sum row " + row + " n = " + n);
        }
    }

    // ------------------------------------------------------------------ softmax

    @Property(tries = 400, seed = "106")
    void softmaxRowsMatchesReference(@ForAll boolean log, @ForAll("lengths") int n, @ForAll @IntRange(min = 0, max = 4) int rows,
                                     @ForAll boolean masked, @ForAll long seed) {
        checkSoftmax(log, rows, n, masked, new SplittableRandom(seed));
    }

    @Example void softmaxRowsMatchesReferenceAboveParallelThreshold() {
        var rng = new SplittableRandom(11);
        checkSoftmax(false, 77, 77 * 7, true, rng);
        checkSoftmax(true, 77, 77 * 7, false, rng);
    }

    /**
     * softmax: p_j = e_j / s with e_j = exp(x_j − m). Rounding x_j − m changes e_j by a relative u·|x_j − m|, exp adds
     * a few ulp, and s (positive terms) carries relative error γ_d: relative bound (d + |x_j − m| + 8)·u.
     * log-softmax: x_j − (m + log s): log s is off by γ_d absolutely, and the two float subtractions/additions
     * round at magnitudes |m|, |log s|, |out|: absolute bound (d + 8)·u·(1 + |m| + |log s| + |out|).
     */
    static void checkSoftmax(boolean log, int rows, int n, boolean masked, SplittableRandom rng) {
        double scale = new double[]{0.1, 1, 10}[rng.nextInt(3)];
        float[] xs = new float[rows * n];
        for (int i = 0; i < xs.length; i++)
            xs[i] = masked && rng.nextInt(4) == 0 ? Float.NEGATIVE_INFINITY : (float) (scale * gaussian(rng));
        if (masked && rows > 0 && n > 0) Arrays.fill(xs, 0, n, Float.NEGATIVE_INFINITY);   // a fully masked row: NaN in both
        Tensor x = paddedRows(rng, rows, n, xs), out1 = paddedRows(rng, rows, n, null), out2 = twin(out1);
        SimdKernels.softmaxRows(x, rows, n, log, out1);
        ReferenceKernels.softmaxRows(x, rows, n, log, out2);
        float[] f = out1.f32(), r = out2.f32();
        int oo = out1.offset(), d = sumDepth(n);
        for (int i = 0; i < f.length; i++) {
            if (i < oo || i >= oo + rows * n) { assertTrue(Float.isNaN(f[i]), "softmax wrote outside its output"); continue; }
            int row = (i - oo) / n;
            double m = Double.NEGATIVE_INFINITY, s = 0;
            for (int j = 0; j < n; j++) m = Math.max(m, xs[row * n + j]);
            for (int j = 0; j < n; j++) s += Math.exp(xs[row * n + j] - m);
            double tol = log ? (d + 8) * U32 * (1 + Math.abs(m) + Math.abs(Math.log(s)) + Math.abs(r[i]))
                    : (d + (r[i] == 0 ? 0 : Math.abs(xs[i - oo] - m)) + 8) * U32 * Math.abs(r[i]) + 1e-38;
            if (!Double.isFinite(r[i]) || !Double.isFinite(f[i])) assertEquals(r[i], f[i], 0.0, "softmax non-finite at row " + row);
            else assertEquals(r[i], f[i], tol, (log ? "log-softmax" : "softmax") + " row " + row + " n = " + n);
        }
    }

    // ------------------------------------------------------------------ layer norm

    @Property(tries = 400, seed = "107")
    void layerNormRowsMatchesReference(@ForAll("lengths") int n, @ForAll @IntRange(min = 0, max = 4) int rows,
                                       @ForAll boolean withWeight, @ForAll boolean withBias, @ForAll long seed) {
        checkLayerNorm(rows, n, withWeight, withBias, new SplittableRandom(seed));
    }

    @Example void layerNormRowsMatchesReferenceAboveParallelThreshold() {
        var rng = new SplittableRandom(12);
        checkLayerNorm(50, 768, true, true, rng);
        checkLayerNorm(50, 769, false, false, rng);
    }

    /**
     * y = (x − μ)·rs·w + b. With depth d = {@link #sumDepth}: μ is off by ≤ γ_d·max|x| (a sum divided by n), the
     * variance (a sum of squares, all positive) by a relative γ_{d+2}, hence rs by half that plus the sqrt/divide
     * rounding. So |Δy| ≤ (γ_d·max|x|·rs + (d/2 + 4)·u·|y|)·|w| + 2u·|out|; we allow twice that.
     */
    static void checkLayerNorm(int rows, int n, boolean withWeight, boolean withBias, SplittableRandom rng) {
        double scale = new double[]{0.01, 1, 10}[rng.nextInt(3)], shift = rng.nextBoolean() ? 0 : 3;
        float[] xs = new float[rows * n];
        for (int i = 0; i < xs.length; i++) xs[i] = (float) (shift + scale * gaussian(rng));
        float[] wv = new float[n], bv = new float[n];
        for (int j = 0; j < n; j++) { wv[j] = (float) gaussian(rng); bv[j] = (float) gaussian(rng); }
        Tensor x = paddedRows(rng, rows, n, xs);
        Tensor w = withWeight ? paddedRows(rng, 1, n, wv).view(n) : null, b = withBias ? paddedRows(rng, 1, n, bv).view(n) : null;
        Tensor out1 = paddedRows(rng, rows, n, null), out2 = twin(out1);
        Tensor mean1 = Tensor.empty(DType.F32, rows), mean2 = Tensor.empty(DType.F32, rows);
        Tensor rstd1 = Tensor.empty(DType.F32, rows), rstd2 = Tensor.empty(DType.F32, rows);
        double eps = 1e-5;
        SimdKernels.layerNormRows(x, rows, n, w, b, eps, out1, mean1, rstd1);
        ReferenceKernels.layerNormRows(x, rows, n, w, b, eps, out2, mean2, rstd2);
        int d = sumDepth(n);
        float[] f = out1.f32(), r = out2.f32();
        int oo = out1.offset();
        for (int row = 0; row < rows && n == 0; row++) {   // empty rows: mean and rstd are NaN (0/0) in both
            assertTrue(Double.isNaN(mean1.get(row)) && Double.isNaN(mean2.get(row)), "mean of an empty row");
            assertEquals(Float.floatToIntBits(rstd2.f32()[row]), Float.floatToIntBits(rstd1.f32()[row]), "rstd of an empty row");
        }
        for (int row = 0; row < rows && n > 0; row++) {
            double maxAbs = 0;
            for (int j = 0; j < n; j++) maxAbs = Math.max(maxAbs, Math.abs(xs[row * n + j]));
            double mu = mean2.get(row), rs = rstd2.get(row);
            assertEquals(mu, mean1.get(row), 2 * gamma(d) * maxAbs + 1e-30, "mean of row " + row);
            assertEquals(rs, rstd1.get(row), 2 * (gamma(d + 2) + 4 * U32) * rs, "rstd of row " + row);
            for (int j = 0; j < n; j++) {
                double y = (xs[row * n + j] - mu) * rs, wj = withWeight ? wv[j] : 1;
                double tol = 2 * ((gamma(d) * maxAbs * rs + (d / 2.0 + 4) * U32 * Math.abs(y)) * Math.abs(wj)
                        + 2 * U32 * Math.abs(r[oo + row * n + j])) + 1e-30;
                assertEquals(r[oo + row * n + j], f[oo + row * n + j], tol, "layerNorm row " + row + " col " + j + " n = " + n);
            }
        }
        for (int i = 0; i < f.length; i++)
            if (i < oo || i >= oo + rows * n) assertTrue(Float.isNaN(f[i]), "layerNorm wrote outside its output");
    }

    /**
     * QuickGELU's and QuickGELU''s own loops ({@code SimdKernels.quickGeluLanes}, {@code quickGeluGradLanes}, kept out of
     * {@code apply}'s switch for the JIT's sake) give the bits of {@code apply(op, ·)} on every whole vector, special values
     * included (a NaN may come out with either sign bit), and leave exactly the scalar tail to the caller.
     */
    @Property(tries = 200, seed = "105")
    void quickGeluLoopsHaveTheBitsOfTheGeneralPath(@ForAll @IntRange(min = 0, max = 200) int n, @ForAll @IntRange(min = 0, max = 7) int offset,
                                                   @ForAll boolean grad) {
        UnaryOp op = grad ? UnaryOp.QUICK_GELU_GRAD : UnaryOp.QUICK_GELU;
        SplittableRandom rng = new SplittableRandom(n * 31L + offset);
        float[] a = new float[offset + n];
        for (int i = 0; i < a.length; i++)
            a[i] = switch (rng.nextInt(12)) {
                case 0 -> Float.NaN; case 1 -> Float.POSITIVE_INFINITY; case 2 -> Float.NEGATIVE_INFINITY; case 3 -> -0f;
                case 4 -> (float) rng.nextDouble(-200, 200); default -> (float) rng.nextGaussian() * 4;
            };
        float[] fast = new float[offset + n], general = new float[offset + n];
        int tail = grad ? SimdKernels.quickGeluGradLanes(a, offset, fast, offset, 0, n) : SimdKernels.quickGeluLanes(a, offset, fast, offset, 0, n);
        assertEquals(n - n % SimdKernels.L, tail, "the scalar tail starts after the last whole vector");
        for (int i = 0; i + SimdKernels.L <= n; i += SimdKernels.L)
            SimdKernels.apply(op, jdk.incubator.vector.FloatVector.fromArray(SimdKernels.S, a, offset + i)).intoArray(general, offset + i);
        for (int i = 0; i < fast.length; i++)
            assertEquals(Float.floatToIntBits(general[i]), Float.floatToIntBits(fast[i]), op + " element " + i + " of " + a[i]);
    }
}
