package clipvr.reprogram.data;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Optional;

/**
 * A labelled image classification split (one of {@link Split#TRAIN} / {@link Split#TEST}).
 *
 * <p>Items are addressed by index {@code 0 <= i < size()}. Labels are class indices into
 * {@link #classNames()}, which is in label order. Images are decoded on demand; implementations are
 * safe for concurrent reads of different (or the same) indices once constructed.
 */
public interface Dataset {

    /** Number of items in this split. */
    int size();

    /** Class index of item {@code i}, in {@code [0, classNames().size())}. */
    int label(int i);

    /** Class names in label order (unmodifiable). These are the keys used for description files. */
    List<String> classNames();

    /**
     * Item {@code i} decoded to an image. Always returns {@link BufferedImage#TYPE_INT_RGB} (grey
     * images are replicated to three channels), so callers see one pixel layout for every dataset.
     *
     * @throws java.io.UncheckedIOException if the stored bytes cannot be decoded
     */
    BufferedImage image(int i);

    /** A stable identifier of item {@code i}, e.g. {@code "train/cat/0001.jpg"} or {@code "train#123"}. */
    String id(int i);

    /** The split this dataset was opened for ({@code "train"} or {@code "test"}). */
    String split();

    /** The encoded file bytes of item {@code i} when the source stores encoded images (JPEG, PNG...). */
    default Optional<byte[]> encoded(int i) {
        return Optional.empty();
    }

    /** Number of classes, {@code classNames().size()}. */
    default int numClasses() {
        return classNames().size();
    }

    /** All labels, {@code labels()[i] == label(i)}. */
    default int[] labels() {
        int[] out = new int[size()];
        for (int i = 0; i < out.length; i++) out[i] = label(i);
        return out;
    }

    /** Number of items per class, indexed by label. */
    default int[] classCounts() {
        int[] counts = new int[numClasses()];
        for (int i = 0, n = size(); i < n; i++) counts[label(i)]++;
        return counts;
    }
}
