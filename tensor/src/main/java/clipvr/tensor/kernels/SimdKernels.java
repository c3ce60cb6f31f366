package clipvr.tensor.kernels;

import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import clipvr.tensor.ops.BinaryOp;
import clipvr.tensor.ops.ReduceOp;
import clipvr.tensor.ops.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fast float32 kernels: Vector API (SIMD) inner loops, rows split over {@link Parallel} threads.
 * Each has a readable twin in {@link ReferenceKernels}; where a layout is not one of the fast cases
 * (e.g. arbitrary strides) the twin is used. Accumulations (sums, means, variances) are carried in
 * float lanes and combined at the end, so results differ from the reference by float32 rounding
 * that grows with the row length.
 */
public final class SimdKernels {
    private SimdKernels() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    static boolean f32(Tensor... ts) {
        for (Tensor t : ts) if (t != null && t.dtype() != DType.F32) return false;
        return true;
    }

    // ------------------------------------------------------------------ copy

    public static void copy(Tensor src, Tensor dst) {
        if (!f32(src, dst)) { ReferenceKernels.copy(src, dst); return; }
        float[] s = src.f32(), d = dst.f32();
        Strided.forEachRow(dst.shape(), new int[][]{dst.strides(), src.strides()}, new int[]{dst.offset(), src.offset()},
                (len, off, step) -> {
                    if (step[0] == 1 && step[1] == 1) System.arraycopy(s, off[1], d, off[0], len);
                    else if (step[0] == 1 && step[1] == 0) java.util.Arrays.fill(d, off[0], off[0] + len, s[off[1]]);
                    else for (int j = 0; j < len; j++) d[off[0] + j * step[0]] = s[off[1] + j * step[1]];
                });
    }

    // ------------------------------------------------------------------ unary

    public static void unary(UnaryOp op, Tensor x, Tensor out) {
        if (!f32(x, out) || !x.isContiguous() || !out.isContiguous() || !vectorised(op)) {
            ReferenceKernels.unary(op, x, out);
            return;
        }
        float[] a = x.f32(), o = out.f32();
        int ao = x.offset(), oo = out.offset(), n = out.numel();
        int chunk = 4096;
        Parallel.forRange((n + chunk - 1) / chunk, chunk, Parallel.CHUNKS_PER_THREAD, (c0, c1) -> {   // bounds at 4096s
            int from = c0 * chunk, to = Math.min(n, c1 * chunk);
            int i = switch (op) {
                case QUICK_GELU -> quickGeluLanes(a, ao, o, oo, from, to);
                case QUICK_GELU_GRAD -> quickGeluGradLanes(a, ao, o, oo, from, to);
                default -> from;
            };
            for (; i <= to - L; i += L) apply(op, FloatVector.fromArray(S, a, ao + i)).intoArray(o, oo + i);
            for (; i < to; i++) o[oo + i] = (float) op.apply(a[ao + i]);
        });
    }

    /**
     * QuickGELU over the whole vectors of [from, to), returning where the scalar tail starts: the lane operations of
     * {@link #apply}'s QUICK_GELU case (same bits), in a loop of their own. Inside {@code apply}'s large switch C2 gave up
     * inlining parts of the chain and ran those vector operations through their boxed Java fallbacks (fallbacks were
     * 207 of 1,923 JFR samples of a text forward, 127 of 1,826 with these loops; README, Performance).
     */
    static int quickGeluLanes(float[] a, int ao, float[] o, int oo, int from, int to) {
        int i = from;
        for (; i <= to - L; i += L) {
            FloatVector x = FloatVector.fromArray(S, a, ao + i);
            x.mul(logistic(x.mul(1.702f))).intoArray(o, oo + i);
        }
        return i;
    }

    /** QuickGELU'(x) over the whole vectors of [from, to), as {@link #quickGeluLanes}: {@link #apply}'s QUICK_GELU_GRAD lanes. */
    static int quickGeluGradLanes(float[] a, int ao, float[] o, int oo, int from, int to) {
        int i = from;
        for (; i <= to - L; i += L) {
            FloatVector x = FloatVector.fromArray(S, a, ao + i);
            FloatVector s = logistic(x.mul(1.702f));
            s.add(x.mul(1.702f).mul(s).mul(FloatVector.broadcast(S, 1f).sub(s))).intoArray(o, oo + i);
        }
        return i;
    }

