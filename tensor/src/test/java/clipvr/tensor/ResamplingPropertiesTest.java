package clipvr.tensor;

import clipvr.tensor.ops.Resampling;
import clipvr.tensor.ops.Resampling.Mode;
import net.jqwik.api.*;
import net.jqwik.api.constraints.IntRange;

import java.util.SplittableRandom;

import static clipvr.tensor.PropertySupport.*;

/**
 * {@link Resampling#interpolate} (built from separable [out, in] matrices) against a direct per-pixel
 * implementation of PyTorch's {@code F.interpolate(..., align_corners=False)} written here from the formulas:
 * <ul>
 * <li>nearest: src = min(⌊dst·in/out⌋, in − 1);</li>
 * <li>bilinear: src = (dst + 0.5)·in/out − 0.5, clamped below at 0; i0 = ⌊src⌋, i1 = i0 + 1 unless i0 is the last
 *     index, weights (1 − λ, λ) with λ = src − i0;</li>
 * <li>bicubic: same src without the clamp; i = ⌊src⌋, t = src − i; taps i−1..i+2 clamped into [0, in−1] with Keys'
 *     weights (a = −0.75): W(t+1), W(t), W(1−t), W(2−t).</li>
 * </ul>
 */
class ResamplingPropertiesTest {

    static double srcCoord(int dst, int in, int out) { return (dst + 0.5) * in / out - 0.5; }

    /** Keys' cubic with a = −0.75, both pieces written out. */
    static double keys(double x) {
        double a = -0.75;
        x = Math.abs(x);
        if (x <= 1) return (a + 2) * x * x * x - (a + 3) * x * x + 1;
        if (x < 2) return a * x * x * x - 5 * a * x * x + 8 * a * x - 4 * a;
        return 0;
    }

    /** The taps (indices and weights) that make output position dst along one axis. */
    static void taps(Mode mode, int dst, int in, int out, int[] idx, double[] wt) {
        java.util.Arrays.fill(wt, 0);
        switch (mode) {
            case NEAREST -> { idx[0] = Math.min((int) Math.floor((double) dst * in / out), in - 1); wt[0] = 1; }
            case BILINEAR -> {
                double src = Math.max(srcCoord(dst, in, out), 0);
                int i0 = (int) Math.floor(src);
                idx[0] = i0;
                idx[1] = i0 < in - 1 ? i0 + 1 : i0;
                wt[1] = src - i0;
                wt[0] = 1 - wt[1];
            }
            case BICUBIC -> {
                double src = srcCoord(dst, in, out);
                int i = (int) Math.floor(src);
                double t = src - i;
                double[] w = {keys(t + 1), keys(t), keys(1 - t), keys(2 - t)};
                for (int k = 0; k < 4; k++) { idx[k] = Math.min(Math.max(i - 1 + k, 0), in - 1); wt[k] = w[k]; }
            }
        }
    }

    @Property(tries = 200, seed = "501")
    void interpolateMatchesPerPixelPyTorchFormulas(@ForAll Mode mode, @ForAll @IntRange(min = 0, max = 2) int lead,
                                                   @ForAll @IntRange(min = 1, max = 9) int h, @ForAll @IntRange(min = 1, max = 9) int w,
                                                   @ForAll @IntRange(min = 1, max = 12) int ho, @ForAll @IntRange(min = 1, max = 12) int wo,
                                                   @ForAll boolean strided, @ForAll long seed) {
        var rng = new SplittableRandom(seed);
        int planes = lead == 0 ? 1 : lead == 1 ? 2 : 6;
        int[] shape = lead == 0 ? new int[]{h, w} : lead == 1 ? new int[]{2, h, w} : new int[]{2, 3, h, w};
        int[] outShape = shape.clone();
        outShape[shape.length - 2] = ho;
        outShape[shape.length - 1] = wo;
        double[] xv = gaussians(rng, planes * h * w, 1), want = new double[planes * ho * wo];
        int[] iy = new int[4], ix = new int[4];
        double[] wy = new double[4], wx = new double[4];
        for (int p = 0; p < planes; p++) for (int y = 0; y < ho; y++) for (int x = 0; x < wo; x++) {
            taps(mode, y, h, ho, iy, wy);
            taps(mode, x, w, wo, ix, wx);
            double s = 0;
            for (int a = 0; a < 4; a++) for (int b = 0; b < 4; b++)
                if (wy[a] != 0 && wx[b] != 0) s += wy[a] * wx[b] * xv[(p * h + iy[a]) * w + ix[b]];
            want[(p * ho + y) * wo + x] = s;
        }
        for (DType dt : DType.values()) {
            Tensor got = Resampling.interpolate(tensor(dt, xv, shape, strided, rng), ho, wo, mode);
            assertShape("interpolate", outShape, got);
            // float32: ≤ 16 taps with weights |w| ≤ 1.3, products and sums rounded: well under 1e-5 for |x| ~ 1
            assertClose(mode + " " + h + "x" + w + " -> " + ho + "x" + wo + " " + dt, want, got.toDoubleArray(),
                    dt == DType.F64 ? 1e-12 : 2e-5, dt == DType.F64 ? 1e-12 : 1e-5);
        }
    }

    @Example void identityResizeIsExact() {
        var rng = new SplittableRandom(5);
        double[] xv = gaussians(rng, 2 * 5 * 7, 1);
        for (Mode mode : Mode.values())
            assertClose("identity " + mode, xv, Resampling.interpolate(Tensor.of(xv.clone(), 2, 5, 7), 5, 7, mode).toDoubleArray(), 1e-15, 0);
    }
}
