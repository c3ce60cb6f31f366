package clipvr.autograd.nn;

import clipvr.autograd.Var;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class LinearTest {
    @Test void forwardIsXWtPlusB() {
        Linear lin = new Linear(3, 2, true, DType.F64, new SplittableRandom(1));
        Tensor x = Tensor.randn(DType.F64, new SplittableRandom(2), 2, 4, 3);   // leading axes [2, 4]
        Tensor y = lin.forward(Var.constant(x)).data();
        assertArrayEquals(new int[]{2, 4, 2}, y.shape());
        Tensor w = lin.weight().data(), b = lin.bias().data();
        double[] expected = new double[2 * 4 * 2];
        for (int n = 0; n < 8; n++)
            for (int o = 0; o < 2; o++) {
                double acc = b.get(o);
                for (int i = 0; i < 3; i++) acc += x.get(n / 4, n % 4, i) * w.get(o, i);
                expected[n * 2 + o] = acc;
            }
        assertTrue(ModuleGradCheck.maxAbsDiff(y, expected) < 1e-12);
    }

    @Test void initIsPyTorchDefaultAndSeeded() {
        Linear a = new Linear(16, 8, new SplittableRandom(7)), b = new Linear(16, 8, new SplittableRandom(7));
        assertEquals(DType.F32, a.weight().dtype());
        assertArrayEquals(new int[]{8, 16}, a.weight().shape());
        assertArrayEquals(new int[]{8}, a.bias().shape());
        assertArrayEquals(a.weight().data().toFloatArray(), b.weight().data().toFloatArray());
        double bound = 1 / Math.sqrt(16);
        for (float v : a.weight().data().toFloatArray()) assertTrue(Math.abs(v) <= bound);
        for (float v : a.bias().data().toFloatArray()) assertTrue(Math.abs(v) <= bound);
        double maxAbs = 0;
        for (float v : a.weight().data().toFloatArray()) maxAbs = Math.max(maxAbs, Math.abs(v));
        assertTrue(maxAbs > 0.8 * bound, "spread over U(±1/√fan_in)");
    }

    @Test void gradCheckInputAndParameters() {
        Linear lin = new Linear(3, 2, true, DType.F64, new SplittableRandom(3));
        ModuleGradCheck.assertGradients(lin, lin, Tensor.randn(DType.F64, new SplittableRandom(4), 2, 2, 3));
        Linear noBias = new Linear(3, 2, false, DType.F64, new SplittableRandom(3));
        assertNull(noBias.bias());
        ModuleGradCheck.assertGradients(noBias, noBias, Tensor.randn(DType.F64, new SplittableRandom(4), 2, 3));
    }

    @Test void wrongInputWidthNamesShapes() {
        Linear lin = new Linear(3, 2, new SplittableRandom(1));
        var e = assertThrows(IllegalArgumentException.class, () -> lin.forward(Var.constant(Tensor.zeros(DType.F32, 2, 4))));
        assertTrue(e.getMessage().contains("[2, 4]"), e.getMessage());
    }
}
