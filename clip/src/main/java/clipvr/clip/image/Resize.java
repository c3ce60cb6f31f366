package clipvr.clip.image;

import java.util.random.RandomGenerator;

/**
 * torchvision's {@code Resize} on a PIL image (PIL always antialiases when downscaling).
 * Either the shorter side is resized to {@code size} keeping the aspect ratio ({@link #shorterSide}),
 * or the image is resized to exactly {@code height x width} ({@link #exact}).
 *
 * @param height exact output height, or -1 for shorter-side mode
 * @param width  exact output width, or the shorter-side size in shorter-side mode
 * @param filter PIL resampling filter
 */
public record Resize(int height, int width, ResampleFilter filter) implements Transform {

    public Resize {
        if (width < 1 || (height < 1 && height != -1)) {
            throw new IllegalArgumentException("bad resize size " + height + "x" + width);
        }
    }

    /** {@code Resize(size, interpolation)} with an int size: the shorter side becomes {@code size}. */
    public static Resize shorterSide(int size, ResampleFilter filter) {
        return new Resize(-1, size, filter);
    }

    /** {@code Resize((h, w), interpolation)}: exactly {@code h x w}. */
    public static Resize exact(int height, int width, ResampleFilter filter) {
        return new Resize(height, width, filter);
    }

    /**
     * torchvision's {@code _compute_resized_output_size} for an int size (no max_size):
     * {@code new_short = size}, {@code new_long = int(size * long / short)} — the quotient is a
     * correctly rounded double and {@code int()} truncates. Returns {@code {newHeight, newWidth}}.
     */
    public static int[] shorterSideOutputSize(int imageHeight, int imageWidth, int size) {
        int shortSide = Math.min(imageWidth, imageHeight), longSide = Math.max(imageWidth, imageHeight);
        int newLong = (int) ((double) size * longSide / shortSide);
        return imageWidth <= imageHeight ? new int[] {newLong, size} : new int[] {size, newLong};
    }

    @Override
    public RgbImage apply(RgbImage img, RandomGenerator rng) {
        if (height == -1) {
            int[] hw = shorterSideOutputSize(img.height(), img.width(), width);
            return PilResize.resize(img, hw[1], hw[0], filter);
        }
        return PilResize.resize(img, width, height, filter);
    }
}
