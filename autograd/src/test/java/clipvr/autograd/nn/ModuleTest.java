package clipvr.autograd.nn;

import clipvr.autograd.Var;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.*;

import static org.junit.jupiter.api.Assertions.*;

/** The module tree: dotted names, state dicts, modes, freezing. */
class ModuleTest {
    /** A residual block in CLIP's naming: ln_1, attn, ln_2, mlp. */
    static final class Block extends Module implements Layer {
        final LayerNorm ln1, ln2;
        final MultiheadAttention attn;
        final Sequential mlp;

        Block(DType dt, SplittableRandom rng) {
            ln1 = child("ln_1", new LayerNorm(4, dt));
            attn = child("attn", new MultiheadAttention(4, 2, true, dt, rng));
            ln2 = child("ln_2", new LayerNorm(4, dt));
            mlp = child("mlp", new Sequential(new Linear(4, 8, true, dt, rng), new QuickGELU(), new Linear(8, 4, true, dt, rng)));
        }

        @Override public Var forward(Var x) {
            x = x.add(attn.forward(ln1.forward(x)));
            return x.add(mlp.forward(ln2.forward(x)));
        }
    }

    static final class Transformer extends Module {
        final Sequential resblocks;
        Transformer(DType dt, SplittableRandom rng) { resblocks = child("resblocks", new Sequential(new Block(dt, rng), new Block(dt, rng))); }
    }

    /** x [N, 3, 4, 4] → conv 2x2/2 → bn → tokens [N, 4, 4] → transformer → mean → proj [N, 2]. */
    static final class Visual extends Module {
        final Conv2d conv1;
        final BatchNorm2d bn1;
        final Transformer transformer;
        final Parameter proj;

        Visual(DType dt, SplittableRandom rng) {
            conv1 = child("conv1", new Conv2d(3, 4, 2, 2, 0, false, dt, rng));
            bn1 = child("bn1", new BatchNorm2d(4, dt));
            transformer = child("transformer", new Transformer(dt, rng));
            proj = param("proj", Tensor.randn(dt, rng, 4, 2));
        }

        Var forward(Var x) {
            Var h = bn1.forward(conv1.forward(x));                    // [N, 4, 2, 2]
            int n = h.size(0);
            h = h.reshape(n, 4, 4).permute(0, 2, 1);                  // [N, 4 tokens, 4 width]
            h = transformer.resblocks.forward(h);                     // [N, 4, 4]
            return h.mean(new int[]{1}, false).matmul(proj.var());    // [N, 2]
        }
    }

    static final class Model extends Module {
        final Visual visual;
        final Parameter logitScale;

        Model(DType dt, long seed) {
            SplittableRandom rng = new SplittableRandom(seed);
            logitScale = param("logit_scale", Tensor.scalar(dt, Math.log(1 / 0.07)));
            visual = child("visual", new Visual(dt, rng));
        }

        Var forward(Var x) { return visual.forward(x).mul(logitScale.var().exp()); }
    }

    @Test void dottedNamesInPyTorchOrder() {
        Model m = new Model(DType.F32, 1);
        List<String> keys = List.copyOf(m.stateDict().keySet());
        assertEquals(List.of("logit_scale", "visual.proj", "visual.conv1.weight", "visual.bn1.weight", "visual.bn1.bias",
                "visual.bn1.running_mean", "visual.bn1.running_var", "visual.bn1.num_batches_tracked",
                "visual.transformer.resblocks.0.ln_1.weight", "visual.transformer.resblocks.0.ln_1.bias",
                "visual.transformer.resblocks.0.attn.in_proj_weight", "visual.transformer.resblocks.0.attn.in_proj_bias",
                "visual.transformer.resblocks.0.attn.out_proj.weight", "visual.transformer.resblocks.0.attn.out_proj.bias"),
                keys.subList(0, 14));
        assertTrue(keys.contains("visual.transformer.resblocks.1.mlp.2.bias"));
        assertEquals(keys.size() - 3, m.namedParameters().size());
        assertEquals(List.of("visual.bn1.running_mean", "visual.bn1.running_var", "visual.bn1.num_batches_tracked"),
                List.copyOf(m.namedBuffers().keySet()));
        assertSame(m.visual.transformer.resblocks.get(0), m.module("visual.transformer.resblocks.0"));
        assertSame(((Block) m.visual.transformer.resblocks.get(1)).attn.inProjWeight(),
                m.parameter("visual.transformer.resblocks.1.attn.in_proj_weight"));
        assertTrue(m.namedModules().containsKey("visual.transformer.resblocks.1.mlp.0"));
        assertThrows(NoSuchElementException.class, () -> m.parameter("visual.transformer.resblocks.2.attn.in_proj_weight"));
        long count = 0;
        for (Parameter p : m.parameters()) count += p.numel();
        assertEquals(count, m.parameterCount());
        assertTrue(m.toString().contains("attn: MultiheadAttention in_proj_weight[12, 4]"), m.toString());
    }

    @Test void registeringADottedOrDuplicateNameFails() {
        class Bad extends Module {
            Bad(String a, String b) { param(a, Tensor.zeros(DType.F32, 1)); param(b, Tensor.zeros(DType.F32, 1)); }
        }
        assertThrows(IllegalArgumentException.class, () -> new Bad("w", "w"));
        assertThrows(IllegalArgumentException.class, () -> new Bad("w", "a.b"));
    }

