package clipvr.autograd;

import clipvr.autograd.ops.*;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import clipvr.tensor.ops.Resampling;
import clipvr.tensor.ops.Windows;
import net.jqwik.api.*;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

import static clipvr.autograd.Generators.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The graph mechanics around the ops: fan-out accumulation, deep chains, no-grad scopes, frozen
 * inputs, and the error messages for misuse.
 */
class GraphBehaviourTest {

    /** x used three times: dL/dx is the sum of the three paths (2x + eˣ + 3 for x² + eˣ + 3x). */
    @Test
    void fanOutAccumulates() {
        Tensor x0 = uniform(1, -1, 1, 2, 3);
        Var x = Var.param(x0);
        x.mul(x).add(x.exp()).add(x.mul(3.0)).sum().backward();
        for (int i = 0; i < x0.numel(); i++) {
            double v = x0.getFlat(i);
            assertEquals(2 * v + Math.exp(v) + 3, x.grad().getFlat(i), 1e-12);
        }
        assertGrad("fan-out", v -> { Var a = v.getFirst(); return a.mul(a).add(a.exp()).add(a.mul(3.0)); }, x0);
    }

    /**
     * An intermediate node adds later contributions into a gradient in place only when it owns it: add hands one g to
     * both its inputs, so p, which also gets fresh products (tanh', QuickGELU'), must not write into the g that q holds
     * too and reads when its own backward runs. With the term ½Σq first, q's backward runs last of all, after p got
     * the shared g and then the fresh products. By hand: p = 2x, q = 3p, z = p + q, L = ½Σq + Σtanh p + Σ QuickGELU p
     * + Σz², so dL/dq = 2z + ½, dL/dp = 2z + (1 − tanh² p) + QuickGELU'(p) + 3·dL/dq and dL/dx = 2·dL/dp. Both orders.
     */
    @Test
    void inPlaceAccumulationNeverWritesAGradientAnotherNodeHolds() {
        Tensor x0 = uniform(5, -1, 1, 2, 3);
        for (boolean qFirst : new boolean[] {true, false}) {
            Function<Var, Var> loss = a -> {
                Var p = a.mul(2.0), q = p.mul(3.0), z = p.add(q);
                Var half = q.mul(0.5).sum(), fresh = p.tanh().sum().add(p.quickGelu().sum()), shared = z.mul(z).sum();
                return qFirst ? half.add(fresh).add(shared) : shared.add(fresh).add(half);
            };
            Var x = Var.param(x0);
            loss.apply(x).backward();
            for (int i = 0; i < x0.numel(); i++) {
                double v = x0.getFlat(i), p = 2 * v, z = 8 * v, t = Math.tanh(p), sg = 1 / (1 + Math.exp(-1.702 * p));
                double dq = 2 * z + 0.5, dp = 2 * z + (1 - t * t) + (sg + 1.702 * p * sg * (1 - sg)) + 3 * dq;
                assertEquals(2 * dp, x.grad().getFlat(i), 1e-12, (qFirst ? "q's term first" : "q's term last") + ", element " + i);
            }
            assertGrad("shared and owned contributions", v -> loss.apply(v.getFirst()), x0);
        }
    }

    /** Calling backward twice on fresh graphs over the same leaf accumulates (like PyTorch, until zeroGrad). */
    @Test
    void leafGradientsAccumulateAcrossBackwardCalls() {
        Var x = Var.param(Tensor.of(new double[]{1, 2}, 2));
        x.mul(2.0).sum().backward();
        x.mul(3.0).sum().backward();
        assertArrayEquals(new double[]{5, 5}, x.grad().toDoubleArray());
        x.zeroGrad();
        assertNull(x.grad());
    }

    /** A 500-op (and a 20 000-op) chain back-propagates without overflowing the stack (the topological sort is iterative). */
    @Test
    void deepChainDoesNotOverflow() {
        for (int depth : new int[]{500, 20_000}) {
            Var x = Var.param(Tensor.of(new double[]{0.5, -0.25}, 2));
            Var y = x;
            for (int i = 0; i < depth; i++) y = y.mul(1.0001).add(0.0);
            y.sum().backward();
            double expected = Math.pow(1.0001, depth);
            assertEquals(expected, x.grad().getFlat(0), 1e-9 * expected);
            assertEquals(expected, x.grad().getFlat(1), 1e-9 * expected);
        }
        // and a GradCheck over a 500-op chain of mixed ops
        assertGrad("500-op chain", v -> {
            Var y = v.getFirst();
            for (int i = 0; i < 125; i++) y = y.tanh().mul(1.5).add(0.01).sigmoid();
            return y;
        }, uniform(2, -1, 1, 3));
    }

