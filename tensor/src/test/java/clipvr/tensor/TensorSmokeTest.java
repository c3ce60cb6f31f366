package clipvr.tensor;

import clipvr.tensor.ops.*;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Hand-computed checks of the core tensor API (small enough to verify by eye). */
class TensorSmokeTest {
    @Test void broadcastAddAndViews() {
        Tensor a = Tensor.of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = Tensor.of(new float[]{10, 20, 30}, 3);
        assertArrayEquals(new float[]{11, 22, 33, 14, 25, 36}, a.add(b).toFloatArray());
        assertArrayEquals(new float[]{1, 4, 2, 5, 3, 6}, a.mT().contiguous().toFloatArray());
        assertArrayEquals(new float[]{2, 5}, a.narrow(1, 1, 1).reshape(2).toFloatArray());
        assertArrayEquals(new int[]{3, 2}, a.mT().shape());
        assertEquals(21.0, a.sum().item(), 1e-6);
        assertArrayEquals(new float[]{6, 15}, a.sum(1, false).toFloatArray());
        assertArrayEquals(new float[]{5, 7, 9}, a.sum(0, false).toFloatArray());
        assertArrayEquals(new float[]{3, 6}, a.max(1, false).toFloatArray());
        assertArrayEquals(new int[]{2, 2}, a.argmax(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.add(Tensor.zeros(DType.F32, 2)));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[2]"), e.getMessage());
    }

    /** mulInPlace(Tensor): by hand, with a broadcast operand and into a strided view; shapes that do not fit fail by name. */
    @Test void mulInPlaceWithATensor() {
        Tensor a = Tensor.of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor same = a.mulInPlace(Tensor.of(new float[]{10, 20, 30}, 3));
        assertSame(a, same);
        assertArrayEquals(new float[]{10, 40, 90, 40, 100, 180}, a.toFloatArray());
        Tensor t = Tensor.of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
        t.mT().mulInPlace(Tensor.of(new float[]{2, -1}, 2));                        // column j of t scaled by [2, -1][i]
        assertArrayEquals(new float[]{2, 4, 6, -4, -5, -6}, t.toFloatArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(DType.F32, 3).mulInPlace(Tensor.zeros(DType.F32, 2, 3)));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(DType.F32, 3).expand(2, 3).mulInPlace(Tensor.zeros(DType.F32, 2, 3)));
        assertTrue(e.getMessage().contains("broadcast view"), e.getMessage());
    }

    @Test void matmulAgreesWithNaive() {
        var rng = new SplittableRandom(1);
        Tensor a = Tensor.randn(DType.F64, rng, 2, 5, 7), b = Tensor.randn(DType.F64, rng, 7, 3);
        Tensor c = a.matmul(b);
        for (int p = 0; p < 2; p++) for (int i = 0; i < 5; i++) for (int j = 0; j < 3; j++) {
            double s = 0;
            for (int k = 0; k < 7; k++) s += a.get(p, i, k) * b.get(k, j);
            assertEquals(s, c.get(p, i, j), 1e-12);
        }
        Tensor ct = a.matmulT(b.mT().contiguous());
        assertArrayEquals(c.toDoubleArray(), ct.toDoubleArray(), 1e-12);
        Tensor ca = a.mT().contiguous().mT().matmul(b);   // column-major A operand
        assertArrayEquals(c.toDoubleArray(), ca.toDoubleArray(), 1e-12);
    }

    @Test void softmaxLayerNorm() {
        Tensor x = Tensor.of(new double[]{1, 2, 3, 1, 1, 1}, 2, 3);
        Tensor s = x.softmax(1);
        double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
        assertEquals(Math.exp(3) / z, s.get(0, 2), 1e-12);
        assertEquals(1.0 / 3, s.get(1, 0), 1e-12);
        Tensor ln = x.layerNorm(null, null, 0.0);
        assertEquals(-Math.sqrt(1.5), ln.get(0, 0), 1e-9);
        Tensor f = x.to(DType.F32).softmax(0);
        assertEquals(Math.exp(1) / (Math.exp(1) + Math.exp(1)), f.get(0, 0), 1e-6);
    }

    @Test void conv2dMatchesDirect() {
        var rng = new SplittableRandom(2);
        Tensor x = Tensor.randn(DType.F64, rng, 2, 3, 7, 6), w = Tensor.randn(DType.F64, rng, 4, 3, 3, 2), b = Tensor.randn(DType.F64, rng, 4);
        var g = new Windows.Geometry(3, 2, 2, 1, 1, 1);
        assertArrayEquals(Convolution.conv2dDirect(x, w, b, g).toDoubleArray(), Convolution.conv2d(x, w, b, g).toDoubleArray(), 1e-10);
        var pool = Pooling.maxPool2d(Tensor.of(new double[]{1, 5, 2, 0, 3, 4, 7, 1, 0, 0, 9, 8, 1, 2, 3, 6}, 1, 1, 4, 4), Windows.Geometry.square(2, 2, 0));
        assertArrayEquals(new double[]{5, 7, 2, 9}, pool.out().toDoubleArray());
        Tensor up = Resampling.interpolate(Tensor.of(new double[]{1, 2, 3, 4}, 1, 1, 2, 2), 4, 4, Resampling.Mode.NEAREST);
        assertArrayEquals(new double[]{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, up.toDoubleArray());
        Tensor cat = Indexing.cat(List.of(Tensor.ones(DType.F32, 1, 2), Tensor.zeros(DType.F32, 2, 2)), 0);
        assertArrayEquals(new float[]{1, 1, 0, 0, 0, 0}, cat.toFloatArray());
        var tk = Indexing.topk(Tensor.of(new double[]{3, 1, 4, 1, 5, 9}, 2, 3), 2, 1, true);
        assertArrayEquals(new int[]{2, 0, 2, 1}, tk.indices());
    }
}
