package clipvr.autograd;

import clipvr.autograd.ops.*;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import clipvr.tensor.ops.Windows;
import net.jqwik.api.*;

import java.util.ArrayList;
import java.util.List;

import static clipvr.autograd.Generators.*;

/**
 * Whole-model gradient checks in float64, built from the ops directly (no nn layer): every input
 * and every weight is checked element by element against central differences.
 */
class CompositeGradCheckTest {

    // ------------------------------------------------------------------ (a) pre-LN transformer stack

    static final int D = 8, HEADS = 2, HEAD_DIM = D / HEADS, HIDDEN = 2 * D, LAYERS = 2;

    /** Parameter shapes of one residual attention block, in the order the block reads them. */
    static final int[][] BLOCK_PARAMS = {
            {D}, {D},                 // ln_1 weight, bias
            {3 * D, D}, {3 * D},      // attn in_proj (packed q, k, v), bias
            {D, D}, {D},              // attn out_proj, bias
            {D}, {D},                 // ln_2 weight, bias
            {HIDDEN, D}, {HIDDEN},    // mlp c_fc, bias
            {D, HIDDEN}, {D}};        // mlp c_proj, bias

    /**
     * One CLIP-style residual attention block, x [B, T, D] → [B, T, D]:
     * x = x + attn(ln_1(x)); x = x + mlp(ln_2(x)), with causal multi-head attention and QuickGELU.
     * The causal mask is added as -1e9 above the diagonal ({@code additiveMask}) or applied with
     * {@link Arithmetic#where} (otherwise); both make those probabilities exactly 0 in float64.
     */
    static Var block(Var x, List<Var> p, boolean additiveMask) {
        int b = x.size(0), t = x.size(1);
        Var h = Norms.layerNorm(x, p.get(0), p.get(1), 1e-5);                           // [B, T, D]
        Var qkv = h.matmulT(p.get(2)).add(p.get(3));                                     // [B, T, 3D]
        Var q = qkv.narrow(-1, 0, D).reshape(b, t, HEADS, HEAD_DIM).permute(0, 2, 1, 3); // [B, H, T, hd]
        Var k = qkv.narrow(-1, D, D).reshape(b, t, HEADS, HEAD_DIM).permute(0, 2, 1, 3); // [B, H, T, hd]
        Var v = qkv.narrow(-1, 2 * D, D).reshape(b, t, HEADS, HEAD_DIM).permute(0, 2, 1, 3);
        Var scores = q.matmulT(k).mul(1.0 / Math.sqrt(HEAD_DIM));                      // [B, H, T, T]
        if (additiveMask) {
            scores = scores.add(Var.constant(causalMask(t, -1e9, 0.0).to(x.dtype())));  // + [T, T]
        } else {
            scores = Arithmetic.where(causalMask(t, 0.0, 1.0), scores,                  // keep j ≤ i
                    Var.constant(Tensor.scalar(x.dtype(), -1e9)));
        }
        Var att = scores.softmax(-1).matmul(v);                                          // [B, H, T, hd]
        Var merged = att.permute(0, 2, 1, 3).reshape(b, t, D);                           // [B, T, D]
        x = x.add(merged.matmulT(p.get(4)).add(p.get(5)));
        Var h2 = Norms.layerNorm(x, p.get(6), p.get(7), 1e-5);
        Var mlp = h2.matmulT(p.get(8)).add(p.get(9)).quickGelu().matmulT(p.get(10)).add(p.get(11)); // [B, T, D]
        return x.add(mlp);
    }

    /** [T, T] with {@code above} strictly above the diagonal (future positions) and {@code onOrBelow} elsewhere. */
    static Tensor causalMask(int t, double above, double onOrBelow) {
        Tensor m = Tensor.empty(DType.F64, t, t);
        for (int i = 0; i < t; i++) for (int j = 0; j < t; j++) m.set(j > i ? above : onOrBelow, i, j);
        return m;
    }

