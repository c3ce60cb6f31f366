package clipvr.autograd.ops;

import clipvr.autograd.Var;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The embedding (indexSelect along axis 0) backward's direct row scatter and the leaf that keeps the scattered
 * gradient instead of a copy give the bits of the former route: a [V, D] zeros, one
 * {@code full.narrow(0, id, 1).addInPlace(g.narrow(0, i, 1), 1.0)} per id, then a copy into the leaf.
 */
class EmbeddingGradBitsTest {
    /** The former scatter: a view and an in-place add (a kernel call) per index. */
    static Tensor narrowLoop(int[] shape, Tensor g, int[] index) {
        Tensor full = Tensor.zeros(DType.F32, shape);
        for (int i = 0; i < index.length; i++) full.narrow(0, index[i], 1).addInPlace(g.narrow(0, i, 1), 1.0);
        return full;
    }

    /** Gradient rows with ±0, subnormals, huge and tiny values, so the order of additions shows in the bits. */
    static Tensor awkward(SplittableRandom r, int... shape) {
        Tensor g = Tensor.randn(DType.F32, r, shape);
        float[] a = g.f32();
        for (int i = 0; i < a.length; i++)
            switch (r.nextInt(8)) {
                case 0 -> a[i] = r.nextBoolean() ? 0.0f : -0.0f;
                case 1 -> a[i] = Float.MIN_VALUE * r.nextInt(1, 100);
                case 2 -> a[i] *= 1e7f;
                case 3 -> a[i] *= 1e-7f;
                default -> { }
            }
        return g;
    }

    @Test void theRowScatterAddsInTheOrderOfTheNarrowLoop() {
        SplittableRandom r = new SplittableRandom(3);
        for (int trial = 0; trial < 40; trial++) {
            int v = 1 + r.nextInt(12), n = r.nextInt(40);
            int[] shape = trial % 3 == 0 ? new int[]{v, 1 + r.nextInt(5), 1 + r.nextInt(4)} : new int[]{v, 1 + r.nextInt(37)};
            int[] index = new int[n];
            for (int i = 0; i < n; i++) index[i] = r.nextInt(Math.min(v, 3));          // many repeats of few rows
            int[] gShape = shape.clone();
            gShape[0] = n;
            Tensor g = awkward(r, gShape);
            Tensor expected = narrowLoop(shape, g, index);
            Tensor actual = Tensor.zeros(DType.F32, shape);
            Select.scatterRows(actual, g, index);
            assertSameBits(expected, actual, "trial " + trial);
        }
    }

    @Test void theEmbeddingLeafKeepsTheScatterWithTheSameBits() {
        SplittableRandom r = new SplittableRandom(5);
        Tensor w = Tensor.randn(DType.F32, r, 50, 9);
        Var weight = Var.param(w);
        int[] ids = {3, 3, 0, 49, 3, 7, 0, 0, 12, 3, 3, 3};
        Tensor seed = awkward(r, 4, 3, 9);
        Select.embedding(weight, ids, 4, 3).backward(seed);
        Tensor expected = narrowLoop(new int[]{50, 9}, seed.reshape(12, 9), ids);
        assertSameBits(expected, weight.grad(), "embedding gradient");
        assertTrue(weight.grad().isContiguous());
        // a second pass adds (a new tensor, the old gradient untouched)
        Tensor first = weight.grad();
        Tensor firstBits = first.copy();
        Select.embedding(weight, ids, 4, 3).backward(seed);
        assertNotSame(first, weight.grad());
        assertSameBits(firstBits, first, "first gradient after the second pass");
        assertSameBits(expected.add(expected), weight.grad(), "accumulated gradient");
    }

    @Test void aLeafCopiesWhatItDoesNotOwnAndKeepsWhatItDoes() {
        Tensor g = Tensor.of(new float[]{1, -0.0f, 3, 4}, 2, 2);
        Var a = Var.param(Tensor.zeros(DType.F32, 2, 2)), b = Var.param(Tensor.zeros(DType.F32, 2, 2));
        a.node().accumulate(g);
        b.node().accumulateOwned(g);
        assertNotSame(g, a.grad());                       // the caller may still change g
        assertSame(g, b.grad());
        assertSameBits(g, a.grad(), "copied");
        // an owned but non-contiguous gradient is still copied (the optimizer's fused loop wants contiguous rows)
        Var c = Var.param(Tensor.zeros(DType.F32, 2, 2));
        Tensor t = g.mT();
        c.node().accumulateOwned(t);
        assertNotSame(t, c.grad());
        assertTrue(c.grad().isContiguous());
        assertSameBits(t, c.grad(), "transposed");
    }

    static void assertSameBits(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what);
        float[] e = expected.toFloatArray(), a = actual.toFloatArray();
        for (int i = 0; i < e.length; i++)
            if (Float.floatToRawIntBits(e[i]) != Float.floatToRawIntBits(a[i])) fail(what + " [" + i + "]: " + e[i] + " vs " + a[i]);
    }
}
