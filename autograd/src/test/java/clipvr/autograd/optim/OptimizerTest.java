package clipvr.autograd.optim;

import clipvr.autograd.Var;
import clipvr.autograd.nn.Linear;
import clipvr.autograd.nn.Parameter;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.*;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

/** Behaviour shared by all optimizers: skipping, lr, several optimizers, checkpoint and resume. */
class OptimizerTest {
    @Test void parametersWithoutGradientAreSkipped() {
        Linear lin = new Linear(3, 2, true, DType.F64, new SplittableRandom(1));
        lin.bias().freeze();
        Adam opt = new Adam(lin.namedParameters(), 0.1);
        Tensor b0 = lin.bias().data().copy(), w0 = lin.weight().data().copy();
        lin.forward(Var.constant(Tensor.ones(DType.F64, 2, 3))).sum().backward();
        assertNull(lin.bias().grad());
        opt.step();
        assertArrayEquals(b0.toDoubleArray(), lin.bias().data().toDoubleArray(), 0);
        assertFalse(Arrays.equals(w0.toDoubleArray(), lin.weight().data().toDoubleArray()));
        assertEquals(Set.of("lr", "weight:step", "weight:exp_avg", "weight:exp_avg_sq"), opt.state().keySet());
        opt.zeroGrad();
        assertNull(lin.weight().grad());
    }

    @Test void twoOptimizersOnOneModelAndSetLr() {
        Linear lin = new Linear(3, 2, true, DType.F64, new SplittableRandom(1));
        SGD forWeight = new SGD(Optimizer.named(List.of(lin.weight())), 0.1);
        SGD forBias = new SGD(Optimizer.named(List.of(lin.bias())), 0.0);
        forBias.setLr(1.0);
        assertEquals(List.of("0"), List.copyOf(forBias.params().keySet()));
        Tensor w0 = lin.weight().data().copy(), b0 = lin.bias().data().copy();
        lin.forward(Var.constant(Tensor.ones(DType.F64, 1, 3))).sum().backward();   // dW = 1, db = 1
        forWeight.step();
        forBias.step();
        assertArrayEquals(w0.sub(0.1).toDoubleArray(), lin.weight().data().toDoubleArray(), 1e-15);
        assertArrayEquals(b0.sub(1.0).toDoubleArray(), lin.bias().data().toDoubleArray(), 1e-15);
    }

    /** Trains 3 steps, checkpoints (parameters, optimizer, scheduler), trains 3 more; a restored copy must retrace them exactly. */
    static void resumeIsExact(Function<SequencedMap<String, Parameter>, Optimizer> make) {
        Quadratic a = new Quadratic();
        Optimizer oa = make.apply(a.params());
        CosineAnnealingLR sa = new CosineAnnealingLR(oa, 6, 0.001);
        for (int t = 0; t < 3; t++) { oa.zeroGrad(); a.backward(); oa.step(); sa.step(); }
        Tensor theta = a.theta.data().copy();
        Map<String, Tensor> optState = oa.state(), schedState = sa.state();
        for (int t = 0; t < 3; t++) { oa.zeroGrad(); a.backward(); oa.step(); sa.step(); }

        Quadratic b = new Quadratic();
        b.theta.data().copyFrom(theta);
        Optimizer ob = make.apply(b.params());
        CosineAnnealingLR sb = new CosineAnnealingLR(ob, 6, 0.001);
        ob.loadState(optState);
        sb.loadState(schedState);
        assertEquals(3, sb.lastEpoch());
        for (int t = 0; t < 3; t++) { ob.zeroGrad(); b.backward(); ob.step(); sb.step(); }
        assertArrayEquals(a.theta.data().toDoubleArray(), b.theta.data().toDoubleArray(), 0, ob.getClass().getSimpleName());
        assertEquals(oa.lr(), ob.lr(), 0);
    }

    @Test void checkpointAndResume() {
        resumeIsExact(p -> new SGD(p, 0.1, 0.9, 0, 0.01, true));
        resumeIsExact(p -> new Adam(p, 0.1, 0.9, 0.999, 1e-8, 0.01, true));
        resumeIsExact(p -> new AdamW(p, 0.1));
    }

    @Test void stateIsACopyAndLoadStateChecksEverything() {
        Quadratic q = new Quadratic();
        Adam opt = new Adam(q.params(), 0.1);
        q.backward();
        opt.step();
        Map<String, Tensor> s = opt.state();
        s.get("layer.theta:exp_avg").fill(99);
        assertNotEquals(99.0, opt.state().get("layer.theta:exp_avg").getFlat(0));
        Map<String, Tensor> bad = new LinkedHashMap<>(s);
        bad.put("other.weight:exp_avg", Tensor.zeros(DType.F64, 2));
        bad.put("layer.theta:exp_avg_sq", Tensor.zeros(DType.F64, 3, 2));
        var e = assertThrows(IllegalArgumentException.class, () -> opt.loadState(bad));
        assertTrue(e.getMessage().contains("2 problem(s)") && e.getMessage().contains("other.weight:exp_avg: no such parameter")
                && e.getMessage().contains("layer.theta:exp_avg_sq: shape [3, 2] vs parameter [2, 3]"), e.getMessage());
    }
}