    static boolean vectorised(UnaryOp op) {
        return switch (op) {
            case NEG, EXP, SQRT, ABS, SQUARE, TANH, SIGMOID, RELU, GELU, QUICK_GELU, GELU_GRAD, QUICK_GELU_GRAD, RELU_GRAD, RECIPROCAL -> true;
            default -> false;
        };
    }

    /**
     * e^x in float lanes built only from exactly specified lane operations (add, mul, fma, float↔int conversion of
     * integral values, shifts), so it gives the same bits compiled or interpreted and on every CPU.
     * {@code lanewise(EXP)} does not: the C2 intrinsic (an SVML-style routine, ≤ 1 ulp) and the interpreted
     * fallback ({@code Math.exp} per lane) differ in the last bit, so results changed when the JIT warmed up.
     * Cody–Waite reduction x = k·ln2 + r with k = round(x·log₂e), |r| ≤ ~0.35; e^r by its degree-7 Taylor
     * polynomial (truncation r⁸/8! &lt; 6e-9, below float resolution); 2^k applied as two exact power-of-two
     * factors so k from -150 (underflow to 0) to 128 (overflow to ∞) needs no special case. NaN stays NaN.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(-104f).min(89f);
        final float magic = 12582912f;                                      // 1.5·2²³: adding it rounds to an integer
        FloatVector kf = xc.mul(1.44269504f).add(magic).sub(magic);
        FloatVector r = kf.fma(FloatVector.broadcast(S, -0.693145751953125f), xc);   // ln2 split in a high part with
        r = kf.fma(FloatVector.broadcast(S, -1.42860677e-6f), r);                    // few bits and a low remainder
        FloatVector p = r.mul(1f / 5040).add(1f / 720)
                .fma(r, FloatVector.broadcast(S, 1f / 120)).fma(r, FloatVector.broadcast(S, 1f / 24))
                .fma(r, FloatVector.broadcast(S, 1f / 6)).fma(r, FloatVector.broadcast(S, 0.5f))
                .fma(r, FloatVector.broadcast(S, 1f)).fma(r, FloatVector.broadcast(S, 1f));
        IntVector k = (IntVector) kf.convert(VectorOperators.F2I, 0);
        IntVector k1 = k.lanewise(VectorOperators.ASHR, 1), k2 = k.sub(k1);
        FloatVector s1 = k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = k2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(s1).mul(s2);
    }

    static FloatVector logistic(FloatVector x) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        return one.div(one.add(exp(x.neg())));
    }

    /**
     * erf(x) in float lanes, Abramowitz &amp; Stegun 7.1.26: for t = 1/(1 + p|x|),
     * erf|x| ≈ 1 - (a1 t + a2 t² + a3 t³ + a4 t⁴ + a5 t⁵)·exp(-x²), |error| ≤ 1.5e-7.
     */
    static FloatVector erf(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector t = FloatVector.broadcast(S, 1f).div(ax.mul(0.3275911f).add(1f));
        FloatVector poly = t.mul(1.061405429f).add(-1.453152027f)
                .fma(t, FloatVector.broadcast(S, 1.421413741f))
                .fma(t, FloatVector.broadcast(S, -0.284496736f))
                .fma(t, FloatVector.broadcast(S, 0.254829592f)).mul(t);
        FloatVector y = FloatVector.broadcast(S, 1f).sub(poly.mul(exp(ax.mul(ax).neg())));
        return y.blend(y.neg(), x.compare(VectorOperators.LT, 0f));   // erf is odd
    }

