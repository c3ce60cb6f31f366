package clipvr.tensor;

import clipvr.tensor.ops.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Error messages (they name the op and both shapes / both dtypes) and the NaN rules, which follow PyTorch:
 * <ul>
 * <li>max / min reductions, maximum / minimum, relu, clamp and max pooling propagate NaN (a NaN input gives a NaN
 *     output, never a silently dropped value);</li>
 * <li>argmax treats NaN as the largest value (the index of the first NaN), and so does topk (NaN sorts first
 *     when largest = true, last when largest = false);</li>
 * <li>a NaN anywhere in a softmax row makes the whole row NaN; relu_grad(NaN) = 0.</li>
 * </ul>
 * Each rule is checked for float32 (SIMD kernels) and float64 (reference kernels).
 */
class ErrorsAndNaNTest {

    static String message(Class<? extends Throwable> type, Executable e) {
        return assertThrows(type, e).getMessage();
    }

    static void mentions(String msg, String... parts) {
        for (String p : parts) assertTrue(msg.contains(p), "message should mention '" + p + "': " + msg);
    }

    static Tensor t(DType dt, int... shape) { return Tensor.ones(dt, shape); }

    // ------------------------------------------------------------------ shape mismatches

    @Test void shapeMismatchesNameTheOpAndBothShapes() {
        DType f = DType.F32;
        mentions(message(IllegalArgumentException.class, () -> t(f, 2, 3).add(t(f, 4, 3))), "add", "[2, 3]", "[4, 3]");
        mentions(message(IllegalArgumentException.class, () -> t(f, 2, 3).mul(t(f, 2))), "mul", "[2, 3]", "[2]");
        mentions(message(IllegalArgumentException.class, () -> t(f, 2, 3).matmul(t(f, 4, 5))), "matmul", "[2, 3]", "[4, 5]");
        mentions(message(IllegalArgumentException.class, () -> t(f, 2, 3).matmulT(t(f, 5, 4))), "matmulT", "[2, 3]", "[5, 4]");
        mentions(message(IllegalArgumentException.class, () -> t(f, 2, 4, 3).matmul(t(f, 3, 3, 5))), "matmul", "[2, 4, 3]", "[3, 3, 5]");
        mentions(message(IllegalArgumentException.class, () -> Indexing.cat(List.of(t(f, 2, 3), t(f, 2, 4)), 0)), "cat", "[2, 3]", "[2, 4]");
        mentions(message(IllegalArgumentException.class, () -> Indexing.stack(List.of(t(f, 2, 3), t(f, 3, 2)), 0)), "stack", "[2, 3]", "[3, 2]");
        mentions(message(IllegalArgumentException.class,
                () -> Convolution.conv2d(t(f, 1, 3, 8, 8), t(f, 4, 2, 3, 3), null, Windows.Geometry.square(3, 1, 0))),
                "conv2d", "[1, 3, 8, 8]", "[4, 2, 3, 3]");
        mentions(message(IllegalArgumentException.class,
                () -> Convolution.conv2d(t(f, 1, 3, 2, 2), t(f, 4, 3, 3, 3), null, Windows.Geometry.square(3, 1, 0))),
                "conv2d", "3x3", "[1, 3, 2, 2]");
        mentions(message(IllegalArgumentException.class, () -> t(f, 2, 3).view(4, 2)), "view", "[2, 3]", "[4, 2]");
        mentions(message(IllegalArgumentException.class, () -> t(f, 2, 3).expand(4, 3)), "expand", "[2, 3]", "[4, 3]");
        mentions(message(IllegalArgumentException.class, () -> t(f, 2, 3).layerNorm(t(f, 2), null, 1e-5)), "layerNorm", "[2]", "[2, 3]");
        mentions(message(IllegalArgumentException.class, () -> t(f, 2, 3).sumTo(4, 3)), "sumTo", "[2, 3]", "[4, 3]");
    }

    @Test void dtypeMismatchesNameBothDTypes() {
        Tensor a = t(DType.F32, 2, 2), b = t(DType.F64, 2, 2);
        mentions(message(IllegalArgumentException.class, () -> a.add(b)), "add", "F32", "F64");
        mentions(message(IllegalArgumentException.class, () -> a.matmul(b)), "matmul", "F32", "F64");
        mentions(message(IllegalArgumentException.class, () -> Indexing.cat(List.of(a, b), 0)), "cat", "F32", "F64");
        mentions(message(IllegalArgumentException.class, () -> Tensor.where(a, a, b)), "where", "F32", "F64");
        mentions(message(IllegalArgumentException.class,
                () -> Convolution.conv2d(t(DType.F32, 1, 1, 3, 3), t(DType.F64, 1, 1, 3, 3), null, Windows.Geometry.square(3, 1, 0))),
                "conv2d", "F32", "F64");
        mentions(message(IllegalArgumentException.class,
                () -> Convolution.conv2d(t(DType.F32, 1, 1, 3, 3), t(DType.F32, 1, 1, 3, 3), t(DType.F64, 1), Windows.Geometry.square(3, 1, 0))),
                "conv2d", "F32", "F64");
        mentions(message(IllegalArgumentException.class, () -> a.layerNorm(t(DType.F64, 2), null, 1e-5)), "layerNorm", "F32", "F64");
        mentions(message(IllegalArgumentException.class, () -> a.layerNorm(null, t(DType.F64, 2), 1e-5)), "layerNorm", "F32", "F64");
    }

