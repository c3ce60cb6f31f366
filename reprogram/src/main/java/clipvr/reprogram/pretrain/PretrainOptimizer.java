package clipvr.reprogram.pretrain;

import clipvr.autograd.nn.Parameter;
import clipvr.autograd.optim.AdamW;
import clipvr.clip.model.Clip;
import clipvr.tensor.Backends;
import clipvr.tensor.DType;
import clipvr.tensor.Storage;
import clipvr.tensor.Tensor;
import clipvr.tensor.ops.BinaryOp;
import clipvr.tensor.ops.Elementwise;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * CLIP's optimisation (Radford et al. 2021 §2.5, open_clip's defaults):
 * <pre>
 *   AdamW(β₁, β₂, ε), decoupled weight decay only on weight matrices — not on gains, biases, embeddings
 *   (token, positional, class) or the temperature
 *   lr(s) = lr · (s + 1) / warmup                                   s < warmup   (s = 0-based update count)
 *   lr(s) = lr · ½ (1 + cos(π (s - warmup) / (total - warmup)))     afterwards
 *   optional clipping of the global gradient norm; after each update t = logit_scale is clamped to [0, ln 100]
 * </pre>
 * The learning rate is a closed form of the update count, so a resumed run needs only the AdamW moments.
 *
 * <p>On a device ({@code pretrain --device opencl}) the same update runs without reading anything back: the global
 * norm is a device scalar (per-weight sums of squares in float64 where the device has it), the clipping factor
 * {@code norm > clip ? clip / (norm + 1e-6) : 1} is computed on the device and multiplies the gradients there,
 * and the temperature is clamped by a kernel. The CPU path is unchanged (its bits reproduce clipvr-mini).
 */
public final class PretrainOptimizer {
    /** Weights that are matrices by shape but embeddings by role: no weight decay. */
    static final Set<String> EMBEDDINGS = Set.of("token_embedding.weight", "positional_embedding",
            "visual.positional_embedding", "visual.class_embedding");
    /** exp(t) ≤ 100, CLIP's clamp of the learned temperature. */
    public static final double MAX_LOGIT_SCALE = Math.log(100);

    private final PretrainConfig config;
    private final int totalSteps;
    private final AdamW decay, noDecay;
    private final Map<String, Parameter> all;
    private final Parameter logitScale;

    public PretrainOptimizer(Clip model, PretrainConfig config, int totalSteps) {
        this.config = config;
        this.totalSteps = totalSteps;
        this.all = model.namedParameters();
        LinkedHashMap<String, Parameter> d = new LinkedHashMap<>(), nd = new LinkedHashMap<>();
        all.forEach((name, p) -> (decays(name, p) ? d : nd).put(name, p));
        this.decay = new AdamW(d, config.lr(), config.beta1(), config.beta2(), config.eps(), config.weightDecay(), false);
        this.noDecay = new AdamW(nd, config.lr(), config.beta1(), config.beta2(), config.eps(), 0.0, false);
        this.logitScale = all.get("logit_scale");
    }

    /** Whether weight decay applies: matrices (rank ≥ 2) that are not embeddings. */
    public static boolean decays(String name, Parameter p) {
        return p.shape().length >= 2 && !EMBEDDINGS.contains(name);
    }

    /** The learning rate of 0-based update {@code step}. */
    public double lrAt(int step) {
        int w = config.warmup();
        if (step < w) return config.lr() * (step + 1) / w;
        int span = Math.max(1, totalSteps - w);
        return 0.5 * config.lr() * (1 + Math.cos(Math.PI * Math.min(step - w, span) / span));
    }

    /**
     * Dense tensor-op AdamW ({@code true}, as under {@code -Dclipvr.kernels=reference}) or the fused row loop
     * that skips the token-embedding rows a batch does not touch; both give the same bits.
     */
    public void setReference(boolean reference) {
        decay.setReference(reference);
        noDecay.setReference(reference);
    }

    public void zeroGrad() {
        decay.zeroGrad();
        noDecay.zeroGrad();
    }

    /**
     * Update number {@code step} (0-based) from the accumulated gradients: schedule, optional clipping, AdamW, clamp.
     * Returns the global gradient norm before clipping (read back from a device: use {@link #update} inside a loop).
     */
    public double step(int step) { return update(step).item(); }

    /**
     * {@link #step}, returning the global gradient norm as a scalar tensor on the model's device (a host scalar on
     * the CPU): on a device nothing is read back, so the caller decides when (if ever) to pay for the download.
     */
    public Tensor update(int step) {
        Tensor norm;
        if (logitScale.data().device().isCpu()) {
            double n = gradNorm();
            if (config.gradClip() > 0 && n > config.gradClip()) {
                double s = config.gradClip() / (n + 1e-6);
                for (Parameter p : all.values()) if (p.grad() != null) p.grad().mulInPlace(s);
            }
            norm = Tensor.scalar(DType.F64, n);
        } else {
            norm = deviceGradNorm();
            if (config.gradClip() > 0) clipOnDevice(norm);
        }
        double lr = lrAt(step);
        decay.setLr(lr);
        noDecay.setLr(lr);
        decay.step();
        noDecay.step();
        Tensor t = logitScale.data();
        if (t.device().isCpu()) {
            double v = t.item();
            if (v > MAX_LOGIT_SCALE || v < 0) t.fill(Math.max(0, Math.min(MAX_LOGIT_SCALE, v)));
        } else {
            t.copyFrom(t.clamp(0, MAX_LOGIT_SCALE));                     // a kernel: clamp(t) = t inside [0, ln 100]
        }
        return norm;
    }

