package clipvr.tensor;

import clipvr.tensor.ops.BatchNorm;
import clipvr.tensor.ops.Convolution;
import clipvr.tensor.ops.Pooling;
import clipvr.tensor.ops.Windows;
import net.jqwik.api.*;
import net.jqwik.api.constraints.IntRange;

import java.util.SplittableRandom;

import static clipvr.tensor.PropertySupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * conv2d, pooling and batch norm against loops written in the test (and conv2d also against the library's own
 * direct twin {@link Convolution#conv2dDirect}), on random geometry: kernel 1..4, stride 1..3, padding 0..2 per axis.
 */
class ConvPoolPropertiesTest {

    /** A random convolution/pooling problem: x [n, c, h, w], geometry g. */
    record Problem(int n, int c, int h, int w, Windows.Geometry g) {
        int ho() { return g.outH(h); }
        int wo() { return g.outW(w); }
        int[] xShape() { return new int[]{n, c, h, w}; }
    }

    @Provide Arbitrary<Problem> problems() { return problemArbitrary(); }

    static Arbitrary<Problem> problemArbitrary() {
        Arbitrary<int[]> dims = Arbitraries.integers().between(1, 7).list().ofSize(4).map(PropertySupport::ints);  // n, c, h, w (n, c folded below)
        Arbitrary<int[]> geo = Arbitraries.integers().between(0, 3).list().ofSize(6).map(PropertySupport::ints);  // kh, kw, sh, sw, ph, pw
        return Combinators.combine(dims, geo).as((d, q) -> {
            int n = 1 + d[0] % 2, c = 1 + d[1] % 3, h = d[2], w = d[3];
            int ph = Math.min(q[4], 2), pw = Math.min(q[5], 2);
            int kh = Math.min(q[0] + 1, h + 2 * ph), kw = Math.min(q[1] + 1, w + 2 * pw);
            int sh = Math.max(q[2], 1), sw = Math.max(q[3], 1);
            return new Problem(n, c, h, w, new Windows.Geometry(kh, kw, sh, sw, ph, pw));
        });
    }

    /** x[b, ch, iy, ix] of the zero-... padded input, or {@code pad} outside. */
    static double at(double[] x, Problem p, int b, int ch, int iy, int ix, double pad) {
        if (iy < 0 || iy >= p.h || ix < 0 || ix >= p.w) return pad;
        return x[((b * p.c + ch) * p.h + iy) * p.w + ix];
    }

    // ------------------------------------------------------------------ conv2d

    @Property(tries = 100, seed = "301")
    void conv2dMatchesLoopsAndDirectTwin(@ForAll("problems") Problem p, @ForAll @IntRange(min = 1, max = 3) int o,
                                         @ForAll boolean withBias, @ForAll boolean strided, @ForAll long seed) {
        var rng = new SplittableRandom(seed);
        var g = p.g();
        double[] xv = gaussians(rng, p.n * p.c * p.h * p.w, 1), wv = gaussians(rng, o * p.c * g.kh() * g.kw(), 1), bv = gaussians(rng, o, 1);
        int ho = p.ho(), wo = p.wo();
        double[] want = new double[p.n * o * ho * wo], absSum = new double[want.length];
        for (int b = 0; b < p.n; b++) for (int oc = 0; oc < o; oc++) for (int y = 0; y < ho; y++) for (int xx = 0; xx < wo; xx++) {
            double s = withBias ? bv[oc] : 0, a = Math.abs(s);
            for (int ic = 0; ic < p.c; ic++) for (int ky = 0; ky < g.kh(); ky++) for (int kx = 0; kx < g.kw(); kx++) {
                double wgt = wv[((oc * p.c + ic) * g.kh() + ky) * g.kw() + kx];
                double v = at(xv, p, b, ic, y * g.sh() + ky - g.ph(), xx * g.sw() + kx - g.pw(), 0.0);
                s += wgt * v;
                a += Math.abs(wgt * v);
            }
            int i = ((b * o + oc) * ho + y) * wo + xx;
            want[i] = s;
            absSum[i] = a;
        }
        int[] ws = {o, p.c, g.kh(), g.kw()};
        String what = p + " o=" + o;
        for (DType dt : DType.values()) {
            Tensor x = tensor(dt, xv, p.xShape(), strided, rng), w = tensor(dt, wv, ws, strided, rng);
            Tensor bias = withBias ? Tensor.of(bv.clone(), o).to(dt) : null;
            Tensor got = Convolution.conv2d(x, w, bias, g);
            assertShape("conv2d " + what, new int[]{p.n, o, ho, wo}, got);
            // float64: summation order only. float32: a dot product of K = c·kh·kw terms has
            // |error| ≤ γ_K·Σ|w·x| (plus rounding the inputs to float: 2u·Σ|w·x|)
            int k = p.c * g.kh() * g.kw();
            Tolerance tol = dt == DType.F64 ? (i, e) -> 1e-12 * (1 + absSum[i]) : (i, e) -> (k + 4) * U32 * (1 + absSum[i]);
            assertClose("conv2d " + dt + " " + what, want, got.toDoubleArray(), tol);
            if (dt == DType.F64) assertClose("conv2dDirect " + what, want, Convolution.conv2dDirect(x, w, bias, g).toDoubleArray(), tol);
        }
    }

    // ------------------------------------------------------------------ pooling

    @Property(tries = 150, seed = "302")
    void maxPoolMatchesLoopsWithFirstMaximumAndMinusInfinityPadding(@ForAll("problems") Problem p, @ForAll boolean strided, @ForAll long seed) {
        var rng = new SplittableRandom(seed);
        var g = p.g();
        int ho = p.ho(), wo = p.wo(), k = g.kh() * g.kw();
        double[] xv = smallInts(rng, p.n * p.c * p.h * p.w, 3);     // ties: the first maximum in window order wins
        double[] want = new double[p.n * p.c * ho * wo];
        int[] arg = new int[want.length];
        double[] gradOut = gaussians(rng, want.length, 1), gradIn = new double[xv.length];
        for (int b = 0; b < p.n; b++) for (int ch = 0; ch < p.c; ch++) for (int y = 0; y < ho; y++) for (int xx = 0; xx < wo; xx++) {
            int i = ((b * p.c + ch) * ho + y) * wo + xx;
            double best = Double.NEGATIVE_INFINITY;
            int bi = 0;
            for (int ky = 0; ky < g.kh(); ky++) for (int kx = 0; kx < g.kw(); kx++) {
                double v = at(xv, p, b, ch, y * g.sh() + ky - g.ph(), xx * g.sw() + kx - g.pw(), Double.NEGATIVE_INFINITY);
                if (v > best) { best = v; bi = ky * g.kw() + kx; }
            }
            want[i] = best;
            arg[i] = bi;
            int iy = y * g.sh() + bi / g.kw() - g.ph(), ix = xx * g.sw() + bi % g.kw() - g.pw();
            if (iy >= 0 && iy < p.h && ix >= 0 && ix < p.w) gradIn[((b * p.c + ch) * p.h + iy) * p.w + ix] += gradOut[i];
        }
        for (DType dt : DType.values()) {
            var res = Pooling.maxPool2d(tensor(dt, xv, p.xShape(), strided, rng), g);
            assertShape("maxPool2d", new int[]{p.n, p.c, ho, wo}, res.out());
            assertArrayEquals(want, res.out().toDoubleArray(), 0.0, "maxPool2d " + p + " " + dt);
            assertArrayEquals(arg, res.argmax(), "maxPool2d argmax " + p + " " + dt);
            assertTrue(k > 0);
            Tensor gi = Pooling.maxPool2dBackward(Tensor.of(gradOut.clone(), p.n, p.c, ho, wo).to(dt), res.argmax(), p.xShape(), g);
            assertClose("maxPool2dBackward " + p + " " + dt, gradIn, gi.toDoubleArray(), dt == DType.F64 ? 1e-12 : 1e-5, 1e-6);
        }
    }

    @Property(tries = 150, seed = "303")
    void avgPoolCountsPaddingInTheDivisor(@ForAll("problems") Problem p, @ForAll boolean strided, @ForAll long seed) {
        var rng = new SplittableRandom(seed);
        var g = p.g();
        int ho = p.ho(), wo = p.wo();
        double[] xv = gaussians(rng, p.n * p.c * p.h * p.w, 1), want = new double[p.n * p.c * ho * wo];
        for (int b = 0; b < p.n; b++) for (int ch = 0; ch < p.c; ch++) for (int y = 0; y < ho; y++) for (int xx = 0; xx < wo; xx++) {
            double s = 0;
            for (int ky = 0; ky < g.kh(); ky++) for (int kx = 0; kx < g.kw(); kx++)
                s += at(xv, p, b, ch, y * g.sh() + ky - g.ph(), xx * g.sw() + kx - g.pw(), 0.0);
            want[((b * p.c + ch) * ho + y) * wo + xx] = s / (g.kh() * g.kw());   // count_include_pad=True
        }
        for (DType dt : DType.values()) {
            Tensor got = Pooling.avgPool2d(tensor(dt, xv, p.xShape(), strided, rng), g);
            assertShape("avgPool2d", new int[]{p.n, p.c, ho, wo}, got);
            assertClose("avgPool2d " + p + " " + dt, want, got.toDoubleArray(), dt == DType.F64 ? 1e-13 : 1e-5, 1e-6);
        }
    }

    // ------------------------------------------------------------------ batch norm

    @Property(tries = 150, seed = "304")
    void batchNorm2dTrainAndEvalMatchLoops(@ForAll @IntRange(min = 1, max = 3) int n, @ForAll @IntRange(min = 1, max = 3) int c,
                                           @ForAll @IntRange(min = 1, max = 4) int h, @ForAll @IntRange(min = 1, max = 4) int w,
                                           @ForAll boolean training, @ForAll boolean affine, @ForAll long seed) {
        Assume.that(!training || n * h * w > 1);
        var rng = new SplittableRandom(seed);
        double momentum = 0.1 + 0.5 * rng.nextDouble(), eps = 1e-5;
        double[] xv = gaussians(rng, n * c * h * w, 2), rm = gaussians(rng, c, 1), rv = new double[c], wv = gaussians(rng, c, 1), bv = gaussians(rng, c, 1);
        for (int ch = 0; ch < c; ch++) rv[ch] = 0.5 + rng.nextDouble();
        int m = n * h * w;
        double[] mean = new double[c], var = new double[c], newRm = rm.clone(), newRv = rv.clone(), want = new double[xv.length];
        for (int ch = 0; ch < c; ch++) {
            if (training) {
                for (int b = 0; b < n; b++) for (int i = 0; i < h * w; i++) mean[ch] += xv[(b * c + ch) * h * w + i];
                mean[ch] /= m;
                for (int b = 0; b < n; b++) for (int i = 0; i < h * w; i++) { double d = xv[(b * c + ch) * h * w + i] - mean[ch]; var[ch] += d * d; }
                var[ch] /= m;                                                          // biased for normalising
                newRm[ch] = (1 - momentum) * rm[ch] + momentum * mean[ch];
                newRv[ch] = (1 - momentum) * rv[ch] + momentum * var[ch] * m / (m - 1); // unbiased for the running estimate
            } else {
                mean[ch] = rm[ch];
                var[ch] = rv[ch];
            }
            for (int b = 0; b < n; b++) for (int i = 0; i < h * w; i++) {
                int j = (b * c + ch) * h * w + i;
                want[j] = (xv[j] - mean[ch]) / Math.sqrt(var[ch] + eps) * (affine ? wv[ch] : 1) + (affine ? bv[ch] : 0);
            }
        }
        Tensor runMean = Tensor.of(rm.clone(), c), runVar = Tensor.of(rv.clone(), c);
        var res = BatchNorm.batchNorm2d(Tensor.of(xv.clone(), n, c, h, w), runMean, runVar,
                affine ? Tensor.of(wv, c) : null, affine ? Tensor.of(bv, c) : null, training, momentum, eps);
        String what = "[" + n + ", " + c + ", " + h + ", " + w + "] training=" + training;
        assertClose("batchNorm2d " + what, want, res.out().toDoubleArray(), 1e-10, 1e-10);
        assertClose("running mean " + what, newRm, runMean.toDoubleArray(), 1e-13, 1e-12);
        assertClose("running var " + what, newRv, runVar.toDoubleArray(), 1e-13, 1e-12);
        assertClose("saved mean " + what, mean, res.mean().toDoubleArray(), 1e-13, 1e-12);
    }
}
