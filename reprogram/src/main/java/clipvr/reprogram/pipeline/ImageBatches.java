package clipvr.reprogram.pipeline;

import clipvr.clip.image.ImageDecoder;
import clipvr.clip.image.RgbImage;
import clipvr.reprogram.data.Dataset;
import clipvr.tensor.Tensor;

import java.util.function.Function;
import java.util.stream.IntStream;

/** Turns dataset items into [B, 3, H, W] float32 batches through a per-image transform (decoded in parallel). */
public final class ImageBatches {
    private ImageBatches() {}

    /** One batch: pixel tensor and labels. */
    public record Batch(Tensor pixels, int[] labels, int[] indices) {}

    /**
     * Items {@code indices} of {@code data}, each decoded and passed through {@code transform}, which
     * returns CHW floats of length 3·h·w.
     */
    public static Batch load(Dataset data, int[] indices, int h, int w, Function<RgbImage, float[]> transform) {
        int n = indices.length, size = 3 * h * w;
        float[] all = new float[n * size];
        int[] labels = new int[n];
        IntStream.range(0, n).parallel().forEach(i -> {
            RgbImage img = ImageDecoder.toRgb(data.image(indices[i]));
            float[] chw = transform.apply(img);
            if (chw.length != size)
                throw new IllegalStateException("transform of " + data.id(indices[i]) + " gave " + chw.length + " values, expected " + size);
            System.arraycopy(chw, 0, all, i * size, size);
            labels[i] = data.label(indices[i]);
        });
        return new Batch(Tensor.of(all, n, 3, h, w), labels, indices.clone());
    }
}