    @Test void stateDictRoundTripCopiesIntoOwnTensors() {
        Model a = new Model(DType.F32, 1), b = new Model(DType.F32, 2);
        a.visual.forward(Var.constant(Tensor.randn(DType.F32, new SplittableRandom(3), 2, 3, 4, 4)));   // moves BN stats
        assertFalse(Arrays.equals(a.stateDict().get("visual.proj").toFloatArray(), b.stateDict().get("visual.proj").toFloatArray()));
        Module.LoadResult r = b.loadStateDict(a.stateDict(), true);
        assertEquals(List.of(), r.missing());
        assertEquals(List.of(), r.unexpected());
        a.stateDict().forEach((k, t) -> assertArrayEquals(t.toFloatArray(), b.stateDict().get(k).toFloatArray(), k));
        assertEquals(1.0, b.stateDict().get("visual.bn1.num_batches_tracked").item());
        // b holds copies: training a further does not move b
        a.visual.proj.data().fill(42);
        assertNotEquals(42.0, b.visual.proj.data().get(0, 0));
        // and a float32 checkpoint loads into a float64 model
        Model c = new Model(DType.F64, 5);
        c.loadStateDict(a.stateDict(), true);
        assertEquals(DType.F64, c.visual.proj.dtype());
        assertEquals(42.0, c.visual.proj.data().get(1, 1));
    }

    @Test void strictLoadListsEveryProblemInOneMessageAndWritesNothing() {
        Model a = new Model(DType.F32, 1), b = new Model(DType.F32, 2);
        Map<String, Tensor> sd = new LinkedHashMap<>(a.stateDict());
        sd.remove("visual.transformer.resblocks.1.ln_2.bias");
        sd.remove("logit_scale");
        sd.put("visual.attnpool.k_proj.weight", Tensor.zeros(DType.F32, 2, 2));
        sd.put("visual.proj", Tensor.zeros(DType.F32, 2, 4));
        float[] before = b.visual.conv1.weight().data().toFloatArray();
        var e = assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(sd, true));
        String msg = e.getMessage();
        for (String s : List.of("2 missing", "1 unexpected", "1 misshaped", "visual.transformer.resblocks.1.ln_2.bias", "logit_scale",
                "visual.attnpool.k_proj.weight", "visual.proj: checkpoint [2, 4] vs model [4, 2]"))
            assertTrue(msg.contains(s), "missing '" + s + "' in: " + msg);
        assertArrayEquals(before, b.visual.conv1.weight().data().toFloatArray(), "nothing written on failure");

        // non-strict: a shape mismatch is still an error ...
        assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(sd, false));
        // ... missing and unexpected keys are reported
        sd.remove("visual.proj");
        Module.LoadResult r = b.loadStateDict(sd, false);
        assertEquals(List.of("logit_scale", "visual.proj", "visual.transformer.resblocks.1.ln_2.bias"), r.missing());
        assertEquals(List.of("visual.attnpool.k_proj.weight"), r.unexpected());
        assertArrayEquals(a.visual.conv1.weight().data().toFloatArray(), b.visual.conv1.weight().data().toFloatArray());
    }

    @Test void trainAndEvalReachEveryDescendant() {
        Model m = new Model(DType.F32, 1);
        m.namedModules().values().forEach(x -> assertTrue(x.isTraining()));
        m.eval();
        m.namedModules().values().forEach(x -> assertFalse(x.isTraining()));
        m.visual.transformer.train();
        assertTrue(m.module("visual.transformer.resblocks.1.mlp.1").isTraining());
        assertFalse(m.visual.bn1.isTraining());
        assertFalse(m.isTraining());
    }

    @Test void frozenSubtreeGetsNoGradientsButTheInputDoes() {
        Model m = new Model(DType.F64, 1);
        m.visual.freeze();
        m.visual.proj.unfreeze();
        Var x = Var.param(Tensor.randn(DType.F64, new SplittableRandom(2), 2, 3, 4, 4));
        m.forward(x).sum().backward();
        assertNotNull(x.grad());
        assertNotNull(m.logitScale.grad());
        assertNotNull(m.visual.proj.grad());
        m.visual.namedParameters().forEach((k, p) -> {
            if (p != m.visual.proj) {
                assertFalse(p.requiresGrad(), k);
                assertNull(p.grad(), k + " is frozen: no weight-gradient GEMM, no gradient");
            }
        });
        // a frozen layer fed a constant builds no graph at all
        Linear lin = new Linear(4, 2, true, DType.F64, new SplittableRandom(1));
        lin.freeze();
        assertFalse(lin.forward(Var.constant(Tensor.ones(DType.F64, 1, 4))).requiresGrad());
        lin.unfreeze();
        Var y = lin.forward(Var.constant(Tensor.ones(DType.F64, 1, 4)));
        y.sum().backward();
        assertArrayEquals(new double[]{1, 1, 1, 1, 1, 1, 1, 1}, lin.weight().grad().toDoubleArray());
    }

    @Test void toConvertsParametersAndBuffers() {
        Model m = new Model(DType.F32, 1);
        m.to(DType.F64);
        m.stateDict().forEach((k, t) -> assertEquals(DType.F64, t.dtype(), k));
        Var y = m.forward(Var.constant(Tensor.randn(DType.F64, new SplittableRandom(2), 2, 3, 4, 4)));
        assertArrayEquals(new int[]{2, 2}, y.shape());
        assertEquals(1.0, m.visual.bn1.numBatchesTracked());
    }
}
