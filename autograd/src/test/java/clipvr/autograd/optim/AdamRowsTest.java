package clipvr.autograd.optim;

import clipvr.autograd.nn.Parameter;
import clipvr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The fused, row-skipping Adam(W) ({@link AdamRows}) against the dense tensor-op reference, bit for bit: the same
 * parameters stepped by two optimizers, with embedding-like rows touched, then left alone, then touched again.
 */
class AdamRowsTest {
    /** Per step: the rows of "emb" [40, 37] that get a gradient (null: every row). Others get ±0. */
    static final List<int[]> TOUCHED = List.of(new int[]{0, 1, 2, 5}, new int[]{0, 1, 2, 5}, new int[]{}, new int[]{10},
            new int[]{}, new int[]{}, new int[]{0, 3, 20}, new int[]{39}, new int[]{});

    /** emb [40, 37] (cols not a multiple of any vector length), w [8, 16], b [16] and a scalar, with ±0 among the values. */
    static LinkedHashMap<String, Parameter> params() {
        SplittableRandom rng = new SplittableRandom(7);
        LinkedHashMap<String, Parameter> ps = new LinkedHashMap<>();
        for (var e : Map.of("emb", new int[]{40, 37}, "w", new int[]{8, 16}, "b", new int[]{16}, "s", new int[]{}).entrySet()) {
            Tensor t = Tensor.randn(clipvr.tensor.DType.F32, rng, e.getValue());
            float[] a = t.f32();
            a[0] = -0.0f;
            if (a.length > 2) a[2] = 0.0f;
            ps.put(e.getKey(), new Parameter(e.getKey(), t, true));
        }
        // a fixed order: the map literal above has none
        LinkedHashMap<String, Parameter> ordered = new LinkedHashMap<>();
        for (String n : List.of("emb", "w", "b", "s")) ordered.put(n, ps.get(n));
        return ordered;
    }

    static Tensor grad(String name, int[] shape, int step, SplittableRandom rng) {
        Tensor g = Tensor.randn(clipvr.tensor.DType.F32, rng, shape);
        float[] a = g.f32();
        if (a.length > 3) { a[1] = 0.0f; a[3] = -0.0f; }                        // zeros inside touched rows too
        if (!name.equals("emb")) return g;
        int cols = shape[1];
        boolean[] on = new boolean[shape[0]];
        for (int r : TOUCHED.get(step)) on[r] = true;
        for (int r = 0; r < shape[0]; r++)
            if (!on[r]) for (int j = 0; j < cols; j++) a[r * cols + j] = (r + j) % 3 == 0 ? -0.0f : 0.0f;   // untouched: ±0
        return g;
    }

    /** Runs both optimizers over {@link #TOUCHED} and asserts the same bits of every weight and state slot after each step. */
    static void sameBits(Function<LinkedHashMap<String, Parameter>, Adam> make) {
        sameBitsGroups(p -> List.of(make.apply(p)));
    }

    /** As {@link #sameBits} for several optimizers over disjoint groups of the parameters, stepped in turn. */
    static void sameBitsGroups(Function<LinkedHashMap<String, Parameter>, List<Adam>> make) {
        var fastP = params();
        var refP = params();
        List<Adam> fast = make.apply(fastP), ref = make.apply(refP);
        fast.forEach(o -> o.setReference(false));
        ref.forEach(o -> o.setReference(true));
        SplittableRandom rf = new SplittableRandom(11), rr = new SplittableRandom(11);
        for (int step = 0; step < TOUCHED.size(); step++) {
            for (Adam o : fast) if (step == 5) o.setLr(0); else if (step == 6) o.setLr(0.05);   // lr 0: the update term is -0
            for (Adam o : ref) if (step == 5) o.setLr(0); else if (step == 6) o.setLr(0.05);
            for (String n : fastP.keySet()) {
                fastP.get(n).zeroGrad();
                refP.get(n).zeroGrad();
                fastP.get(n).var().accumulate(grad(n, fastP.get(n).shape(), step, rf));
                refP.get(n).var().accumulate(grad(n, refP.get(n).shape(), step, rr));
            }
            fast.forEach(Optimizer::step);
            ref.forEach(Optimizer::step);
            for (String n : fastP.keySet()) bitsEqual(refP.get(n).data(), fastP.get(n).data(), n + " after step " + (step + 1));
            for (int o = 0; o < ref.size(); o++) {
                var fs = fast.get(o).state();
                var rs = ref.get(o).state();
                assertEquals(rs.keySet().stream().toList(), fs.keySet().stream().toList());
                for (String k : rs.keySet()) bitsEqual(rs.get(k), fs.get(k), k + " after step " + (step + 1));
            }
        }
    }