    @Test void outOfRangeAxesAndIndices() {
        Tensor x = t(DType.F64, 2, 3);
        mentions(message(IllegalArgumentException.class, () -> x.sum(2, false)), "sum", "axis 2", "rank 2");
        mentions(message(IllegalArgumentException.class, () -> x.sum(-3, false)), "sum", "axis -3");
        mentions(message(IllegalArgumentException.class, () -> x.softmax(5)), "softmax", "axis 5");
        mentions(message(IllegalArgumentException.class, () -> x.max(2, false)), "max", "axis 2");
        mentions(message(IllegalArgumentException.class, () -> x.argmax(-3)), "argmax");
        mentions(message(IllegalArgumentException.class, () -> x.permute(0, 0)), "permute", "repeated");
        mentions(message(IllegalArgumentException.class, () -> x.sum(new int[]{1, -1}, false)), "sum", "repeated axis");
        mentions(message(IllegalArgumentException.class, () -> x.narrow(1, 2, 2)), "narrow", "[2, 3]");
        mentions(message(IllegalArgumentException.class, () -> x.squeeze(0)), "squeeze");
        mentions(message(IndexOutOfBoundsException.class, () -> x.get(2, 0)), "[2, 0]", "[2, 3]");
        mentions(message(IndexOutOfBoundsException.class, () -> Indexing.indexSelect(x, 1, new int[]{0, 3})), "indexSelect", "3");
        mentions(message(IndexOutOfBoundsException.class, () -> Indexing.gather(x, 1, new int[]{0, -1}, new int[]{1, 2})), "gather", "-1");
        mentions(message(IndexOutOfBoundsException.class, () -> Indexing.embedding(x, new int[]{2}, 1)), "embedding", "2");
        mentions(message(IllegalArgumentException.class, () -> Indexing.topk(x, 4, 1, true)), "topk", "k = 4");
        mentions(message(IllegalArgumentException.class, () -> x.clamp(1, 0)), "clamp");
    }

    // ------------------------------------------------------------------ NaN rules

    @Test void nanPropagationRules() {
        double nan = Double.NaN;
        for (DType dt : DType.values()) {
            // 40 values so the float32 SIMD kernels see the NaN in the vector body and in the tail
            for (int pos : new int[]{0, 7, 16, 39}) {
                double[] v = new double[40];
                for (int i = 0; i < v.length; i++) v[i] = i % 5 - 2;
                v[pos] = nan;
                Tensor x = Tensor.of(v, 40).to(dt);
                assertTrue(Double.isNaN(x.max(0, false).item()), "max reduction propagates NaN " + dt + " at " + pos);
                assertEquals(pos, x.argmax(0)[0], "argmax treats NaN as the maximum " + dt);
                assertTrue(Double.isNaN(x.relu().getFlat(pos)), "relu(NaN) = NaN " + dt);
                assertEquals(0.0, x.unary(UnaryOp.RELU_GRAD).getFlat(pos), "relu_grad(NaN) = 0 " + dt);
                assertTrue(Double.isNaN(x.clamp(-1, 1).getFlat(pos)), "clamp(NaN) = NaN " + dt);
                assertTrue(Double.isNaN(x.maximum(Tensor.zeros(dt)).getFlat(pos)), "maximum(NaN, 0) = NaN " + dt);
                assertTrue(Double.isNaN(Tensor.zeros(dt).minimum(x).getFlat(pos)), "minimum(0, NaN) = NaN " + dt);
                for (double s : x.softmax(0).toDoubleArray()) assertTrue(Double.isNaN(s), "softmax row with a NaN is all NaN " + dt);
                var top = Indexing.topk(x, 2, 0, true);
                assertEquals(pos, top.indices()[0], "topk puts NaN first when largest " + dt);
                assertNotEquals(pos, Indexing.topk(x, 2, 0, false).indices()[0], "and not among the smallest " + dt);
            }
            Tensor img = Tensor.of(new double[]{1, nan, 3, 4}, 1, 1, 2, 2).to(dt);
            assertTrue(Double.isNaN(Pooling.maxPool2d(img, Windows.Geometry.square(2, 2, 0)).out().item()), "max pool propagates NaN " + dt);
            // relu keeps +0 and maps −0 to +0 like PyTorch's max(x, 0)
            assertEquals(0.0, Tensor.of(new double[]{-0.0}, 1).to(dt).relu().getFlat(0));
        }
    }
}
