package clipvr.reprogram.pretrain;

import clipvr.autograd.nn.Parameter;
import clipvr.autograd.optim.AdamW;
import clipvr.clip.model.Clip;
import clipvr.tensor.Tensor;

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
     * Returns the global gradient norm before clipping.
     */
    public double step(int step) {
        double norm = gradNorm();
        if (config.gradClip() > 0 && norm > config.gradClip()) {
            double s = config.gradClip() / (norm + 1e-6);
            for (Parameter p : all.values()) if (p.grad() != null) p.grad().mulInPlace(s);
        }
        double lr = lrAt(step);
        decay.setLr(lr);
        noDecay.setLr(lr);
        decay.step();
        noDecay.step();
        double t = logitScale.data().item();
        if (t > MAX_LOGIT_SCALE || t < 0) logitScale.data().fill(Math.max(0, Math.min(MAX_LOGIT_SCALE, t)));
        return norm;
    }

    /** √(Σ g²) over every gradient, accumulated in float64. */
    public double gradNorm() {
        double s = 0;
        for (Parameter p : all.values()) {
            Tensor g = p.grad();
            if (g == null) continue;
            for (float v : g.toFloatArray()) s += (double) v * v;
        }
        return Math.sqrt(s);
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
