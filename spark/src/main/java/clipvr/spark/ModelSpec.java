package clipvr.spark;

import clipvr.clip.api.ClipEmbedder;
import clipvr.clip.api.Prediction;
import clipvr.clip.api.ZeroShotImageClassifier;
import clipvr.reprogram.api.ReprogrammedClassifier;

import java.awt.image.BufferedImage;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;

/**
 * A classifier described by paths and names only, so that it travels to the executors in a task, where it is loaded
 * once per JVM ({@link #open()}).
 */
public sealed interface ModelSpec extends Serializable {

    /**
     * CLIP zero-shot over {@code classNames} with prompt {@code templates} (see
     * {@link clipvr.clip.zeroshot.Templates#resolve} for the built-in sets).
     *
     * @param weights any supported CLIP checkpoint
     * @param vocab   the tokenizer vocabulary (null: beside the weights or in ../shared/clip)
     */
    record ZeroShot(String weights, String vocab, List<String> classNames, List<String> templates) implements ModelSpec {
        public ZeroShot {
            classNames = List.copyOf(classNames);
            templates = List.copyOf(templates);
        }
    }

    /**
     * A trained reprogramming run ({@link ReprogrammedClassifier}).
     *
     * @param runDir     the run directory of {@code ./clipvr train}
     * @param checkpoint {@code last} or {@code best}
     * @param weights    the CLIP weights if they moved (null: the path in the run's config.json)
     */
    record Run(String runDir, String checkpoint, String weights) implements ModelSpec {
        public Run(String runDir) { this(runDir, "last", null); }
    }

    /** What an executor computes with. */
    interface Classifier {
        List<String> classNames();
        List<Prediction> predictImages(List<BufferedImage> images, int top);
        List<Prediction> predictBytes(List<byte[]> encoded, int top);
    }

    /** This classifier, loaded once per JVM. */
    default Classifier open() {
        return ExecutorCache.get(this, () -> switch (this) {
            case ZeroShot z -> {
                ClipEmbedder clip = z.vocab() == null ? ClipEmbedder.load(Path.of(z.weights())) : ClipEmbedder.load(Path.of(z.weights()), Path.of(z.vocab()));
                ZeroShotImageClassifier c = clip.zeroShot(z.classNames(), z.templates());
                yield new Classifier() {
                    public List<String> classNames() { return c.classNames(); }
                    public List<Prediction> predictImages(List<BufferedImage> images, int top) { return c.classifyImages(images, top); }
                    public List<Prediction> predictBytes(List<byte[]> encoded, int top) { return c.classifyImageBytes(encoded, top); }
                };
            }
            case Run r -> {
                ReprogrammedClassifier c = ReprogrammedClassifier.load(Path.of(r.runDir()),
                        ReprogrammedClassifier.Checkpoint.valueOf(r.checkpoint().toUpperCase(java.util.Locale.ROOT)),
                        r.weights() == null ? null : Path.of(r.weights()));
                yield new Classifier() {
                    public List<String> classNames() { return c.classNames(); }
                    public List<Prediction> predictImages(List<BufferedImage> images, int top) { return c.predictImages(images, top); }
                    public List<Prediction> predictBytes(List<byte[]> encoded, int top) { return c.predictImageBytes(encoded, top); }
                };
            }
        });
    }
}
