package clipvr.autograd.ops;

import clipvr.tensor.Tensor;
import clipvr.tensor.ops.Resampling;
import clipvr.tensor.ops.Windows;
import net.jqwik.api.*;

import java.util.SplittableRandom;

import static clipvr.autograd.Generators.*;

/**
 * Gradient properties of conv2d, pooling, batch norm and interpolation on small [N, C, H, W] inputs
 * (at most [2, 2, 5, 5]) with random, non-square geometry.
 */
class ConvPropertiesTest {

    @Provide Arbitrary<Long> seeds() { return clipvr.autograd.Generators.seeds(); }

    /** Input [N, C, H, W] with N ≤ 2, C ≤ 2, H, W in [hMin, 5]. */
    static int[] input(SplittableRandom r, int hMin) {
        return new int[]{1 + r.nextInt(2), 1 + r.nextInt(2), hMin + r.nextInt(6 - hMin), hMin + r.nextInt(6 - hMin)};
    }

    /** A random geometry valid for spatial size h × w: kernel 1–3 per axis (non-square allowed), stride 1–2, padding ≤ kernel/2. */
    static Windows.Geometry geometry(SplittableRandom r, int h, int w) {
        int kh = 1 + r.nextInt(Math.min(3, h)), kw = 1 + r.nextInt(Math.min(3, w));
        return new Windows.Geometry(kh, kw, 1 + r.nextInt(2), 1 + r.nextInt(2), r.nextInt(kh / 2 + 1), r.nextInt(kw / 2 + 1));
    }

