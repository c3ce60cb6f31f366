package clipvr.tensor.kernels;

import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import clipvr.tensor.ops.ReduceOp;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** {@link ColumnSums} against its twin (transposed copy + {@link SimdKernels#reduceRows}): the same bits. */
class ColumnSumsTest {
    static float[] twin(Tensor x2d) {
        int r = x2d.size(0), c = x2d.size(1);
        Tensor t = x2d.transpose(0, 1).contiguous();                 // [C, R]
        Tensor out = Tensor.empty(DType.F32, c);
        SimdKernels.reduceRows(ReduceOp.SUM, t, c, r, out);
        return out.toFloatArray();
    }

    @Test void sameBitsAsTransposedRowSums() {
        SplittableRandom rng = new SplittableRandom(5);
        int[][] shapes = {{1, 16}, {15, 16}, {16, 17}, {17, 33}, {100, 128}, {257, 40}, {1000, 512}, {3, 1000}};
        for (int[] s : shapes) {
            Tensor x = Tensor.randn(DType.F32, rng, s);
            float[] got = new float[s[1]];
            ColumnSums.sum(x.f32(), 0, s[0], s[1], got, 0);
            float[] want = twin(x);
            for (int c = 0; c < s[1]; c++)
                assertEquals(Float.floatToRawIntBits(want[c]), Float.floatToRawIntBits(got[c]),
                        "shape " + s[0] + "x" + s[1] + " column " + c + ": " + got[c] + " vs " + want[c]);
        }
    }

    /** Through Tensor.sum over leading axes (the bias-gradient case), with an offset view and keepdim. */
    @Test void tensorSumOverLeadingAxesMatchesTwin() {
        SplittableRandom rng = new SplittableRandom(6);
        Tensor big = Tensor.randn(DType.F32, rng, 5, 7, 9, 48);
        Tensor x = big.narrow(0, 1, 3);                              // contiguous with an offset
        float[] want = twin(x.contiguous().reshape(3 * 7 * 9, 48));
        assertArrayEquals(want, x.sum(new int[]{0, 1, 2}, false).toFloatArray());
        assertArrayEquals(want, x.sum(new int[]{0, 1, 2}, true).reshape(48).toFloatArray());
        assertArrayEquals(new int[]{1, 1, 1, 48}, x.sum(new int[]{0, 1, 2}, true).shape());
        assertArrayEquals(want, x.sumTo(48).toFloatArray());
    }
    /**
     * LayerNorm's weight gradient in one pass ({@link ColumnSums#sumOfGradXhat}, via Normalization.layerNormWeightGrad)
     * against its twin, the [.., D] buffer ((x − μ)·rstd)·g summed over the rows: the same bits, for row counts and
     * widths that are and are not multiples of the vector length, ranks 2 to 4, and a float64 check of the values.
     */
    @Test void layerNormWeightGradientHasTheBitsOfItsComposition() {
        SplittableRandom rng = new SplittableRandom(7);
        int[][] shapes = {{16, 16}, {17, 33}, {3, 65, 384}, {2, 5, 7, 40}, {1000, 24}, {9, 8}};
        for (int[] s : shapes) {
            Tensor x = Tensor.randn(DType.F32, rng, s).mul(3).add(0.5), g = Tensor.randn(DType.F32, rng, s);
            var ln = clipvr.tensor.ops.Normalization.layerNorm(x, null, null, 1e-5);
            Tensor fused = clipvr.tensor.ops.Normalization.layerNormWeightGrad(x, g, ln.mean(), ln.rstd());
            Tensor twin = clipvr.tensor.ops.Normalization.layerNormWeightGradComposition(x, g, ln.mean(), ln.rstd());
            int d = s[s.length - 1];
            assertArrayEquals(new int[]{d}, fused.shape());
            float[] a = fused.toFloatArray(), b = twin.toFloatArray();
            for (int c = 0; c < d; c++)
                assertEquals(Float.floatToRawIntBits(b[c]), Float.floatToRawIntBits(a[c]), java.util.Arrays.toString(s) + " column " + c);
            // and the value itself, in float64 from the same float32 mean/rstd: Σ_r (x − μ)·rstd·g
            double[] xd = x.toDoubleArray(), gd = g.toDoubleArray(), mu = ln.mean().toDoubleArray(), rs = ln.rstd().toDoubleArray();
            for (int c = 0; c < d; c++) {
                double want = 0, mag = 0;
                for (int r = 0; r < mu.length; r++) {
                    double t = (xd[r * d + c] - mu[r]) * rs[r] * gd[r * d + c];
                    want += t;
                    mag += Math.abs(t);
                }
                assertEquals(want, a[c], 1e-5 * mag + 1e-6, java.util.Arrays.toString(s) + " column " + c);
            }
        }
    }
}
