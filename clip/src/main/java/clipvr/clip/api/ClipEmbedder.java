package clipvr.clip.api;

import clipvr.autograd.GradMode;
import clipvr.autograd.Var;
import clipvr.clip.image.ClipPreprocess;
import clipvr.clip.image.ImageDecoder;
import clipvr.clip.image.RgbImage;
import clipvr.clip.model.Clip;
import clipvr.clip.model.ClipModels;
import clipvr.clip.text.ClipTokenizer;
import clipvr.clip.zeroshot.ZeroShotClassifier;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * A CLIP model loaded once, encoding images and texts to {@code float[]} embeddings (open_clip's
 * {@code encode_image} / {@code encode_text}, with the model's own preprocessing and tokenizer).
 *
 * <pre>{@code
 * ClipEmbedder clip = ClipEmbedder.load(Path.of("weights/ViT-B-32.pt"));
 * float[][] images = clip.encodeImageFiles(List.of(Path.of("cat.jpg")), true);      // [1][512], unit length
 * float[][] texts  = clip.encodeTexts(List.of("a photo of a cat"), true);
 * double cosine    = ClipEmbedder.dot(images[0], texts[0]);
 * }</pre>
 *
 * <p>Inputs are processed in batches of {@link #batchSize()} (images are decoded and preprocessed in parallel,
 * then one forward pass per batch). Embeddings are the encoder outputs ({@code normalize = false}) or those
 * divided by their L2 norm ({@code normalize = true}).
 *
 * <p>Thread-safe: the weights are read-only after loading, inference records no graph, and the kernels keep
 * their scratch buffers per thread, so one instance can serve concurrent callers.
 */
public final class ClipEmbedder {
    /** Images or texts per forward pass unless {@link #withBatchSize(int)} says otherwise. */
    public static final int DEFAULT_BATCH = 32;

    private final Clip model;
    private final ClipTokenizer tokenizer;
    private final ClipPreprocess preprocess;
    private final int batch;

    private ClipEmbedder(Clip model, ClipTokenizer tokenizer, int batch) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.preprocess = new ClipPreprocess(model.resolution());
        this.batch = batch;
        model.freeze();
        model.eval();
    }

    /**
     * Loads any supported checkpoint (OpenAI {@code .pt}, {@code torch.save} zips, safetensors with OpenAI or Hugging
     * Face names, Hugging Face directories) with the tokenizer vocabulary found beside it, or in
     * {@code ../shared/clip} ({@link ClipTokenizer#locateVocab}). Without a vocabulary the images can still be
     * encoded; the text methods then fail with a message saying so.
     *
     * @throws IllegalArgumentException if the checkpoint is invalid
     */
    public static ClipEmbedder load(Path weights) {
        Path vocab = ClipTokenizer.locateVocab(weights);
        ClipTokenizer tok = vocab == null ? null : ClipTokenizer.load(vocab);
        return new ClipEmbedder(ClipModels.load(weights, DType.F32), tok, DEFAULT_BATCH);
    }

    /** Loads a checkpoint with an explicit vocabulary ({@code bpe_simple_vocab_16e6.txt.gz} or HF {@code vocab.json}). */
    public static ClipEmbedder load(Path weights, Path vocab) {
        return new ClipEmbedder(ClipModels.load(weights, DType.F32), ClipTokenizer.load(vocab), DEFAULT_BATCH);
    }

    /** The same model with another batch size (shares the weights). */
    public ClipEmbedder withBatchSize(int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        return new ClipEmbedder(model, tokenizer, batchSize);
    }

    public int batchSize() { return batch; }

    /** Length of every embedding (512 for ViT-B/32). */
    public int embedDim() { return model.embedDim(); }

    /** Input resolution: prepared pixels are {@code [3, imageSize, imageSize]} (224 for ViT-B/32). */
    public int imageSize() { return model.resolution(); }

    /** Tokens per text (77). */
    public int contextLength() { return model.config.contextLength(); }

    /** exp(logit_scale): CLIP's temperature for cosine-similarity logits (100 for the released models). */
    public double logitScale() { return model.logitScale(); }

    /** A one-line description of the architecture (widths, layers, resolution). */
    public String describe() { return model.config.describe(); }

    // ------------------------------------------------------------------ preprocessing and tokens

    /** CLIP's preprocessing of one image file: CHW floats, length {@code 3·imageSize²}, normalised. */
    public float[] preprocess(Path file) { return preprocess.apply(ImageDecoder.decode(file)); }

    /** CLIP's preprocessing of one decoded image. */
    public float[] preprocess(BufferedImage image) { return preprocess.apply(ImageDecoder.toRgb(image)); }

    /** CLIP's preprocessing of one encoded image (JPEG, PNG, BMP, GIF bytes); {@code name} appears in errors. */
    public float[] preprocess(byte[] encoded, String name) { return preprocess.apply(ImageDecoder.decode(encoded, name)); }

    /** {@code clip.tokenize(text)}: SOT, BPE ids, EOT, zero padded to {@link #contextLength()}. */
    public int[] tokenize(String text) { return tokenizer().tokenize(text, contextLength(), false); }

    private ClipTokenizer tokenizer() {
        if (tokenizer == null)
            throw new IllegalStateException("no tokenizer vocabulary was found beside the weights: load with ClipEmbedder.load(weights, vocab)"
                    + " (OpenAI's bpe_simple_vocab_16e6.txt.gz or a Hugging Face vocab.json with merges.txt beside it)");
        return tokenizer;
    }

    // ------------------------------------------------------------------ images

    /** Embeds image files, one row per file, in order. */
    public float[][] encodeImageFiles(List<Path> files, boolean normalize) {
        return encodePrepared(files.size(), i -> preprocess(files.get(i)), normalize);
    }

    /** Embeds decoded images. */
    public float[][] encodeImages(List<BufferedImage> images, boolean normalize) {
        return encodePrepared(images.size(), i -> preprocess(images.get(i)), normalize);
    }

    /** Embeds encoded images (file contents), e.g. a binary column of a table. */
    public float[][] encodeImageBytes(List<byte[]> encoded, boolean normalize) {
        return encodePrepared(encoded.size(), i -> preprocess(encoded.get(i), "image " + i), normalize);
    }

    /** Embeds prepared pixels: each row CHW, length {@code 3·imageSize²}, already CLIP-normalised. */
    public float[][] encodePixels(float[][] pixels, boolean normalize) {
        int per = 3 * imageSize() * imageSize();
        for (int i = 0; i < pixels.length; i++)
            if (pixels[i].length != per)
                throw new IllegalArgumentException("encodePixels: row " + i + " has " + pixels[i].length + " values, expected 3·"
                        + imageSize() + "² = " + per);
        return encodePrepared(pixels.length, i -> pixels[i], normalize);
    }

    /** Embeds one image file. */
    public float[] encodeImage(Path file, boolean normalize) { return encodeImageFiles(List.of(file), normalize)[0]; }

    /** Preprocesses item i of n with {@code prepare} (in parallel within a batch) and encodes batch by batch. */
    private float[][] encodePrepared(int n, IntFunction<float[]> prepare, boolean normalize) {
        int r = imageSize(), per = 3 * r * r;
        float[][] out = new float[n][];
        for (int from = 0; from < n; from += batch) {
            int len = Math.min(batch, n - from), f = from;
            float[] all = new float[len * per];
            IntStream.range(0, len).parallel().forEach(k -> System.arraycopy(prepare.apply(f + k), 0, all, k * per, per));
            Tensor features;
            try (var s = GradMode.noGrad()) {
                features = model.encodeImage(Var.constant(Tensor.of(all, len, 3, r, r))).data();          // [len, E]
            }
            copyRows(features, normalize, out, from);
        }
        return out;
    }

    // ------------------------------------------------------------------ texts

    /** Embeds texts (each must fit the context; longer texts are an error, as {@code clip.tokenize}). */
    public float[][] encodeTexts(List<String> texts, boolean normalize) {
        return encodeTokens(tokenizer().tokenizeAll(texts, contextLength(), false), normalize);
    }

    /** Embeds token rows of length {@link #contextLength()} (SOT ... EOT, zero padded). */
    public float[][] encodeTokens(int[][] tokens, boolean normalize) {
        float[][] out = new float[tokens.length][];
        for (int from = 0; from < tokens.length; from += batch) {
            int[][] chunk = java.util.Arrays.copyOfRange(tokens, from, Math.min(tokens.length, from + batch));
            Tensor features;
            try (var s = GradMode.noGrad()) {
                features = model.encodeText(chunk).data();                                                 // [len, E]
            }
            copyRows(features, normalize, out, from);
        }
        return out;
    }

    /** Embeds one text. */
    public float[] encodeText(String text, boolean normalize) { return encodeTexts(List.of(text), normalize)[0]; }

    private static void copyRows(Tensor features, boolean normalize, float[][] out, int at) {
        float[] flat = features.contiguous().toFloatArray();
        int n = features.size(0), e = features.size(1);
        for (int i = 0; i < n; i++) {
            float[] row = java.util.Arrays.copyOfRange(flat, i * e, (i + 1) * e);
            out[at + i] = normalize ? normalize(row) : row;
        }
    }

    // ------------------------------------------------------------------ zero-shot and helpers

    /**
     * CLIP's zero-shot classifier over {@code classNames}: each class's texts are the {@code templates} with
     * {@code {}} replaced by the name ({@code _} → space), embedded, normalised, averaged and re-normalised.
     */
    public ZeroShotImageClassifier zeroShot(List<String> classNames, List<String> templates) {
        Objects.requireNonNull(classNames, "classNames");
        if (classNames.isEmpty()) throw new IllegalArgumentException("zeroShot: no class names");
        if (templates.isEmpty()) throw new IllegalArgumentException("zeroShot: no templates");
        for (String t : templates)
            if (!t.contains("{}")) throw new IllegalArgumentException("zeroShot: template without {}: '" + t + "'");
        return new ZeroShotImageClassifier(this, ZeroShotClassifier.build(model, tokenizer(), classNames, templates, 64), classNames);
    }

    /** {@code v / ‖v‖} (a new array; the zero vector stays zero). */
    public static float[] normalize(float[] v) {
        double ss = 0;
        for (float x : v) ss += (double) x * x;
        float inv = ss == 0 ? 0 : (float) (1 / Math.sqrt(ss));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i] * inv;
        return out;
    }

    /** Σ a·b in float64 (the cosine similarity of normalised embeddings). */
    public static double dot(float[] a, float[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("dot: lengths " + a.length + " and " + b.length);
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    /** Unnormalised image features [n, E] of prepared pixels, for the zero-shot classifier. */
    Tensor imageFeatures(int n, IntFunction<float[]> prepare) {
        float[][] rows = encodePrepared(n, prepare, false);
        int e = embedDim();
        float[] flat = new float[n * e];
        for (int i = 0; i < n; i++) System.arraycopy(rows[i], 0, flat, i * e, e);
        return Tensor.of(flat, n, e);
    }
}