    /** Input [B, T, D] then LAYERS blocks of parameters, all float64. Weights ~ U(-0.5, 0.5), LN weights near 1. */
    static List<Tensor> transformerInputs(long seed, int b, int t) {
        List<Tensor> in = new ArrayList<>();
        in.add(uniform(seed, -1, 1, b, t, D));
        for (int l = 0; l < LAYERS; l++)
            for (int i = 0; i < BLOCK_PARAMS.length; i++) {
                long s = seed + 100L * (l + 1) + i;
                boolean lnWeight = i == 0 || i == 6;
                in.add(lnWeight ? uniform(s, 0.7, 1.3, BLOCK_PARAMS[i]) : uniform(s, -0.5, 0.5, BLOCK_PARAMS[i]));
            }
        return in;
    }

    static Var transformer(List<Var> v) {
        Var x = v.getFirst();
        for (int l = 0; l < LAYERS; l++)
            x = block(x, v.subList(1 + l * BLOCK_PARAMS.length, 1 + (l + 1) * BLOCK_PARAMS.length), l == 0);
        return x;
    }

    /** Gradient w.r.t. the input and all 24 weight tensors of a 2-layer causal transformer (B = 2, T = 3–4). */
    @Property(tries = 3, seed = "901")
    void transformerStack(@ForAll("seeds") long seed, @ForAll @net.jqwik.api.constraints.IntRange(min = 3, max = 4) int t) {
        List<Tensor> in = transformerInputs(seed, 2, t);
        assertGrad("transformer", CompositeGradCheckTest::transformer, allTrue(in.size()), in.toArray(new Tensor[0]));
    }

