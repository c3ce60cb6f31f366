package clipvr.clip.api;

import clipvr.clip.zeroshot.ZeroShotClassifier;
import clipvr.tensor.Tensor;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * CLIP zero-shot classification over a fixed set of class names (made by {@link ClipEmbedder#zeroShot}): logits are
 * {@code exp(logit_scale) · cos(image, class)} with each class's prompt-ensemble embedding, probabilities their
 * softmax.
 *
 * <pre>{@code
 * var classifier = clip.zeroShot(List.of("cat", "dog"), List.of("a photo of a {}."));
 * Prediction p = classifier.classifyFiles(List.of(Path.of("pet.jpg"))).getFirst();
 * System.out.println(p.label() + " " + p.probability());
 * }</pre>
 *
 * <p>Thread-safe, like the {@link ClipEmbedder} it was built from.
 */
public final class ZeroShotImageClassifier {
    private final ClipEmbedder clip;
    private final ZeroShotClassifier head;
    private final List<String> classNames;

    ZeroShotImageClassifier(ClipEmbedder clip, ZeroShotClassifier head, List<String> classNames) {
        this.clip = clip;
        this.head = head;
        this.classNames = List.copyOf(classNames);
    }

    /** Class names in index order. */
    public List<String> classNames() { return classNames; }

    /** The class embeddings [C][E] (unit length): the text side of the classifier. */
    public float[][] classEmbeddings() {
        Tensor w = head.weights();
        int c = w.size(0), e = w.size(1);
        float[] flat = w.contiguous().toFloatArray();
        float[][] out = new float[c][];
        for (int i = 0; i < c; i++) out[i] = java.util.Arrays.copyOfRange(flat, i * e, (i + 1) * e);
        return out;
    }

    /** Class logits [n][C] for image embeddings (normalised or not: they are normalised here). */
    public float[][] logits(float[][] imageEmbeddings) {
        int n = imageEmbeddings.length, e = clip.embedDim();
        float[] flat = new float[n * e];
        for (int i = 0; i < n; i++) {
            if (imageEmbeddings[i].length != e)
                throw new IllegalArgumentException("logits: embedding " + i + " has " + imageEmbeddings[i].length + " values, expected " + e);
            System.arraycopy(imageEmbeddings[i], 0, flat, i * e, e);
        }
        return rows(head.logits(Tensor.of(flat, n, e)));
    }

    /** Predictions (top {@link Prediction#DEFAULT_TOP}) for image files. */
    public List<Prediction> classifyFiles(List<Path> files) { return classifyFiles(files, Prediction.DEFAULT_TOP); }

    /** Predictions with the {@code top} most probable classes for image files. */
    public List<Prediction> classifyFiles(List<Path> files, int top) { return classify(files.size(), i -> clip.preprocess(files.get(i)), top); }

    /** Predictions for decoded images. */
    public List<Prediction> classifyImages(List<BufferedImage> images) { return classifyImages(images, Prediction.DEFAULT_TOP); }

    /** Predictions with the {@code top} most probable classes for decoded images. */
    public List<Prediction> classifyImages(List<BufferedImage> images, int top) {
        return classify(images.size(), i -> clip.preprocess(images.get(i)), top);
    }

    /** Predictions for encoded images (file contents). */
    public List<Prediction> classifyImageBytes(List<byte[]> encoded) { return classifyImageBytes(encoded, Prediction.DEFAULT_TOP); }

    /** Predictions with the {@code top} most probable classes for encoded images. */
    public List<Prediction> classifyImageBytes(List<byte[]> encoded, int top) {
        return classify(encoded.size(), i -> clip.preprocess(encoded.get(i), "image " + i), top);
    }

    /** Predictions for image embeddings from {@link ClipEmbedder} (e.g. computed earlier and stored). */
    public List<Prediction> classifyEmbeddings(float[][] imageEmbeddings, int top) {
        List<Prediction> out = new ArrayList<>();
        for (float[] row : logits(imageEmbeddings)) out.add(Prediction.of(row, classNames, top));
        return out;
    }

    private List<Prediction> classify(int n, IntFunction<float[]> prepare, int top) {
        List<Prediction> out = new ArrayList<>(n);
        for (float[] row : rows(head.logits(clip.imageFeatures(n, prepare)))) out.add(Prediction.of(row, classNames, top));
        return out;
    }

    private static float[][] rows(Tensor t) {
        int n = t.size(0), c = t.size(1);
        float[] flat = t.contiguous().toFloatArray();
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) out[i] = java.util.Arrays.copyOfRange(flat, i * c, (i + 1) * c);
        return out;
    }
}
