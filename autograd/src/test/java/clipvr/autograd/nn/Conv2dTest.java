package clipvr.autograd.nn;

import clipvr.autograd.Var;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class Conv2dTest {
    /** Direct convolution: out[n,o,y,x] = b[o] + Σ_{c,ky,kx} w[o,c,ky,kx]·x[n,c,y·s+ky-p,x·s+kx-p] (zero outside). */
    static double[] naive(Tensor x, Tensor w, Tensor b, int stride, int pad) {
        int n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3), o = w.size(0), k = w.size(2);
        int ho = (h + 2 * pad - k) / stride + 1, wo = (wd + 2 * pad - k) / stride + 1;
        double[] out = new double[n * o * ho * wo];
        int i = 0;
        for (int a = 0; a < n; a++)
            for (int oc = 0; oc < o; oc++)
                for (int y = 0; y < ho; y++)
                    for (int xx = 0; xx < wo; xx++) {
                        double acc = b == null ? 0 : b.get(oc);
                        for (int ic = 0; ic < c; ic++)
                            for (int ky = 0; ky < k; ky++)
                                for (int kx = 0; kx < k; kx++) {
                                    int iy = y * stride + ky - pad, ix = xx * stride + kx - pad;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < wd) acc += w.get(oc, ic, ky, kx) * x.get(a, ic, iy, ix);
                                }
                        out[i++] = acc;
                    }
        return out;
    }

    @Test void forwardMatchesDirectConvolution() {
        Conv2d conv = new Conv2d(2, 3, 3, 2, 1, true, DType.F64, new SplittableRandom(1));
        assertArrayEquals(new int[]{3, 2, 3, 3}, conv.weight().shape());
        Tensor x = Tensor.randn(DType.F64, new SplittableRandom(2), 2, 2, 5, 6);
        Tensor y = conv.forward(Var.constant(x)).data();
        assertArrayEquals(new int[]{2, 3, 3, 3}, y.shape());
        assertTrue(ModuleGradCheck.maxAbsDiff(y, naive(x, conv.weight().data(), conv.bias().data(), 2, 1)) < 1e-12);
    }

    @Test void initBoundIsOneOverSqrtFanIn() {
        Conv2d conv = new Conv2d(3, 4, 2, 2, 0, true, DType.F32, new SplittableRandom(5));
        double bound = 1 / Math.sqrt(3 * 2 * 2);
        for (float v : conv.weight().data().toFloatArray()) assertTrue(Math.abs(v) <= bound);
        for (float v : conv.bias().data().toFloatArray()) assertTrue(Math.abs(v) <= bound);
    }

    @Test void gradCheckInputAndParameters() {
        Conv2d conv = new Conv2d(2, 2, 3, 1, 1, true, DType.F64, new SplittableRandom(3));
        ModuleGradCheck.assertGradients(conv, conv, Tensor.randn(DType.F64, new SplittableRandom(4), 1, 2, 4, 4));
        Conv2d strided = new Conv2d(2, 2, 2, 2, 0, false, DType.F64, new SplittableRandom(3));
        ModuleGradCheck.assertGradients(strided, strided, Tensor.randn(DType.F64, new SplittableRandom(4), 2, 2, 4, 4));
    }
}
