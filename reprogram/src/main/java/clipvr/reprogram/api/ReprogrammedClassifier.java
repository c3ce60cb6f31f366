package clipvr.reprogram.api;

import clipvr.clip.api.Prediction;
import clipvr.clip.image.ImageDecoder;
import clipvr.clip.image.RgbImage;
import clipvr.reprogram.data.Dataset;
import clipvr.reprogram.train.RunEvaluator;
import clipvr.tensor.Tensor;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * A trained visual-reprogramming classifier, loaded from a run directory of {@code ./clipvr train}: the frozen CLIP
 * of the run (its SHA-256 is checked), the learned prompt(s) (and SMM's mask network), the head (label text
 * features, AttrVR's description features, DVP's PRM-weighted description logits or a label mapping) and the
 * method's evaluation preprocessing. This is what one deploys after {@code train}.
 *
 * <pre>{@code
 * ReprogrammedClassifier vr = ReprogrammedClassifier.load(Path.of("runs/ar"));
 * for (Prediction p : vr.predictFiles(List.of(Path.of("a.jpg"), Path.of("b.png"))))
 *     System.out.println(p.label() + " " + p.probability() + " " + p.top());
 * }</pre>
 *
 * <p>Predictions equal {@code ./clipvr evaluate} on the same images: same checkpoint, same transform, same logits.
 * Thread-safe: the state is read-only after loading and inference records no graph.
 */
public final class ReprogrammedClassifier {
    /** Images per forward pass unless {@link #withBatchSize(int)} says otherwise. */
    public static final int DEFAULT_BATCH = 32;

    /** Which checkpoint of the run to load. */
    public enum Checkpoint {
        /** {@code checkpoint.safetensors}: the state after the last completed epoch. */
        LAST,
        /** {@code best.safetensors}: the evaluated epoch with the highest test top-1. */
        BEST
    }

    private final RunEvaluator.LoadedRun run;
    private final int batch;

    private ReprogrammedClassifier(RunEvaluator.LoadedRun run, int batch) {
        this.run = run;
        this.batch = batch;
    }

    /** Loads the last checkpoint of {@code runDir} onto the CLIP weights named in its config.json. */
    public static ReprogrammedClassifier load(Path runDir) {
        return load(runDir, Checkpoint.LAST, null);
    }

    /**
     * Loads a run.
     *
     * @param runDir  a run directory written by {@code ./clipvr train}
     * @param which   the checkpoint to load
     * @param weights the CLIP weights if they moved since training (null: the path in config.json); their SHA-256 must
     *                equal the run's
     * @throws IllegalArgumentException if the directory is not a complete run or the weights differ
     */
    public static ReprogrammedClassifier load(Path runDir, Checkpoint which, Path weights) {
        return new ReprogrammedClassifier(RunEvaluator.load(runDir, which.name().toLowerCase(java.util.Locale.ROOT), weights), DEFAULT_BATCH);
    }

    /** The same classifier with another batch size (shares the loaded state). */
    public ReprogrammedClassifier withBatchSize(int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        return new ReprogrammedClassifier(run, batchSize);
    }

    /** The method's name as {@code train --method} spells it (e.g. {@code ar}, {@code dvp-cse}). */
    public String method() { return run.config().method(); }

    /** Class names in label order. */
    public List<String> classNames() { return run.classNames(); }

    /** The epoch the loaded checkpoint was written after (0-based). */
    public int epoch() { return run.epoch(); }

    /** Side length of the method's input image (before the prompt pads it to CLIP's resolution). */
    public int inputSize() { return run.preprocessing().size(); }

    /** Predictions (top {@link Prediction#DEFAULT_TOP}) for image files, in order. */
    public List<Prediction> predictFiles(List<Path> files) {
        return predictFiles(files, Prediction.DEFAULT_TOP);
    }

    /** Predictions for image files with the {@code top} most probable classes each. */
    public List<Prediction> predictFiles(List<Path> files, int top) {
        return predict(files.size(), i -> ImageDecoder.decode(files.get(i)), top);
    }

    /** Predictions for decoded images. */
    public List<Prediction> predictImages(List<BufferedImage> images) { return predictImages(images, Prediction.DEFAULT_TOP); }

    /** Predictions with the {@code top} most probable classes for decoded images. */
    public List<Prediction> predictImages(List<BufferedImage> images, int top) {
        return predict(images.size(), i -> ImageDecoder.toRgb(images.get(i)), top);
    }

    /** Predictions for encoded images (file contents). */
    public List<Prediction> predictImageBytes(List<byte[]> encoded) { return predictImageBytes(encoded, Prediction.DEFAULT_TOP); }

    /** Predictions with the {@code top} most probable classes for encoded images. */
    public List<Prediction> predictImageBytes(List<byte[]> encoded, int top) {
        return predict(encoded.size(), i -> ImageDecoder.decode(encoded.get(i), "image " + i), top);
    }

    /** The prediction for one image file. */
    public Prediction predict(Path file) { return predictFiles(List.of(file)).getFirst(); }

    /** Class logits [n][C] of items {@code indices} of a dataset, with the evaluation transform (batched). */
    public float[][] logits(Dataset data, int[] indices) {
        return logits(indices.length, i -> ImageDecoder.toRgb(data.image(indices[i])));
    }

    /** Class logits [n][C] for decoded images (batched; preprocessing runs in parallel within a batch). */
    public float[][] logits(int n, IntFunction<RgbImage> image) {
        int s = inputSize(), per = 3 * s * s;
        float[][] out = new float[n][];
        for (int from = 0; from < n; from += batch) {
            int len = Math.min(batch, n - from), f = from;
            float[] all = new float[len * per];
            IntStream.range(0, len).parallel().forEach(k -> {
                float[] chw = run.preprocessing().testPixels(image.apply(f + k));
                System.arraycopy(chw, 0, all, k * per, per);
            });
            Tensor z = run.model().logits(Tensor.of(all, len, 3, s, s));                                    // [len, C]
            int c = z.size(1);
            float[] flat = z.contiguous().toFloatArray();
            for (int i = 0; i < len; i++) out[from + i] = java.util.Arrays.copyOfRange(flat, i * c, (i + 1) * c);
        }
        return out;
    }

    private List<Prediction> predict(int n, IntFunction<RgbImage> image, int top) {
        List<Prediction> out = new ArrayList<>(n);
        for (float[] row : logits(n, image)) out.add(Prediction.of(row, classNames(), top));
        return out;
    }
}
