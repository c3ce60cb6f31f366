package clipvr.clip.model;

import clipvr.autograd.GradMode;
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
import clipvr.tensor.kernels.Gemm;

import java.util.ArrayList;
import java.util.List;
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
     * {@link #encodeImage(Var)} with FLIP's patch masking (pretraining): only the patches {@code keep[b]} of image b
     * are encoded ({@link VisionTransformer#forward(Var, int[][])}); {@code keep == null}: the whole image.
     */
    public Var encodeImage(Var pixels, int[][] keep) {
        if (keep == null) return encodeImage(pixels);
        if (!(visual instanceof VisionTransformer vit))
            throw new IllegalArgumentException("patch masking needs a ViT image tower, this model has " + visual.getClass().getSimpleName());
        return vit.forward(pixels, keep);
    }

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
        if (packs(eot, len)) return encodeTextPacked(tokens, eot);
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

    /**
     * Whether to run the text tower on packed prompts: only without a graph (inference), with the fast
     * kernels ({@code -Dclipvr.kernels=reference} keeps the padded twin), and when padding to the
     * longest prompt would waste at least a tenth of the positions.
     */
    private static boolean packs(int[] eot, int len) {
        if (GradMode.enabled() || Gemm.useReference()) return false;
        long real = 0;
        for (int e : eot) real += e + 1;
        return real * 10 <= (long) eot.length * len * 9;
    }

    /**
     * {@link #encodeText} without padding: prompts sorted by length into groups of equal length, their
     * tokens packed into R = Σ lengths rows, the linear layers run once over all rows and attention per
     * group ({@link Transformer#forwardPackedCausal}). Each prompt's feature equals the padded pass's up to
     * float rounding (the softmax of a row sums fewer masked zeros, as when the batch's longest prompt is shorter).
     */
    private Var encodeTextPacked(int[][] tokens, int[] eot) {
        int m = tokens.length, t = config.textWidth();
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) order[i] = i;
        java.util.Arrays.sort(order, java.util.Comparator.comparingInt(i -> eot[i]));   // stable: ties keep input order
        List<Integer> counts = new ArrayList<>(), lengths = new ArrayList<>();
        int rows = 0;
        for (int i : order) {
            int l = eot[i] + 1;
            if (lengths.isEmpty() || lengths.getLast() != l) { lengths.add(l); counts.add(0); }
            counts.set(counts.size() - 1, counts.getLast() + 1);
            rows += l;
        }
        int[] ids = new int[rows], positions = new int[rows], eotRow = new int[m];
        int at = 0;
        for (int i : order) {
            int l = eot[i] + 1;
            System.arraycopy(tokens[i], 0, ids, at, l);
            for (int j = 0; j < l; j++) positions[at + j] = j;
            eotRow[i] = at + l - 1;
            at += l;
        }
        Var x = tokenEmbedding.forward(ids, rows);                                         // [R, width], prompts packed
        x = x.add(Select.indexSelect(positionalEmbedding.var(), 0, positions));            // + each row's position
        x = transformer.forwardPackedCausal(x, counts.stream().mapToInt(Integer::intValue).toArray(),
                lengths.stream().mapToInt(Integer::intValue).toArray());                   // [R, width]
        x = lnFinal.forward(Select.indexSelect(x, 0, eotRow));                             // [M, width], EOT rows in input order
        return x.matmul(textProjection.var());                                             // [M, E]
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
