package clipvr.tensor.kernels;

import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import clipvr.tensor.ops.Convolution;
import clipvr.tensor.ops.Windows;
import net.jqwik.api.*;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static clipvr.tensor.PropertySupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The direct float32 convolution kernel ({@link DirectConv}, picked by {@link Convolution#conv2d} for small
 * stride-1 problems) against the float64 reference twin {@link Convolution#conv2dDirect} evaluated on the same
 * float inputs.
 */
class DirectConvPropertiesTest {

    static void check(int n, int c, int h, int w, int o, int k, int pad, boolean withBias, long seed) {
        var rng = new SplittableRandom(seed);
        var g = Windows.Geometry.square(k, 1, pad);
        float[] xv = floats(gaussians(rng, n * c * h * w, 1)), wv = floats(gaussians(rng, o * c * k * k, 1)), bv = floats(gaussians(rng, o, 1));
        Tensor x = Tensor.of(xv, n, c, h, w), wt = Tensor.of(wv, o, c, k, k), b = withBias ? Tensor.of(bv, o) : null;
        String what = "n=" + n + " c=" + c + " h=" + h + " w=" + w + " o=" + o + " k=" + k + " pad=" + pad + " bias=" + withBias;
        assertEquals(!CpuBackend.REFERENCE, Convolution.useDirect(x, wt, g), what);
        Tensor got = Convolution.conv2d(x, wt, b, g);
        Tensor x64 = x.to(DType.F64), w64 = wt.to(DType.F64), b64 = withBias ? b.to(DType.F64) : null;
        Tensor want = Convolution.conv2dDirect(x64, w64, b64, g);
        Tensor mag = Convolution.conv2dDirect(x64.abs(), w64.abs(), withBias ? b64.abs() : null, g);
        int[] shape = {n, o, g.outH(h), g.outW(w)};
        assertShape(what, shape, got);
        double[] e = want.contiguous().toDoubleArray(), m = mag.contiguous().toDoubleArray(), a = got.to(DType.F64).contiguous().toDoubleArray();
        int kk = c * k * k;
        for (int i = 0; i < e.length; i++)
            assertEquals(e[i], a[i], 1e-5 * Math.sqrt(kk) * (1 + m[i]) + (kk + 2) * U32 * m[i], what + " at " + i);

        // backward products (direct kernels where the rule applies) against the float64 path on the same inputs
        float[] gv = floats(gaussians(rng, numel(shape), 1));
        Tensor gt = Tensor.of(gv, shape), g64 = gt.to(DType.F64);
        int[] xs = {n, c, h, w}, ws = {o, c, k, k};
        compare("backwardInput " + what, Convolution.conv2dBackwardInput(gt, wt, xs, g),
                Convolution.conv2dBackwardInput(g64, w64, xs, g), Convolution.conv2dBackwardInput(g64.abs(), w64.abs(), xs, g), o * k * k);
        compare("backwardWeight " + what, Convolution.conv2dBackwardWeight(gt, x, ws, g),
                Convolution.conv2dBackwardWeight(g64, x64, ws, g), Convolution.conv2dBackwardWeight(g64.abs(), x64.abs(), ws, g),
                n * shape[2] * shape[3]);
    }

    static void compare(String what, Tensor got, Tensor want, Tensor mag, int terms) {
        assertArrayEquals(want.shape(), got.shape(), what);
        assertEquals(DType.F32, got.dtype(), what);
        double[] e = want.contiguous().toDoubleArray(), m = mag.contiguous().toDoubleArray(), a = got.to(DType.F64).contiguous().toDoubleArray();
        for (int i = 0; i < e.length; i++)
            assertEquals(e[i], a[i], 1e-5 * Math.sqrt(terms) * (1 + m[i]) + (terms + 2) * U32 * m[i], what + " at " + i);
    }

    static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    @Property(tries = 150, seed = "4242")
    void directKernelMatchesReferenceTwin(@ForAll @IntRange(min = 1, max = 3) int n, @ForAll @IntRange(min = 1, max = 9) int c,
                                         @ForAll @IntRange(min = 1, max = 9) int h, @ForAll @IntRange(min = 1, max = 50) int w,
                                         @ForAll @IntRange(min = 1, max = 10) int o, @ForAll boolean threeByThree,
                                         @ForAll boolean padded, @ForAll boolean withBias, @ForAll long seed) {
        int k = threeByThree ? 3 : 1, pad = padded ? 1 : 0;
        if (h + 2 * pad < k || w + 2 * pad < k) pad = 1;
        check(n, c, h, w, o, k, pad, withBias, seed);
    }

    @Test void maskNetworkShapes() {
        // the mask network's layers, shrunk spatially; incl. the largest K (64·9 = 576) and O = 64
        check(2, 3, 20, 37, 8, 3, 1, true, 1);
        check(1, 8, 11, 18, 16, 3, 1, true, 2);
        check(2, 16, 7, 14, 32, 3, 1, false, 3);
        check(1, 32, 5, 33, 64, 3, 1, true, 4);
        check(2, 64, 6, 28, 3, 3, 1, true, 5);
        check(1, 1, 1, 1, 1, 1, 0, true, 6);
    }

    @Test void infinityOnlyReachesTheWeightGradientsWhoseWindowsCoverIt() {
        // width 19 (not a multiple of the vector length): vector lanes past the row must not pick up the inf
        int n = 1, c = 2, h = 4, w = 19, o = 3;
        var g = Windows.Geometry.square(3, 1, 1);
        float[] xv = new float[n * c * h * w];
        java.util.Arrays.fill(xv, 0.5f);
        xv[18] = Float.POSITIVE_INFINITY;   // (c=0, y=0, x=18): the last column, read by lanes x ≥ 19 with kx = 0
        float[] gv = new float[n * o * h * w];
        java.util.Arrays.fill(gv, 1f);
        Tensor x = Tensor.of(xv, n, c, h, w), gt = Tensor.of(gv, n, o, h, w);
        double[] got = Convolution.conv2dBackwardWeight(gt, x, new int[]{o, c, 3, 3}, g).toDoubleArray();
        double[] want = Convolution.conv2dBackwardWeight(gt.to(DType.F64), x.to(DType.F64), new int[]{o, c, 3, 3}, g).toDoubleArray();
        for (int i = 0; i < want.length; i++)
            if (Double.isFinite(want[i])) assertEquals(want[i], got[i], 1e-4, "at " + i);
            else assertEquals(want[i], got[i], "at " + i);
    }

    @Test void largeProblemsKeepTheGemmPath() {
        var g = Windows.Geometry.square(3, 1, 1);
        assertFalse(Convolution.useDirect(Tensor.zeros(DType.F32, 1, 65, 4, 4), Tensor.zeros(DType.F32, 8, 65, 3, 3), g));
        assertFalse(Convolution.useDirect(Tensor.zeros(DType.F32, 1, 8, 4, 4), Tensor.zeros(DType.F32, 65, 8, 3, 3), g));
        assertFalse(Convolution.useDirect(Tensor.zeros(DType.F32, 1, 8, 4, 4), Tensor.zeros(DType.F32, 8, 8, 3, 3), Windows.Geometry.square(3, 2, 1)));
        assertFalse(Convolution.useDirect(Tensor.zeros(DType.F64, 1, 8, 4, 4), Tensor.zeros(DType.F64, 8, 8, 3, 3), g));
    }
}
