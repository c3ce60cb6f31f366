package clipvr.autograd;

import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What the graph keeps alive: only the tensors a backward closure reads (PyTorch's saved tensors),
 * not every intermediate value, and nothing once backward has used it.
 */
class GraphMemoryTest {

    /** A linear layer with a frozen weight, a bias and QuickGELU, as in a frozen CLIP block. */
    record Graph(Var loss, WeakReference<Tensor> product, WeakReference<Tensor> preActivation, WeakReference<Tensor> activation) {}

    static Graph build(Var x) {
        SplittableRandom rng = new SplittableRandom(1);
        Var w = Var.constant(Tensor.randn(DType.F32, rng, 16, 8));   // frozen [out, in]
        Var b = Var.constant(Tensor.randn(DType.F32, rng, 16));
        Var product = x.matmulT(w);                                   // backward needs only w
        Var pre = product.add(b);                                     // quickGelu's backward needs this
        Var act = pre.quickGelu();                                    // sum's backward needs nothing
        return new Graph(act.sum(), new WeakReference<>(product.data()), new WeakReference<>(pre.data()),
                new WeakReference<>(act.data()));
    }

    static boolean collected(WeakReference<?> ref) {
        for (int i = 0; i < 20 && ref.get() != null; i++) {
            System.gc();
            try { Thread.sleep(5); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        }
        return ref.get() == null;
    }

    @Test
    void graphKeepsOnlyWhatBackwardReads() {
        Var x = Var.param(Tensor.randn(DType.F32, new SplittableRandom(2), 4, 8));
        Graph g = build(x);
        assertTrue(collected(g.product()), "the matmul output is not needed by any backward closure");
        assertTrue(collected(g.activation()), "the activation output is not needed by any backward closure");
        assertNotNull(g.preActivation().get(), "QuickGELU's input is saved for its backward");
        g.loss().backward();
        assertTrue(collected(g.preActivation()), "saved tensors are released once backward has used them");
        assertNotNull(x.grad());
    }

    /** Freeing is bit-neutral: the same gradient as a graph whose intermediates are all held. */
    @Test
    void gradientsUnchangedByFreeing() {
        Tensor x0 = Tensor.randn(DType.F32, new SplittableRandom(3), 4, 8);
        Var x1 = Var.param(x0), x2 = Var.param(x0);
        build(x1).loss().backward();
        SplittableRandom rng = new SplittableRandom(1);
        Var w = Var.constant(Tensor.randn(DType.F32, rng, 16, 8)), b = Var.constant(Tensor.randn(DType.F32, rng, 16));
        x2.matmulT(w).add(b).quickGelu().sum().backward();
        assertArrayEquals(x2.grad().toFloatArray(), x1.grad().toFloatArray());
    }

    @Test
    void secondBackwardThroughTheSameGraphFailsClearly() {
        Var x = Var.param(Tensor.of(new double[]{1, 2}, 2));
        Var y = x.exp();
        y.sum().backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.mul(2.0).sum().backward());
        assertTrue(e.getMessage().contains("already back-propagated"), e.getMessage());
    }
}