    /** conv2d w.r.t. input, weight and bias (bias present or absent; a random subset requiring grad). */
    @Property(tries = 60, seed = "801")
    void conv2d(@ForAll("seeds") long seed, @ForAll boolean withBias) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] xs = input(r, 2);
        Windows.Geometry g = geometry(r, xs[2], xs[3]);
        int o = 1 + r.nextInt(3);
        boolean[] wrt = {r.nextInt(4) != 0, r.nextInt(4) != 0, withBias && r.nextBoolean()};
        if (!wrt[0] && !wrt[1] && !wrt[2]) wrt[0] = true;
        Layout lx = layout(xs, seed + 17), lw = layout(new int[]{o, xs[1], g.kh(), g.kw()}, seed + 18);
        Tensor x = uniform(seed, -1, 1, lx.stored()), w = uniform(seed + 1, -1, 1, lw.stored()), b = uniform(seed + 2, -1, 1, o);
        assertGrad("conv2d " + g + " x " + lx + " w " + lw, v -> Conv.conv2d(lx.apply(v.get(0)), lw.apply(v.get(1)), withBias ? v.get(2) : null, g), wrt, x, w, b);
    }

    /** conv2d forward agrees with the direct (naive) convolution. */
    @Property(tries = 60, seed = "802")
    void conv2dForwardMatchesDirect(@ForAll("seeds") long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] xs = input(r, 2);
        Windows.Geometry g = geometry(r, xs[2], xs[3]);
        int o = 1 + r.nextInt(3);
        Tensor x = uniform(seed, -1, 1, xs), w = uniform(seed + 1, -1, 1, o, xs[1], g.kh(), g.kw()), b = uniform(seed + 2, -1, 1, o);
        double[] fast = clipvr.tensor.ops.Convolution.conv2d(x, w, b, g).toDoubleArray();
        double[] slow = clipvr.tensor.ops.Convolution.conv2dDirect(x, w, b, g).toDoubleArray();
        org.junit.jupiter.api.Assertions.assertArrayEquals(slow, fast, 1e-12, () -> "conv2d " + g);
    }

    /**
     * max pooling is differentiable only without ties inside a window: all input values are distinct
     * (≥ 0.08 apart). Padding is -inf and at most kernel/2, so every window holds a real maximum.
     */
    @Property(tries = 60, seed = "803")
    void maxPool2d(@ForAll("seeds") long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] xs = input(r, 1);
        Windows.Geometry g = geometry(r, xs[2], xs[3]);
        Layout lx = layout(xs, seed + 17);
        assertGrad("maxPool2d " + g + " on " + lx, v -> Conv.maxPool2d(lx.apply(v.getFirst()), g), distinct(seed, lx.stored()));
    }

    @Property(tries = 60, seed = "804")
    void avgPool2d(@ForAll("seeds") long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] xs = input(r, 1);
        Windows.Geometry g = geometry(r, xs[2], xs[3]);
        Layout lx = layout(xs, seed + 17);
        assertGrad("avgPool2d " + g + " on " + lx, v -> Conv.avgPool2d(lx.apply(v.getFirst()), g), uniform(seed, -2, 2, lx.stored()));
    }

    /**
     * batchNorm2d in training mode (batch statistics depend on x, so dx has the two correction terms)
     * and in eval mode (running statistics are constants), with weight and bias each present or absent.
     * Training needs N·H·W ≥ 2 values per channel. Training mode is checked without running statistics
     * (with them every GradCheck evaluation would update them in place; the output does not depend on them).
     */
    @Property(tries = 80, seed = "805")
    void batchNorm2d(@ForAll("seeds") long seed, @ForAll boolean training, @ForAll boolean withWeight, @ForAll boolean withBias) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] xs = {1 + r.nextInt(3), 1 + r.nextInt(3), 1 + r.nextInt(3), 1 + r.nextInt(3)};
        if (training && xs[0] * xs[2] * xs[3] < 2) xs[0] = 2;
        int c = xs[1];
        Tensor runMean = training ? null : uniform(seed + 3, -0.5, 0.5, c);
        Tensor runVar = training ? null : uniform(seed + 4, 0.5, 2, c);
        boolean[] wrt = {true, withWeight && r.nextBoolean(), withBias && r.nextBoolean()};
        if ((wrt[1] || wrt[2]) && r.nextInt(3) == 0) wrt[0] = false;
        Layout lx = layout(xs, seed + 17);
        assertGrad("batchNorm2d(training=" + training + ", weight=" + withWeight + ", bias=" + withBias + ") on " + lx,
                v -> Conv.batchNorm2d(lx.apply(v.get(0)), runMean, runVar, withWeight ? v.get(1) : null, withBias ? v.get(2) : null,
                        training, 0.1, 1e-5),
                wrt, uniform(seed, -2, 2, lx.stored()), uniform(seed + 1, 0.5, 1.5, c), uniform(seed + 2, -1, 1, c));
    }

    /** Training with running statistics: the gradient is the same, and the running buffers move toward the batch statistics. */
    @Example
    void batchNorm2dTrainingWithRunningStats() {
        Tensor rm = Tensor.zeros(clipvr.tensor.DType.F64, 2), rv = Tensor.ones(clipvr.tensor.DType.F64, 2);
        assertGrad("batchNorm2d training + running stats",
                v -> Conv.batchNorm2d(v.get(0), rm, rv, v.get(1), v.get(2), true, 0.1, 1e-5),
                uniform(9, -2, 2, 2, 2, 3, 3), uniform(10, 0.5, 1.5, 2), uniform(11, -1, 1, 2));
        org.junit.jupiter.api.Assertions.assertNotEquals(0.0, rm.get(0));
    }

    /** Resizing nearest/bilinear/bicubic, up and down (and mixed), over inputs of rank 2–4. */
    @Property(tries = 80, seed = "806")
    void interpolate(@ForAll("seeds") long seed, @ForAll Resampling.Mode mode) {
        SplittableRandom r = new SplittableRandom(seed);
        int rank = 2 + r.nextInt(3);
        int[] xs = new int[rank];
        for (int d = 0; d < rank - 2; d++) xs[d] = 1 + r.nextInt(2);
        xs[rank - 2] = 1 + r.nextInt(5);
        xs[rank - 1] = 1 + r.nextInt(5);
        int ho = 1 + r.nextInt(7), wo = 1 + r.nextInt(7);
        Layout lx = layout(xs, seed + 17);
        assertGrad("interpolate " + mode + " " + xs[rank - 2] + "x" + xs[rank - 1] + " -> " + ho + "x" + wo + " on " + lx,
                v -> Conv.interpolate(lx.apply(v.getFirst()), ho, wo, mode), uniform(seed, -2, 2, lx.stored()));
    }
}
