package clipvr.autograd.optim;

import clipvr.tensor.Storage;
import clipvr.tensor.Tensor;
import clipvr.tensor.kernels.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast twin of {@link Adam}'s tensor-op update: one fused float32 loop per row of θ [rows, cols]
 * (cols = the last axis), which skips the rows the update cannot change. Bit for bit the same as the
 * dense reference, whose every op is one IEEE float32 operation per element with its double constants
 * rounded to float first (the SIMD lanes, and the reference kernels' double arithmetic rounded back to
 * float, give the same bits for + - × ÷ √); Java never contracts a·b + c into an fma, so the loop below
 * performs exactly the same roundings in the same order:
 * <pre>
 *   θ ← θ·f(1 - lr·wd)                                       (only if wd ≠ 0; decoupled)
 *   m ← m·f(β₁) + g·f(1 - β₁)
 *   v ← v·f(β₂) + (g·g)·f(1 - β₂)
 *   θ ← θ + (m / (√v / f(√(1 - β₂ᵗ)) + f(eps))) · f(-lr / (1 - β₁ᵗ))          f(x) = (float) x
 * </pre>
 * <b>Why a row may be skipped.</b> With wd = 0, a row whose g is ±0 everywhere and whose m and v are +0
 * everywhere (bit pattern 0) stays exactly as it is: m·f(β₁) = +0 (β₁ ≥ 0), g·f(1-β₁) = ±0, and +0 + ±0 = +0,
 * so m stays +0; likewise v; √(+0)/f(√bc2) = +0 and + f(eps) gives f(eps) &gt; 0 (required; with eps = 0 the
 * dense update makes 0/0 = NaN, so nothing is skipped); m/denom = +0; +0 · f(-lr/bc1) = -0 since -lr/bc1 ≤ 0;
 * and θ + (-0) = θ for every θ, -0 included. Token-embedding rows of words absent from a batch (and never
 * seen, or seen so long ago that m and v have underflowed back to +0) are such rows: in CLIP pretraining
 * that is nearly all 49,408 of them. The test is on the values themselves, so it needs no state of its own
 * and holds after a resume from a checkpoint.
 */
final class AdamRows {
    private AdamRows() {}

    /** Whether the fused loop applies: float32 host tensors laid out without gaps. */
    static boolean fits(Tensor... ts) {
        for (Tensor t : ts) if (!(t.storage() instanceof Storage.Floats) || !t.isContiguous()) return false;
        return true;
    }

    /**
     * One Adam(W) update of θ from g with moments m and v (all the same shape, all {@link #fits}), at step t.
     * {@code decoupled}: AdamW's decay of θ; otherwise wd must be 0 (the caller takes the reference for L2).
     */
    static void update(Tensor theta, Tensor g, Tensor m, Tensor v, long t, double lr, double beta1, double beta2,
                       double eps, double wd) {
        float[] th = theta.f32(), gr = g.f32(), ma = m.f32(), va = v.f32();
        int to = theta.offset(), go = g.offset(), mo = m.offset(), vo = v.offset();
        int n = theta.numel(), cols = theta.rank() == 0 ? 1 : theta.size(-1), rows = n / Math.max(1, cols);
        double bc1 = 1 - Math.pow(beta1, t), bc2 = 1 - Math.pow(beta2, t);
        float b1 = (float) beta1, c1 = (float) (1 - beta1), b2 = (float) beta2, c2 = (float) (1 - beta2);
        float sbc2 = (float) Math.sqrt(bc2), fe = (float) eps, step = (float) (-lr / bc1), keep = (float) (1 - lr * wd);
        boolean decays = wd != 0, skips = wd == 0 && fe > 0;
        Parallel.forRange(rows, 8L * cols, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int j0 = r * cols, j1 = j0 + cols;
                if (skips && untouched(gr, go + j0, ma, mo + j0, va, vo + j0, cols)) continue;
                for (int j = j0; j < j1; j++) {
                    float gj = gr[go + j], th0 = th[to + j];
                    if (decays) th0 = th0 * keep;
                    float mj = ma[mo + j] * b1 + gj * c1;
                    float vj = va[vo + j] * b2 + (gj * gj) * c2;
                    ma[mo + j] = mj;
                    va[vo + j] = vj;
                    float denom = (float) Math.sqrt(vj) / sbc2 + fe;
                    th[to + j] = th0 + (mj / denom) * step;
                }
            }
        });
    }

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = F.vectorShape().withLanes(int.class);

    /**
     * True when g[0..n) is ±0 and m[0..n), v[0..n) are +0 (all-zero bits) — the rows the update leaves alone. The OR
     * of the bit patterns is taken a vector at a time (OR is exact in any order), then over the lanes and the tail:
     * nearly every row of the token embedding is such a row, so this scan of three [49408, width] arrays is most of
     * the update's time.
     */
    static boolean untouched(float[] g, int go, float[] m, int mo, float[] v, int vo, int n) {
        int j = 0;
        IntVector acc = IntVector.zero(I);
        for (int up = F.loopBound(n); j < up; j += F.length())
            acc = acc.or(FloatVector.fromArray(F, g, go + j).reinterpretAsInts().lanewise(VectorOperators.LSHL, 1))
                    .or(FloatVector.fromArray(F, m, mo + j).reinterpretAsInts())
                    .or(FloatVector.fromArray(F, v, vo + j).reinterpretAsInts());
        int bits = acc.reduceLanes(VectorOperators.OR);
        for (; j < n; j++)   // g's sign bit shifted out: -0 counts as zero; NaN does not
            bits |= (Float.floatToRawIntBits(g[go + j]) << 1) | Float.floatToRawIntBits(m[mo + j]) | Float.floatToRawIntBits(v[vo + j]);
        return bits == 0;
    }

    /** {@link #untouched}, one element at a time (the twin the tests compare it with). */
    static boolean untouchedScalar(float[] g, int go, float[] m, int mo, float[] v, int vo, int n) {
        int bits = 0;
        for (int j = 0; j < n; j++)
            bits |= (Float.floatToRawIntBits(g[go + j]) << 1) | Float.floatToRawIntBits(m[mo + j]) | Float.floatToRawIntBits(v[vo + j]);
        return bits == 0;
    }
}
