package clipvr.clip.image;

import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * CLIP's evaluation transform, {@code clip._transform(n_px)}:
 * <pre>
 *   Resize(n_px, interpolation=BICUBIC)   // shorter side -> n_px, PIL resize, uint8 result
 *   CenterCrop(n_px)
 *   convert("RGB")                        // done by ImageDecoder
 *   ToTensor()                            // / 255 as float32
 *   Normalize((0.48145466, 0.4578275, 0.40821073), (0.26862954, 0.26130258, 0.27577711))
 * </pre>
 * Output is CHW float32, length {@code 3 * n_px * n_px}.
 *
 * @param nPx the model's input resolution (224 for ViT-B/32 and ViT-B/16, 336 for ViT-L/14@336px)
 */
public record ClipPreprocess(int nPx) {

    public ClipPreprocess {
        if (nPx < 1) {
            throw new IllegalArgumentException("n_px must be positive, got " + nPx);
        }
    }

    /** The PIL-stage part: {@code Resize(n_px, BICUBIC)} then {@code CenterCrop(n_px)}. */
    public Transform pilStage() {
        return Resize.shorterSide(nPx, ResampleFilter.BICUBIC).andThen(new CenterCrop(nPx));
    }

    /** Resized and center-cropped 8-bit image ({@code n_px x n_px}). */
    public RgbImage resizeAndCrop(RgbImage img) {
        // Deterministic steps ignore the generator; any instance will do.
        return pilStage().apply(img, new SplittableRandom(0));
    }

    /** Full CLIP preprocessing: normalised CHW floats. */
    public float[] apply(RgbImage img) {
        return Normalize.CLIP.applyInPlace(applyUnnormalized(img));
    }

    /**
     * CHW floats in [0, 1] without {@code Normalize} (visual reprogramming pads or adds its pattern
     * first and normalises afterwards).
     */
    public float[] applyUnnormalized(RgbImage img) {
        return ToTensor.apply(resizeAndCrop(img));
    }

    /** Decodes a file and applies {@link #apply(RgbImage)}. */
    public float[] apply(Path file) {
        return apply(ImageDecoder.decode(file));
    }
}
