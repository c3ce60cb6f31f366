package clipvr.clip.model;

import clipvr.autograd.Var;
import clipvr.autograd.nn.Embedding;
import clipvr.autograd.nn.LayerNorm;
import clipvr.autograd.nn.Module;
import clipvr.autograd.nn.MultiheadAttention;
import clipvr.autograd.nn.Parameter;
import clipvr.autograd.ops.Select;
import clipvr.clip.io.ClipConfig;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;

import java.util.random.RandomGenerator;

/**
 * OpenAI CLIP with a Vision Transformer image tower, state-dict names exactly as OpenAI's
 * ({@code visual.*}, {@code transformer.*}, {@code token_embedding.weight}, {@code positional_embedding},
 * {@code ln_final.*}, {@code text_projection}, {@code logit_scale}).
 *
 * <p>API as OpenAI's: {@link #encodeImage}, {@link #encodeText}, {@link #logits}. Two ways to run it:
 * inference inside {@code GradMode.noGrad()} (no graph is kept), and training, where gradients flow to
 * the input pixels while the weights stay frozen ({@link #freeze()}: no weight gradient is ever formed)
 * or to the weights when unfrozen.
 */
public final class Clip extends Module {
    public final ClipConfig config;
    private final ImageTower visual;
    private final Transformer transformer;
    private final Embedding tokenEmbedding;
    private final Parameter positionalEmbedding, textProjection, logitScale;
    private final LayerNorm lnFinal;

    /** A model with OpenAI's random initialisation ({@link ClipInit}), drawn from {@code rng}. */
    public Clip(ClipConfig c, DType dtype, RandomGenerator rng) {
        this.config = c;
        this.visual = child("visual", new VisionTransformer(c, dtype, rng));
        this.transformer = child("transformer", new Transformer(c.textWidth(), c.textLayers(), c.textHeads(), c.textMlpWidth(),
                c.activation(), c.layerNormEps(), dtype, rng));
        this.tokenEmbedding = child("token_embedding", new Embedding(c.vocabSize(), c.textWidth(), dtype, rng));
        this.positionalEmbedding = param("positional_embedding", Tensor.zeros(dtype, c.contextLength(), c.textWidth()));
        this.lnFinal = child("ln_final", new LayerNorm(c.textWidth(), c.layerNormEps(), dtype));
        this.textProjection = param("text_projection", Tensor.zeros(dtype, c.textWidth(), c.embedDim()));
        this.logitScale = param("logit_scale", Tensor.scalar(dtype, Math.log(1 / 0.07)));
        ClipInit.initialize(this, rng);
    }

    public ImageTower visual() { return visual; }
    public int resolution() { return config.imageResolution(); }
    public int embedDim() { return config.embedDim(); }

    /** pixels [B, 3, R, R], CLIP-normalised → image features [B, E] (before L2 normalisation). */
    public Var encodeImage(Var pixels) { return visual.forward(pixels); }

    /**
     * tokens [M][context] (SOT ... EOT, zero padded) → text features [M, E] (before L2 normalisation),
     * taken at each row's EOT token (the highest id, as OpenAI's argmax).
     *
     * <p>With the causal mask a position only sees earlier positions, so nothing after the last EOT of
     * the batch can influence any EOT feature: the sequence is cut there (L ≤ context), which makes
     * typical 10–20-token prompts 4–7× cheaper than computing all 77 positions, with identical results.
     */
    public Var encodeText(int[][] tokens) {
        int m = tokens.length, ctx = config.contextLength();
        int[] eot = new int[m];
        int len = 1;
        for (int i = 0; i < m; i++) {
            if (tokens[i].length != ctx)
                throw new IllegalArgumentException("encodeText: row " + i + " has " + tokens[i].length + " tokens, expected " + ctx);
            int best = 0;
            for (int j = 0; j < ctx; j++) {
                int id = tokens[i][j];
                if (id < 0 || id >= config.vocabSize())
                    throw new IllegalArgumentException("encodeText: token id " + id + " at [" + i + ", " + j + "] outside [0, " + config.vocabSize() + ")");
                if (id > tokens[i][best]) best = j;
            }
            eot[i] = best;
            len = Math.max(len, best + 1);
        }
        int[] ids = new int[m * len];
        for (int i = 0; i < m; i++) System.arraycopy(tokens[i], 0, ids, i * len, len);
        int t = config.textWidth();
        Var x = tokenEmbedding.forward(ids, m, len);                          // [M, L, width]
        x = x.add(positionalEmbedding.var().narrow(0, 0, len));               // + positions [L, width]
        x = transformer.forward(x, MultiheadAttention.causalMask(x.data().device(), x.dtype(), len));
        x = lnFinal.forward(x);                                               // [M, L, width]
        int[] rows = new int[m];
        for (int i = 0; i < m; i++) rows[i] = i * len + eot[i];
        x = Select.indexSelect(x.reshape(m * len, t), 0, rows);               // [M, width], the EOT features
        return x.matmul(textProjection.var());                                // [M, E]
    }

    /** v / ‖v‖ along the last axis. */
    public static Var normalize(Var v) {
        return v.div(v.mul(v).sum(new int[]{-1}, true).sqrt());
    }

    /** logits_per_image [B, M] = exp(logit_scale) · normalize(image) · normalize(text)ᵀ. */
    public Var logits(Var imageFeatures, Var textFeatures) {
        Var s = normalize(imageFeatures).matmulT(normalize(textFeatures));    // [B, M] cosine similarities
        return s.mul(logitScale.var().exp());
    }

    public double logitScale() { return Math.exp(logitScale.data().item()); }
}
