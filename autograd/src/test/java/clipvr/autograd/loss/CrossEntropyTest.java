package clipvr.autograd.loss;

import clipvr.autograd.GradCheck;
import clipvr.autograd.Var;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class CrossEntropyTest {
    /** -(1/B) Σ_b Σ_c q_bc·log softmax(z_b)_c with q = (1-ε)·onehot + ε/C, in plain doubles. */
    static double reference(double[][] z, int[] y, double eps) {
        int b = z.length, c = z[0].length;
        double total = 0;
        for (int i = 0; i < b; i++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (double v : z[i]) max = Math.max(max, v);
            for (double v : z[i]) sum += Math.exp(v - max);
            double lse = max + Math.log(sum);
            for (int j = 0; j < c; j++) total -= ((j == y[i] ? 1 - eps : 0) + eps / c) * (z[i][j] - lse);
        }
        return total / b;
    }

    @Test void valueByHand() {
        // one row [0, ln 3] target 1: softmax = [1/4, 3/4] → loss = -ln(3/4)
        assertEquals(-Math.log(0.75), CrossEntropy.loss(Var.constant(Tensor.of(new double[]{0, Math.log(3)}, 1, 2)), new int[]{1}).item(), 1e-15);
        double[][] z = {{1.0, 2.0, 0.5}, {-1.0, 0.0, 3.0}};
        Tensor t = Tensor.of(new double[]{1.0, 2.0, 0.5, -1.0, 0.0, 3.0}, 2, 3);
        assertEquals(reference(z, new int[]{0, 2}, 0), CrossEntropy.loss(Var.constant(t), new int[]{0, 2}).item(), 1e-14);
        assertEquals(reference(z, new int[]{0, 2}, 0.1), CrossEntropy.loss(Var.constant(t), new int[]{0, 2}, 0.1).item(), 1e-14);
        // label smoothing = (1-ε)·NLL + ε·mean_c(-log p_c) (PyTorch's formulation)
        double nll = reference(z, new int[]{0, 2}, 0), uniform = reference(z, new int[]{0, 2}, 1);
        assertEquals(0.9 * nll + 0.1 * uniform, CrossEntropy.loss(Var.constant(t), new int[]{0, 2}, 0.1).item(), 1e-14);
        // float32 logits give a float32 loss
        assertEquals(DType.F32, CrossEntropy.loss(Var.constant(t.to(DType.F32)), new int[]{0, 2}).dtype());
    }

    @Test void gradientIsSoftmaxMinusTargetOverB() {
        Var z = Var.param(Tensor.of(new double[]{1.0, 2.0, 0.5, -1.0, 0.0, 3.0}, 2, 3));
        CrossEntropy.loss(z, new int[]{0, 2}, 0.3).backward();
        Tensor p = z.data().softmax(1);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++) {
                double q = (j == (i == 0 ? 0 : 2) ? 0.7 : 0) + 0.1;
                assertEquals((p.get(i, j) - q) / 2, z.grad().get(i, j), 1e-15);
            }
    }

    @Property(tries = 15)
    void gradCheck(@ForAll @IntRange(min = 1, max = 4) int b, @ForAll @IntRange(min = 2, max = 5) int c,
                   @ForAll @DoubleRange(min = 0, max = 0.5) double smoothing, @ForAll @IntRange(min = 0, max = 999) int seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] y = new int[b];
        for (int i = 0; i < b; i++) y[i] = rng.nextInt(c);
        Tensor z = Tensor.randn(DType.F64, rng, b, c).mul(3);
        GradCheck.assertGradients(v -> CrossEntropy.loss(v.getFirst(), y, smoothing), List.of(z), GradCheck.Options.DEFAULT);
    }

    @Test void targetOutOfRangeIsAClearError() {
        Var z = Var.constant(Tensor.zeros(DType.F32, 2, 5));
        var e = assertThrows(IllegalArgumentException.class, () -> CrossEntropy.loss(z, new int[]{1, 5}));
        assertTrue(e.getMessage().contains("target 5 of row 1 is out of range [0, 5)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CrossEntropy.loss(z, new int[]{-1, 0}));
        assertTrue(e.getMessage().contains("target -1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CrossEntropy.loss(z, new int[]{1}));
        assertTrue(e.getMessage().contains("1 targets for logits [2, 5]"), e.getMessage());
    }

    @Test void nanOrInfInTheLogitsIsAClearError() {
        Tensor t = Tensor.zeros(DType.F32, 3, 4);
        t.set(Float.NaN, 1, 2);
        t.set(Float.POSITIVE_INFINITY, 2, 0);
        var e = assertThrows(IllegalArgumentException.class, () -> CrossEntropy.loss(Var.constant(t), new int[]{0, 1, 2}));
        assertEquals("crossEntropy: logits [3, 4] contain NaN at [1, 2] (first non-finite value)", e.getMessage());
        t.set(0, 1, 2);
        e = assertThrows(IllegalArgumentException.class, () -> CrossEntropy.loss(Var.constant(t), new int[]{0, 1, 2}));
        assertTrue(e.getMessage().contains("Infinity at [2, 0]"), e.getMessage());
    }

    @Test void largeLogitsAreStable() {
        Var z = Var.constant(Tensor.of(new double[]{1000, 0, -1000}, 1, 3));
        assertEquals(0.0, CrossEntropy.loss(z, new int[]{0}).item(), 1e-12);
        assertEquals(1000.0, CrossEntropy.loss(z, new int[]{1}).item(), 1e-9);
    }
}
