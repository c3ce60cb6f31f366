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
}