    static FloatVector apply(UnaryOp op, FloatVector x) {
        return switch (op) {
            case NEG -> x.neg();
            case EXP -> exp(x);
            case SQRT -> x.sqrt();
            case ABS -> x.abs();
            case SQUARE -> x.mul(x);
            case RECIPROCAL -> FloatVector.broadcast(S, 1f).div(x);
            case TANH -> {
                // on the deterministic exp (no dependence on the JIT tier): |x| ≥ 0.25: 1 - 2/(e^{2|x|} + 1);
                // |x| < 0.25: the odd Taylor polynomial to x⁹ (error < 2e-10·|x|), which avoids the cancellation
                FloatVector ax = x.abs(), x2 = x.mul(x);
                FloatVector big = FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(exp(ax.mul(2f)).add(1f)));
                big = big.blend(big.neg(), x.compare(VectorOperators.LT, 0f));
                FloatVector small = x2.mul(62f / 2835f).add(-17f / 315f).fma(x2, FloatVector.broadcast(S, 2f / 15f))
                        .fma(x2, FloatVector.broadcast(S, -1f / 3f)).fma(x2, FloatVector.broadcast(S, 1f)).mul(x);
                yield big.blend(small, ax.compare(VectorOperators.LT, 0.25f)).blend(x, x.test(VectorOperators.IS_NAN));
            }
            case SIGMOID -> logistic(x);
            case RELU -> x.max(0f);   // max propagates NaN, as PyTorch's relu does
            case RELU_GRAD -> FloatVector.zero(S).blend(1f, x.compare(VectorOperators.GT, 0f));
            case GELU -> x.mul(0.5f).mul(erf(x.mul((float) Math.sqrt(0.5))).add(1f));
            case GELU_GRAD -> {
                FloatVector cdf = erf(x.mul((float) Math.sqrt(0.5))).add(1f).mul(0.5f);
                FloatVector pdf = exp(x.mul(x).mul(-0.5f)).mul((float) (1 / Math.sqrt(2 * Math.PI)));
                yield cdf.add(x.mul(pdf));
            }
            case QUICK_GELU -> x.mul(logistic(x.mul(1.702f)));
            case QUICK_GELU_GRAD -> {
                FloatVector s = logistic(x.mul(1.702f));
                yield s.add(x.mul(1.702f).mul(s).mul(FloatVector.broadcast(S, 1f).sub(s)));
            }
            default -> throw new IllegalStateException("not vectorised: " + op);
        };
    }

    // ------------------------------------------------------------------ binary

    public static void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        if (!f32(a, b, out) || !(op == BinaryOp.ADD || op == BinaryOp.SUB || op == BinaryOp.MUL || op == BinaryOp.DIV
                || op == BinaryOp.MAX || op == BinaryOp.MIN)) {
            ReferenceKernels.binary(op, a, b, out);
            return;
        }
        float[] x = a.f32(), y = b.f32(), o = out.f32();
        Strided.forEachRow(out.shape(), new int[][]{out.strides(), a.strides(), b.strides()},
                new int[]{out.offset(), a.offset(), b.offset()},
                (len, off, step) -> {
                    int oo = off[0], xo = off[1], yo = off[2];
                    if (step[0] == 1 && step[1] == 1 && (step[2] == 1 || step[2] == 0)) {
                        int j = binaryRow(op, x, xo, y, yo, step[2], o, oo, len);
                        for (; j < len; j++) o[oo + j] = (float) op.apply(x[xo + j], y[yo + j * step[2]]);
                    } else if (step[0] == 1 && step[1] == 0 && step[2] == 1) {
                        FloatVector xb = FloatVector.broadcast(S, x[xo]);
                        int j = 0;
                        for (; j <= len - L; j += L) binary(op, xb, FloatVector.fromArray(S, y, yo + j)).intoArray(o, oo + j);
                        for (; j < len; j++) o[oo + j] = (float) op.apply(x[xo], y[yo + j]);
                    } else {
                        for (int j = 0; j < len; j++)
                            o[oo + j * step[0]] = (float) op.apply(x[xo + j * step[1]], y[yo + j * step[2]]);
                    }
                });
    }

    /**
     * o[oo + j] = x[xo + j] op y[yo + j·ys], ys 1 or 0 (a broadcast y), over the whole vectors of [0, len); returns where
     * the scalar tail starts. One loop per operator: through {@link #binary(BinaryOp, FloatVector, FloatVector)}'s switch
     * C2 left some of these lane operations as calls into their boxed Java fallbacks (JFR of the text forward and the
     * pretraining step: the bias adds of every linear layer, 2 % and more of the samples). Same lane operations, same bits.
     */
    static int binaryRow(BinaryOp op, float[] x, int xo, float[] y, int yo, int ys, float[] o, int oo, int len) {
        return switch (op) {
            case ADD -> addRow(x, xo, y, yo, ys, o, oo, len);
            case SUB -> subRow(x, xo, y, yo, ys, o, oo, len);
            case MUL -> mulRow(x, xo, y, yo, ys, o, oo, len);
            case DIV -> divRow(x, xo, y, yo, ys, o, oo, len);
            case MAX -> maxRow(x, xo, y, yo, ys, o, oo, len);
            case MIN -> minRow(x, xo, y, yo, ys, o, oo, len);
            default -> throw new IllegalStateException("not vectorised: " + op);
        };
    }

    private static int addRow(float[] x, int xo, float[] y, int yo, int ys, float[] o, int oo, int len) {
        int j = 0;
        if (ys == 1) for (; j <= len - L; j += L) FloatVector.fromArray(S, x, xo + j).add(FloatVector.fromArray(S, y, yo + j)).intoArray(o, oo + j);
        else { FloatVector b = FloatVector.broadcast(S, y[yo]); for (; j <= len - L; j += L) FloatVector.fromArray(S, x, xo + j).add(b).intoArray(o, oo + j); }
        return j;
    }

    private static int subRow(float[] x, int xo, float[] y, int yo, int ys, float[] o, int oo, int len) {
        int j = 0;
        if (ys == 1) for (; j <= len - L; j += L) FloatVector.fromArray(S, x, xo + j).sub(FloatVector.fromArray(S, y, yo + j)).intoArray(o, oo + j);
        else { FloatVector b = FloatVector.broadcast(S, y[yo]); for (; j <= len - L; j += L) FloatVector.fromArray(S, x, xo + j).sub(b).intoArray(o, oo + j); }
        return j;
    }

    private static int mulRow(float[] x, int xo, float[] y, int yo, int ys, float[] o, int oo, int len) {
        int j = 0;
        if (ys == 1) for (; j <= len - L; j += L) FloatVector.fromArray(S, x, xo + j).mul(FloatVector.fromArray(S, y, yo + j)).intoArray(o, oo + j);
        else { FloatVector b = FloatVector.broadcast(S, y[yo]); for (; j <= len - L; j += L) FloatVector.fromArray(S, x, xo + j).mul(b).intoArray(o, oo + j); }
        return j;
    }

    private static int divRow(float[] x, int xo, float[] y, int yo, int ys, float[] o, int oo, int len) {
        int j = 0;
        if (ys == 1) for (; j <= len - L; j += L) FloatVector.fromArray(S, x, xo + j).div(FloatVector.fromArray(S, y, yo + j)).intoArray(o, oo + j);
        else { FloatVector b = FloatVector.broadcast(S, y[yo]); for (; j <= len - L; j += L) FloatVector.fromArray(S, x, xo + j).div(b).intoArray(o, oo + j); }
        return j;
    }

    private static int maxRow(float[] x, int xo, float[] y, int yo, int ys, float[] o, int oo, int len) {
        int j = 0;
        if (ys == 1) for (; j <= len - L; j += L) FloatVector.fromArray(S, x, xo + j).max(FloatVector.fromArray(S, y, yo + j)).intoArray(o, oo + j);
        else { FloatVector b = FloatVector.broadcast(S, y[yo]); for (; j <= len - L; j += L) FloatVector.fromArray(S, x, xo + j).max(b).intoArray(o, oo + j); }
        return j;
    }

    private static int minRow(float[] x, int xo, float[] y, int yo, int ys, float[] o, int oo, int len) {
        int j = 0;
        if (ys == 1) for (; j <= len - L; j += L) FloatVector.fromArray(S, x, xo + j).min(FloatVector.fromArray(S, y, yo + j)).intoArray(o, oo + j);
        else { FloatVector b = FloatVector.broadcast(S, y[yo]); for (; j <= len - L; j += L) FloatVector.fromArray(S, x, xo + j).min(b).intoArray(o, oo + j); }
        return j;
    }

    static FloatVector binary(BinaryOp op, FloatVector a, FloatVector b) {
        return switch (op) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> a.div(b);
            case MAX -> a.max(b);
            case MIN -> a.min(b);
            default -> throw new IllegalStateException("not vectorised: " + op);
        };
    }

    // ------------------------------------------------------------------ row reductions

    public static void reduceRows(ReduceOp op, Tensor x, int rows, int n, Tensor out) {
        if (!f32(x, out) || op == ReduceOp.MIN) { ReferenceKernels.reduceRows(op, x, rows, n, out); return; }
        float[] a = x.f32(), o = out.f32();
        int xo = x.offset(), oo = out.offset();
        Parallel.forEach(rows, n, r -> o[oo + r] = op == ReduceOp.SUM ? sum(a, xo + r * n, n) : max(a, xo + r * n, n));
    }

    static float sum(float[] a, int off, int n) {
        FloatVector acc = FloatVector.zero(S);
        int j = 0;
        for (; j <= n - L; j += L) acc = acc.add(FloatVector.fromArray(S, a, off + j));
        float s = addLanes(acc);
        for (; j < n; j++) s += a[off + j];
        return s;
    }

    /**
     * Σ of the lanes in lane order 0..L-1. Not {@code reduceLanes(ADD)}: its float order is unspecified and
     * differs between the JIT-compiled intrinsic and the interpreted fallback, so the same row summed before
     * and after warm-up gave different bits.
     */
    static float addLanes(FloatVector v) {
        float s = 0f;
        for (int i = 0; i < L; i++) s += v.lane(i);       // no float[L] per call, as toArray() made
        return s;
    }

    static float max(float[] a, int off, int n) {
        float m = Float.NEGATIVE_INFINITY;
        int j = 0;
        if (n >= L) {
            FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (; j <= n - L; j += L) acc = acc.max(FloatVector.fromArray(S, a, off + j));
            m = acc.reduceLanes(VectorOperators.MAX);
        }
        for (; j < n; j++) m = Math.max(m, a[off + j]);
        return m;
    }

    // ------------------------------------------------------------------ softmax and layer norm

    public static void softmaxRows(Tensor x, int rows, int n, boolean log, Tensor out) {
        if (!f32(x, out)) { ReferenceKernels.softmaxRows(x, rows, n, log, out); return; }
        float[] a = x.f32(), o = out.f32();
        int xo = x.offset(), oo = out.offset();
        Parallel.forEach(rows, 8L * n, r -> softmaxRow(a, xo + r * n, o, oo + r * n, n, log));
    }

    /** (log-)softmax of a[src, src + n) into o[dst, dst + n): one row of {@link #softmaxRows} (also the fused attention's). */
    static void softmaxRow(float[] a, int src, float[] o, int dst, int n, boolean log) {
        float m = max(a, src, n);
        if (m == Float.NEGATIVE_INFINITY) m = 0f;
        FloatVector mv = FloatVector.broadcast(S, m);
        FloatVector acc = FloatVector.zero(S);
        int j = 0;
        for (; j <= n - L; j += L) {
            FloatVector e = exp(FloatVector.fromArray(S, a, src + j).sub(mv));
            if (!log) e.intoArray(o, dst + j);
            acc = acc.add(e);
        }
        float s = addLanes(acc);
        for (; j < n; j++) {
            float e = (float) Math.exp(a[src + j] - m);
            if (!log) o[dst + j] = e;
            s += e;
        }
        if (log) {
            float shift = m + (float) Math.log(s);
            FloatVector sv = FloatVector.broadcast(S, shift);
            j = 0;
            for (; j <= n - L; j += L) FloatVector.fromArray(S, a, src + j).sub(sv).intoArray(o, dst + j);
            for (; j < n; j++) o[dst + j] = a[src + j] - shift;
        } else {
            float inv = 1f / s;
            j = 0;
            for (; j <= n - L; j += L) FloatVector.fromArray(S, o, dst + j).mul(inv).intoArray(o, dst + j);
            for (; j < n; j++) o[dst + j] *= inv;
        }
    }

    public static void layerNormRows(Tensor x, int rows, int n, Tensor weight, Tensor bias, double eps,
                                     Tensor out, Tensor mean, Tensor rstd) {
        if (!f32(x, out, weight, bias, mean, rstd) || (weight != null && !weight.isContiguous())
                || (bias != null && !bias.isContiguous())) {
            ReferenceKernels.layerNormRows(x, rows, n, weight, bias, eps, out, mean, rstd);
            return;
        }
        float[] a = x.f32(), o = out.f32();
        float[] w = weight == null ? null : weight.f32(), b = bias == null ? null : bias.f32();
        int xo = x.offset(), oo = out.offset(), wo = weight == null ? 0 : weight.offset(), bo = bias == null ? 0 : bias.offset();
        Parallel.forEach(rows, 6L * n, r -> {
            int src = xo + r * n, dst = oo + r * n;
            float mu = sum(a, src, n) / n;
            FloatVector mv = FloatVector.broadcast(S, mu);
            FloatVector acc = FloatVector.zero(S);
            int j = 0;
            for (; j <= n - L; j += L) { FloatVector c = FloatVector.fromArray(S, a, src + j).sub(mv); acc = c.fma(c, acc); }
            float var = addLanes(acc);
            for (; j < n; j++) { float c = a[src + j] - mu; var += c * c; }
            var /= n;
            float rs = (float) (1.0 / Math.sqrt(var + eps));
            FloatVector rv = FloatVector.broadcast(S, rs);
            j = 0;
            for (; j <= n - L; j += L) {
                FloatVector y = FloatVector.fromArray(S, a, src + j).sub(mv).mul(rv);
                if (w != null) y = y.mul(FloatVector.fromArray(S, w, wo + j));
                if (b != null) y = y.add(FloatVector.fromArray(S, b, bo + j));
                y.intoArray(o, dst + j);
            }
            for (; j < n; j++) {
                float y = (a[src + j] - mu) * rs;
                if (w != null) y *= w[wo + j];
                if (b != null) y += b[bo + j];
                o[dst + j] = y;
            }
            if (mean != null) mean.f32()[mean.offset() + r] = mu;
            if (rstd != null) rstd.f32()[rstd.offset() + r] = rs;
        });
    }

    /** The fused layer-norm input gradient (see {@link ReferenceKernels#layerNormBackwardRows}): two passes per row. */
    public static void layerNormBackwardRows(Tensor x, Tensor g, int rows, int n, Tensor weight, Tensor mean, Tensor rstd, Tensor dx) {
        if (!f32(x, g, weight, mean, rstd, dx) || (weight != null && !weight.isContiguous())) {
            ReferenceKernels.layerNormBackwardRows(x, g, rows, n, weight, mean, rstd, dx);
            return;
        }
        float[] a = x.f32(), gg = g.f32(), o = dx.f32(), w = weight == null ? null : weight.f32();
        float[] mu = mean.f32(), rs = rstd.f32();
        int xo = x.offset(), go = g.offset(), oo = dx.offset(), wo = weight == null ? 0 : weight.offset();
        int mo = mean.offset(), ro = rstd.offset();
        Parallel.forEach(rows, 8L * n, r -> {
            int xr = xo + r * n, gr = go + r * n, orow = oo + r * n;
            float m = mu[mo + r], s = rs[ro + r];
            FloatVector mv = FloatVector.broadcast(S, m), sv = FloatVector.broadcast(S, s);
            FloatVector acc1 = FloatVector.zero(S), acc2 = FloatVector.zero(S);
            int j = 0;
            for (; j <= n - L; j += L) {
                FloatVector d = FloatVector.fromArray(S, gg, gr + j);
                if (w != null) d = d.mul(FloatVector.fromArray(S, w, wo + j));
                FloatVector xhat = FloatVector.fromArray(S, a, xr + j).sub(mv).mul(sv);
                acc1 = acc1.add(d);
                acc2 = d.fma(xhat, acc2);
            }
            float m1 = addLanes(acc1), m2 = addLanes(acc2);
            for (; j < n; j++) {
                float d = gg[gr + j] * (w == null ? 1f : w[wo + j]);
                m1 += d;
                m2 += d * ((a[xr + j] - m) * s);
            }
            m1 /= n;
            m2 /= n;
            FloatVector m1v = FloatVector.broadcast(S, m1), m2v = FloatVector.broadcast(S, m2);
            j = 0;
            for (; j <= n - L; j += L) {
                FloatVector d = FloatVector.fromArray(S, gg, gr + j);
                if (w != null) d = d.mul(FloatVector.fromArray(S, w, wo + j));
                FloatVector xhat = FloatVector.fromArray(S, a, xr + j).sub(mv).mul(sv);
                d.sub(m1v).sub(xhat.mul(m2v)).mul(sv).intoArray(o, orow + j);
            }
            for (; j < n; j++) {
                float d = gg[gr + j] * (w == null ? 1f : w[wo + j]);
                o[orow + j] = s * (d - m1 - (a[xr + j] - m) * s * m2);
            }
        });
    }
}