    /** √(Σ g²) over every gradient, accumulated in float64. */
    public double gradNorm() {
        if (!logitScale.data().device().isCpu()) return deviceGradNorm().item();
        double s = 0;
        for (Parameter p : all.values()) {
            Tensor g = p.grad();
            if (g != null) s = addSquares(s, g);
        }
        return Math.sqrt(s);
    }

    /**
     * s + Σ g² for a host gradient, read in place (no copy of it): {@code s += (double) v * v} element by element in
     * g's row-major order, the additions of the former loop over {@code g.toFloatArray()} in the same order. Elements
     * that are ±0 are skipped: their square is +0, and s + (+0) = s for every s this sum can hold (+0, positive, +∞,
     * NaN — never -0), so the result keeps its bits; that skips the token-embedding rows no caption used (a vector of ±0 at a time). Gradients
     * that are not contiguous float32 take the copy.
     */
    static double addSquares(double s, Tensor g) {
        float[] a;
        int from;
        if (g.storage() instanceof Storage.Floats && g.isContiguous()) {
            a = g.f32();
            from = g.offset();
        } else {
            a = g.toFloatArray();
            from = 0;
        }
        int i = from, to = from + g.numel();
        for (int up = from + F.loopBound(g.numel()); i < up; i += F.length()) {
            if (FloatVector.fromArray(F, a, i).compare(VectorOperators.EQ, 0f).allTrue()) continue;   // a block of ±0
            for (int k = i, end = i + F.length(); k < end; k++) {
                float v = a[k];
                if (v != 0) s += (double) v * v;
            }
        }
        for (; i < to; i++) {
            float v = a[i];
            if (v != 0) s += (double) v * v;                      // false for ±0 only (NaN != 0 is true)
        }
        return s;
    }

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private boolean deviceF64 = true;

    /** The global norm as a device scalar []: per gradient Σ g² (a reduction kernel), summed; float64 where the device has it. */
    private Tensor deviceGradNorm() {
        DType acc = deviceF64 ? DType.F64 : DType.F32;
        Tensor s = null;
        try {
            for (Parameter p : all.values()) {
                Tensor g = p.grad();
                if (g == null) continue;
                Tensor q = g.to(acc);                                                   // converted on the device
                Tensor sq = q.mul(q).sum();                                             // []
                s = s == null ? sq : s.add(sq);
            }
        } catch (UnsupportedOperationException noF64) {
            if (!deviceF64) throw noF64;
            deviceF64 = false;                                                          // a device without fp64: float32 sums
            return deviceGradNorm();
        }
        return s == null ? Tensor.zeros(logitScale.data().device(), acc) : s.sqrt();
    }

    /** g ← g · (norm > clip ? clip / (norm + 1e-6) : 1) on the device; norm is a device scalar. */
    private void clipOnDevice(Tensor norm) {
        double c = config.gradClip();
        Tensor over = Elementwise.binary(BinaryOp.GT, norm, Tensor.scalar(norm.dtype(), c));          // 1 or 0
        Tensor factor = Elementwise.binary(BinaryOp.DIV, Tensor.scalar(norm.dtype(), c), norm.add(1e-6)); // clip / (norm + 1e-6)
        Tensor scale = Elementwise.where(over, factor, Tensor.scalar(norm.dtype(), 1.0));             // exactly 1 when not clipping
        Tensor s32 = null;
        for (Parameter p : all.values()) {
            Tensor g = p.grad();
            if (g == null) continue;
            Tensor s = g.dtype() == scale.dtype() ? scale : s32 != null && s32.dtype() == g.dtype() ? s32 : (s32 = scale.to(g.dtype()));
            Backends.of(g).binary(BinaryOp.MUL, g, s.expand(g.shape()), g);                           // in place
        }
    }

    /** AdamW moments and step counts of both groups, keys prefixed {@code optim.decay.} / {@code optim.no_decay.}. */
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        decay.state().forEach((k, v) -> out.put("optim.decay." + k, v));
        noDecay.state().forEach((k, v) -> out.put("optim.no_decay." + k, v));
        return out;
    }

    /** Restores {@link #state()} (other keys are ignored). */
    public void load(Map<String, Tensor> saved) {
        Map<String, Tensor> d = new LinkedHashMap<>(), nd = new LinkedHashMap<>();
        saved.forEach((k, v) -> {
            if (k.startsWith("optim.decay.")) d.put(k.substring("optim.decay.".length()), v);
            else if (k.startsWith("optim.no_decay.")) nd.put(k.substring("optim.no_decay.".length()), v);
        });
        decay.loadState(d);
        noDecay.loadState(nd);
    }
}
