package clipvr.autograd.nn;

import clipvr.autograd.Var;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class SmallModulesTest {
    @Test void sequentialChainsAndNamesChildrenByIndex() {
        Sequential s = new Sequential(new Linear(3, 4, true, DType.F64, new SplittableRandom(1)), new ReLU(), new Identity(),
                new Linear(4, 2, true, DType.F64, new SplittableRandom(2)));
        assertEquals(List.of("0.weight", "0.bias", "3.weight", "3.bias"), List.copyOf(s.stateDict().keySet()));
        Tensor x = Tensor.randn(DType.F64, new SplittableRandom(3), 2, 3);
        Tensor expected = ((Linear) s.get(3)).forward(((Linear) s.get(0)).forward(Var.constant(x)).relu()).data();
        assertArrayEquals(expected.toDoubleArray(), s.forward(Var.constant(x)).data().toDoubleArray(), 0);
        ModuleGradCheck.assertGradients(s, s, x);
        var e = assertThrows(IllegalArgumentException.class, () -> new Sequential(new Embedding(2, 2, DType.F32, new SplittableRandom(1))));
        assertTrue(e.getMessage().contains("Embedding"), e.getMessage());
    }

    @Test void activations() {
        Tensor x = Tensor.of(new double[]{-2, -0.5, 0, 0.5, 2}, 5);
        double[] relu = new ReLU().forward(Var.constant(x)).data().toDoubleArray();
        double[] quick = new QuickGELU().forward(Var.constant(x)).data().toDoubleArray();
        double[] gelu = new GELU().forward(Var.constant(x)).data().toDoubleArray();
        for (int i = 0; i < 5; i++) {
            double v = x.getFlat(i);
            assertEquals(Math.max(v, 0), relu[i], 0);
            assertEquals(v / (1 + Math.exp(-1.702 * v)), quick[i], 1e-12);
        }
        assertEquals(0.3457312306, gelu[3], 1e-9);      // 0.5·Φ(0.5), PyTorch: F.gelu(0.5) = 0.3457
        assertEquals(-0.0455002639, gelu[0], 1e-9);     // -2·Φ(-2)
    }

    @Test void embeddingLooksUpRowsAndChecksIds() {
        Embedding emb = new Embedding(5, 3, DType.F64, new SplittableRandom(1));
        Var y = emb.forward(new int[]{4, 0, 4, 2}, 2, 2);
        assertArrayEquals(new int[]{2, 2, 3}, y.shape());
        assertArrayEquals(emb.weight().data().narrow(0, 4, 1).toDoubleArray(), y.data().narrow(1, 0, 1).narrow(0, 1, 1).toDoubleArray());
        y.sum().backward();
        assertArrayEquals(new double[]{1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 2, 2, 2}, emb.weight().grad().toDoubleArray());
        var e = assertThrows(IllegalArgumentException.class, () -> emb.forward(new int[]{5}, 1));
        assertTrue(e.getMessage().contains("id 5"), e.getMessage());
    }

    @Test void dropoutScalesInTrainingAndIsIdentityInEval() {
        Dropout d = new Dropout(0.25, new SplittableRandom(1));
        Tensor x = Tensor.ones(DType.F64, 100, 100);
        double[] y = d.forward(Var.constant(x)).data().toDoubleArray();
        int zeros = 0;
        for (double v : y) {
            assertTrue(v == 0 || Math.abs(v - 1 / 0.75) < 1e-12, "kept values are scaled by 1/(1-p)");
            if (v == 0) zeros++;
        }
        assertEquals(2500, zeros, 200);
        Var xv = Var.param(x);
        Var yv = d.forward(xv);
        yv.sum().backward();
        assertArrayEquals(yv.data().toDoubleArray(), xv.grad().toDoubleArray(), "gradient goes through the same mask");
        d.eval();
        Var z = Var.constant(x);
        assertSame(z, d.forward(z));
        // same seed, same mask
        Tensor m1 = new Dropout(0.5, new SplittableRandom(9)).forward(Var.constant(x)).data();
        Tensor m2 = new Dropout(0.5, new SplittableRandom(9)).forward(Var.constant(x)).data();
        assertArrayEquals(m1.toDoubleArray(), m2.toDoubleArray());
    }

    @Test void pooling() {
        Tensor x = Tensor.of(new double[]{
                1, 2, 3, 4,
                5, 6, 7, 8,
                9, 10, 11, 12,
                13, 14, 15, 16}, 1, 1, 4, 4);
        assertArrayEquals(new double[]{6, 8, 14, 16}, new MaxPool2d(2, 2, 0).forward(Var.constant(x)).data().toDoubleArray());
        assertArrayEquals(new double[]{3.5, 5.5, 11.5, 13.5}, new AvgPool2d(2, 2, 0).forward(Var.constant(x)).data().toDoubleArray());
        // padding 1, stride 2, kernel 3: max ignores padding, avg counts it (count_include_pad)
        assertArrayEquals(new double[]{6, 8, 14, 16}, new MaxPool2d(3, 2, 1).forward(Var.constant(x)).data().toDoubleArray());
        assertEquals((1 + 2 + 5 + 6) / 9.0, new AvgPool2d(3, 2, 1).forward(Var.constant(x)).data().getFlat(0), 1e-12);
        Tensor r = Tensor.randn(DType.F64, new SplittableRandom(1), 1, 2, 4, 4);
        AvgPool2d avg = new AvgPool2d(2, 2, 0);
        ModuleGradCheck.assertGradients(avg, avg, r);
        MaxPool2d max = new MaxPool2d(2, 2, 0);
        ModuleGradCheck.assertGradients(max, max, r);
    }
}