    /** Causality: the output at position i does not depend on inputs at positions after i (the mask really masks). */
    @Example
    void transformerIsCausal() {
        List<Tensor> in = transformerInputs(7, 1, 4);
        List<Var> vars = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) vars.add(Var.leaf(in.get(i), i == 0));
        Var out = transformer(vars);
        out.select(1, 1).sum().backward();              // position 1's output
        Tensor g = vars.getFirst().grad();              // [1, 4, D]
        for (int pos = 2; pos < 4; pos++)
            for (int d = 0; d < D; d++)
                org.junit.jupiter.api.Assertions.assertEquals(0.0, g.get(0, pos, d), 0.0, "future position " + pos);
        double past = 0;
        for (int d = 0; d < D; d++) past += Math.abs(g.get(0, 0, d));
        org.junit.jupiter.api.Assertions.assertTrue(past > 0, "position 0 must influence position 1");
    }

    // ------------------------------------------------------------------ (b) small conv net

    /**
     * x [2, 2, 6, 6] → conv 3×3 pad 1 (3 ch) → batchNorm2d (training) → relu → maxPool 2 → [2, 3, 3, 3]
     * → conv 2×2 (4 ch) → [2, 4, 2, 2] → avgPool 2 → [2, 4, 1, 1] → linear 4 → 5 (matmulT) → logSoftmax.
     * relu and max-pool have kinks; with random float64 inputs the chance that a value lies within the
     * finite-difference step (1e-6) of one is ~1e-4 per tensor, and the seeds are fixed.
     */
    static Var convNet(List<Var> v) {
        Var x = v.get(0);
        Var h = Conv.conv2d(x, v.get(1), v.get(2), Windows.Geometry.square(3, 1, 1));    // [2, 3, 6, 6]
        h = Conv.batchNorm2d(h, null, null, v.get(3), v.get(4), true, 0.1, 1e-5).relu();
        h = Conv.maxPool2d(h, Windows.Geometry.square(2, 2, 0));                          // [2, 3, 3, 3]
        h = Conv.conv2d(h, v.get(5), v.get(6), Windows.Geometry.square(2, 1, 0));        // [2, 4, 2, 2]
        h = Conv.avgPool2d(h, Windows.Geometry.square(2, 2, 0)).reshape(2, 4);            // [2, 4]
        return LinearAlgebra.matmulT(h, v.get(7)).add(v.get(8)).logSoftmax(-1);          // [2, 5]
    }

    @Property(tries = 4, seed = "902")
    void convNet(@ForAll("seeds") long seed) {
        Tensor[] in = {
                uniform(seed, -1, 1, 2, 2, 6, 6),
                uniform(seed + 1, -0.5, 0.5, 3, 2, 3, 3), uniform(seed + 2, -0.5, 0.5, 3),
                uniform(seed + 3, 0.5, 1.5, 3), uniform(seed + 4, -0.5, 0.5, 3),
                uniform(seed + 5, -0.5, 0.5, 4, 3, 2, 2), uniform(seed + 6, -0.5, 0.5, 4),
                uniform(seed + 7, -1, 1, 5, 4), uniform(seed + 8, -0.5, 0.5, 5)};
        assertGrad("conv net", CompositeGradCheckTest::convNet, allTrue(in.length), in);
    }

    // ------------------------------------------------------------------ float32 against float64

    /**
     * The float32 graph (SIMD kernels, blocked GEMM) yields the same gradients as the float64 graph
     * (reference kernels) that GradCheck proved, to float32 accuracy: max |g32 - g64| ≤ 1e-3·(1 + max |g64|)
     * per tensor, for both composite models.
     */
    @Property(tries = 3, seed = "903")
    void float32GradientsAgreeWithFloat64(@ForAll("seeds") long seed) {
        List<Tensor> tf = transformerInputs(seed, 2, 4);
        compareDtypes("transformer", CompositeGradCheckTest::transformer, tf);
        List<Tensor> cn = List.of(
                uniform(seed, -1, 1, 2, 2, 6, 6),
                uniform(seed + 1, -0.5, 0.5, 3, 2, 3, 3), uniform(seed + 2, -0.5, 0.5, 3),
                uniform(seed + 3, 0.5, 1.5, 3), uniform(seed + 4, -0.5, 0.5, 3),
                uniform(seed + 5, -0.5, 0.5, 4, 3, 2, 2), uniform(seed + 6, -0.5, 0.5, 4),
                uniform(seed + 7, -1, 1, 5, 4), uniform(seed + 8, -0.5, 0.5, 5));
        compareDtypes("conv net", CompositeGradCheckTest::convNet, cn);
    }

    static void compareDtypes(String name, java.util.function.Function<List<Var>, Var> f, List<Tensor> inputs) {
        List<Tensor> g64 = gradients(f, inputs, DType.F64), g32 = gradients(f, inputs, DType.F32);
        for (int i = 0; i < inputs.size(); i++) {
            double[] a = g64.get(i).toDoubleArray(), b = g32.get(i).toDoubleArray();
            double scale = 0, worst = 0;
            for (int e = 0; e < a.length; e++) { scale = Math.max(scale, Math.abs(a[e])); worst = Math.max(worst, Math.abs(a[e] - b[e])); }
            if (worst > 1e-3 * (1 + scale))
                throw new AssertionError(name + ": float32 gradient of input " + i + " " + clipvr.tensor.Shape.str(inputs.get(i).shape())
                        + " differs from float64 by " + worst + " (max |g64| = " + scale + ")");
        }
    }

    /** Gradients of Σ out·w (w fixed, seeded) w.r.t. every input, computed in {@code dtype}. */
    static List<Tensor> gradients(java.util.function.Function<List<Var>, Var> f, List<Tensor> inputs, DType dtype) {
        List<Var> vars = new ArrayList<>();
        for (Tensor t : inputs) vars.add(Var.param(t.to(dtype).copy()));
        Var out = f.apply(vars);
        Tensor w = Tensor.uniform(dtype, new java.util.SplittableRandom(99), -1, 1, out.shape());
        out.mul(Var.constant(w)).sum().backward();
        List<Tensor> gs = new ArrayList<>();
        for (Var v : vars) gs.add(v.grad());
        return gs;
    }

    @Provide Arbitrary<Long> seeds() { return clipvr.autograd.Generators.seeds(); }

    static boolean[] allTrue(int n) {
        boolean[] b = new boolean[n];
        java.util.Arrays.fill(b, true);
        return b;
    }
}