    /** Equal bit patterns (NaN compared as NaN: its payload is the hardware's, not the algorithm's). */
    static void bitsEqual(Tensor expected, Tensor actual, String what) {
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++)
            if (Float.floatToIntBits((float) e[i]) != Float.floatToIntBits((float) a[i]) && expected.dtype() == clipvr.tensor.DType.F32
                    || expected.dtype() != clipvr.tensor.DType.F32 && Double.doubleToLongBits(e[i]) != Double.doubleToLongBits(a[i]))
                fail(what + " [" + i + "]: reference " + e[i] + " vs fused " + a[i]);
    }

    @Test void adamWWithoutDecaySkipsUntouchedRowsWithTheSameBits() {
        sameBits(p -> new AdamW(p, 1e-2, 0.9, 0.98, 1e-6, 0.0, false));
    }

    @Test void adamWWithDecay() {
        sameBits(p -> new AdamW(p, 1e-2, 0.9, 0.98, 1e-6, 0.2, false));
    }

    @Test void bothGroupsOfOneModelAsInPretraining() {
        // CLIP's split: decay on matrices w, none on the embedding, the bias and the scalar
        sameBitsGroups(p -> {
            LinkedHashMap<String, Parameter> d = new LinkedHashMap<>(), nd = new LinkedHashMap<>();
            p.forEach((n, q) -> (n.equals("w") ? d : nd).put(n, q));
            return List.of(new AdamW(d, 1e-2, 0.9, 0.98, 1e-6, 0.2, false), new AdamW(nd, 1e-2, 0.9, 0.98, 1e-6, 0.0, false));
        });
    }

    @Test void plainAdamAmsgradL2AndEdgeHyperparameters() {
        sameBits(p -> new Adam(p, 1e-2, 0.9, 0.999, 1e-8, 0.0, false));       // fused, skipping
        sameBits(p -> new Adam(p, 1e-2, 0.9, 0.999, 1e-8, 0.1, false));       // L2 in the gradient: dense both
        sameBits(p -> new AdamW(p, 1e-2, 0.9, 0.999, 1e-8, 0.0, true));       // amsgrad: dense both
        sameBits(p -> new AdamW(p, 1e-2, 0.0, 0.0, 1e-6, 0.0, false));        // β = 0
        sameBits(p -> new AdamW(p, 1e-2, 0.9, 0.98, 0.0, 0.0, false));        // eps 0: untouched rows become NaN, no skip
        sameBits(p -> new AdamW(p, 1e-2, 0.9, 0.98, 1e-60, 0.0, false));      // eps underflows to float 0: no skip either
    }

    @Test void untouchedMeansZeroGradientAndAllZeroBitMoments() {
        float[] z = new float[4], neg = {0f, -0.0f, 0f, 0f}, nan = {0f, Float.NaN, 0f, 0f}, tiny = {0f, 0f, Float.MIN_VALUE, 0f};
        assertTrue(AdamRows.untouched(z, 0, z, 0, z, 0, 4));
        assertTrue(AdamRows.untouched(neg, 0, z, 0, z, 0, 4), "-0 gradient");
        assertFalse(AdamRows.untouched(nan, 0, z, 0, z, 0, 4), "NaN gradient");
        assertFalse(AdamRows.untouched(z, 0, neg, 0, z, 0, 4), "-0 first moment: m/denom would be -0 and flip θ = -0");
        assertFalse(AdamRows.untouched(z, 0, z, 0, tiny, 0, 4), "denormal second moment");
        assertFalse(AdamRows.untouched(tiny, 0, z, 0, z, 0, 4), "denormal gradient");
        assertTrue(AdamRows.untouched(tiny, 3, z, 0, z, 0, 1), "offsets");
    }

    /** The vector scan agrees with the element loop on rows longer than a vector: one odd value anywhere, at any offset. */
    @Test void theVectorScanAgreesWithTheElementLoop() {
        float[] odd = {-0.0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.NaN, 1f, Float.NEGATIVE_INFINITY};
        SplittableRandom r = new SplittableRandom(9);
        int agreeTrue = 0, agreeFalse = 0;
        for (int trial = 0; trial < 4000; trial++) {
            int n = r.nextInt(0, 140), pad = r.nextInt(0, 20);
            float[][] a = new float[3][n + 2 * pad];
            int[] off = {r.nextInt(0, pad + 1), r.nextInt(0, pad + 1), r.nextInt(0, pad + 1)};
            for (float[] x : a) for (int i = 0; i < x.length; i++) x[i] = r.nextInt(3) == 0 ? 5f : 0f;   // outside the row: noise
            for (int k = 0; k < 3; k++) java.util.Arrays.fill(a[k], off[k], off[k] + n, 0f);
            if (n > 0 && r.nextInt(3) != 0) {
                int k = r.nextInt(3);
                a[k][off[k] + r.nextInt(n)] = odd[r.nextInt(odd.length)];
            }
            boolean expected = AdamRows.untouchedScalar(a[0], off[0], a[1], off[1], a[2], off[2], n);
            assertEquals(expected, AdamRows.untouched(a[0], off[0], a[1], off[1], a[2], off[2], n), "trial " + trial);
            if (expected) agreeTrue++; else agreeFalse++;
        }
        assertTrue(agreeTrue > 500 && agreeFalse > 500, agreeTrue + " / " + agreeFalse);
    }
}