    @Test
    void backwardOnNonScalarThrowsClearly() {
        Var y = Var.param(Tensor.zeros(DType.F64, 2, 3)).mul(2.0);
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("scalar") && e.getMessage().contains("[2, 3]"), e.getMessage());
    }

    @Test
    void backwardWithoutGradThrowsClearly() {
        Var y = Var.constant(Tensor.zeros(DType.F64, 1)).mul(2.0);
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("does not require a gradient"), e.getMessage());
    }

    /** Mixing float32 and float64 names both dtypes and both shapes (elementwise, matmul, conv). */
    @Test
    void dtypeMismatchNamesBothDtypesAndShapes() {
        Var a = Var.param(Tensor.zeros(DType.F32, 2, 3));
        Var b = Var.param(Tensor.zeros(DType.F64, 3));
        Var m = Var.param(Tensor.zeros(DType.F64, 3, 4));
        for (Function<Void, Var> op : List.<Function<Void, Var>>of(_ -> a.add(b), _ -> a.mul(b), _ -> a.matmul(m))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> op.apply(null));
            String msg = e.getMessage();
            assertTrue(msg.contains("F32") && msg.contains("F64") && msg.contains("[2, 3]"), msg);
            assertTrue(msg.contains("[3]") || msg.contains("[3, 4]"), msg);
        }
        Var img = Var.param(Tensor.zeros(DType.F32, 1, 1, 3, 3));
        Var w = Var.param(Tensor.zeros(DType.F64, 1, 1, 2, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Conv.conv2d(img, w, null, Windows.Geometry.square(2, 1, 0)));
        assertTrue(e.getMessage().contains("F32") && e.getMessage().contains("F64")
                && e.getMessage().contains("[1, 1, 3, 3]") && e.getMessage().contains("[1, 1, 2, 2]"), e.getMessage());
    }

    /** One application of every op, with a given set of inputs (for the no-grad and frozen-input checks). */
    static List<Var> everyOp(Var x, Var y, Var img, Var w) {
        Tensor mask = Tensor.of(new double[]{1, 0, 1}, 3);
        Windows.Geometry g = Windows.Geometry.square(2, 1, 0);
        return List.of(
                Arithmetic.add(x, y), Arithmetic.sub(x, y), Arithmetic.mul(x, y), Arithmetic.div(x, y),
                Arithmetic.addScalar(x, 1), Arithmetic.scale(x, 2), Arithmetic.powScalar(x, 2), Arithmetic.clamp(x, 0, 1),
                Arithmetic.where(mask, x, y), Activations.exp(x), Activations.log(x), Activations.sqrt(x), Activations.abs(x),
                Activations.tanh(x), Activations.sigmoid(x), Activations.relu(x), Activations.gelu(x), Activations.quickGelu(x),
                Reduce.sum(x, null, false), Reduce.mean(x, new int[]{1}, true), Reduce.max(x, 1, false), Reduce.var(x, null, true, false),
                Norms.softmax(x, -1), Norms.logSoftmax(x, 0), Norms.layerNorm(x, null, null, 1e-5),
                LinearAlgebra.matmul(x, y.reshape(3, 1)), LinearAlgebra.matmulT(x, y.reshape(1, 3)),
                Shapes.reshape(x, 6), Shapes.permute(x, 1, 0), Shapes.transpose(x, 0, 1), Shapes.narrow(x, 1, 0, 2),
                Shapes.select(x, 0, 1), Shapes.expand(y, 2, 3), Shapes.squeeze(y.unsqueeze(0), 0), Shapes.unsqueeze(x, 0),
                Select.cat(List.of(x, x), 0), Select.stack(List.of(x, x), 0), Select.pad(x, new int[]{1, 0}, new int[]{0, 1}, 0),
                Select.indexSelect(x, 0, new int[]{1, 1}), Select.embedding(x, new int[]{0, 1, 0}, 3),
                Select.gather(x, 1, new int[]{0, 2}, new int[]{2, 1}), Select.topk(x, 2, 1, true),
                Conv.conv2d(img, w, null, g), Conv.maxPool2d(img, g), Conv.avgPool2d(img, g),
                Conv.batchNorm2d(img, null, null, null, null, true, 0.1, 1e-5), Conv.interpolate(img, 5, 2, Resampling.Mode.BICUBIC));
    }

    static Var[] inputs(boolean grad) {
        return new Var[]{
                Var.leaf(uniform(1, 0.5, 1.5, 2, 3), grad), Var.leaf(uniform(2, 0.5, 1.5, 3), grad),
                Var.leaf(uniform(3, -1, 1, 1, 1, 3, 3), grad), Var.leaf(uniform(4, -1, 1, 1, 1, 2, 2), grad)};
    }

    /** Under noGrad every op's result is a constant leaf: no closure, no parents kept. Recording resumes after the scope (scopes nest). */
    @Test
    void noGradRecordsNothing() {
        Var[] in = inputs(true);
        try (var outer = GradMode.noGrad()) {
            try (var inner = GradMode.noGrad()) { assertFalse(GradMode.enabled()); }
            assertFalse(GradMode.enabled());
            for (Var r : everyOp(in[0], in[1], in[2], in[3])) {
                assertFalse(r.requiresGrad(), r.op());
                assertTrue(r.isLeaf(), r.op());
            }
        }
        assertTrue(GradMode.enabled());
        for (Var r : everyOp(in[0], in[1], in[2], in[3])) {
            assertTrue(r.requiresGrad(), r.op());
            assertFalse(r.isLeaf(), r.op());
        }
    }

    /** Results of ops on constants only are constants too (nothing to record). */
    @Test
    void constantInputsRecordNothing() {
        Var[] in = inputs(false);
        for (Var r : everyOp(in[0], in[1], in[2], in[3])) {
            assertFalse(r.requiresGrad(), r.op());
            assertTrue(r.isLeaf(), r.op());
        }
    }

    /** Frozen operands get no gradient while trainable ones do, for every op taking two or more inputs. */
    @Test
    void frozenInputsGetNoGradient() {
        for (int trainable = 0; trainable < 4; trainable++) {
            Var[] in = inputs(false);
            Tensor[] data = {in[0].data(), in[1].data(), in[2].data(), in[3].data()};
            in[trainable] = Var.param(data[trainable]);
            for (Var r : everyOp(in[0], in[1], in[2], in[3])) if (r.requiresGrad()) r.sum().backward();
            for (int i = 0; i < 4; i++) {
                if (i == trainable) assertNotNull(in[i].grad(), "input " + i);
                else assertNull(in[i].grad(), "frozen input " + i);
            }
        }
        // weights frozen, input trainable: the conv/linear layers still pass gradient to their input
        Var x = Var.param(uniform(5, -1, 1, 2, 4)), wt = Var.constant(uniform(6, -1, 1, 3, 4)), bias = Var.constant(uniform(7, -1, 1, 3));
        LinearAlgebra.matmulT(x, wt).add(bias).sum().backward();
        assertNotNull(x.grad());
        assertNull(wt.grad());
        assertNull(bias.grad());
    }

    /**
     * A leaf's gradient is its own contiguous tensor: not a broadcast view of the upstream gradient and
     * not shared with another leaf, so optimisers and gradient clipping may update it in place.
     */
    @Test
    void leafGradientsAreOwnedAndContiguous() {
        Var a = Var.param(uniform(1, -1, 1, 2, 3)), b = Var.param(uniform(2, -1, 1, 2, 3));
        a.add(b).sum().backward();                 // both receive the same upstream g, broadcast from a scalar
        assertNotSame(a.grad(), b.grad());
        assertTrue(a.grad().isContiguous() && b.grad().isContiguous());
        a.grad().mulInPlace(0.5);                  // in-place clipping of one gradient...
        assertArrayEquals(new double[]{0.5, 0.5, 0.5, 0.5, 0.5, 0.5}, a.grad().toDoubleArray());
        assertArrayEquals(new double[]{1, 1, 1, 1, 1, 1}, b.grad().toDoubleArray());   // ...leaves the other alone
        Tensor seed = Tensor.ones(DType.F64, 2, 3);
        Var c = Var.param(uniform(3, -1, 1, 2, 3));
        c.backward(seed);
        c.grad().mulInPlace(3.0);
        assertEquals(1.0, seed.getFlat(0), 0.0, "the caller's seed must not be modified");
    }

    /** detach cuts the graph. */
    @Test
    void detachStopsGradient() {
        Var x = Var.param(Tensor.of(new double[]{2.0}, 1));
        x.mul(x.detach()).sum().backward();   // d/dx (x · c) with c = x held constant
        assertEquals(2.0, x.grad().getFlat(0), 0);
    }
}
