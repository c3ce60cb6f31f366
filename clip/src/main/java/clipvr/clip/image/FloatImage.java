package clipvr.clip.image;

import java.util.Objects;

/**
 * A float image in CHW layout (the layout of a torch tensor {@code [C, H, W]}): the value at
 * {@code chw[(c * height + y) * width + x]}. Used for the unquantised resize path
 * (PIL mode {@code "F"} arithmetic) and as the output of {@link ToTensor}.
 *
 * <p>The record does not copy {@code chw}; treat instances as immutable.
 */
public record FloatImage(int channels, int height, int width, float[] chw) {

    public FloatImage {
        if (channels <= 0 || width <= 0 || height <= 0) {
            throw new IllegalArgumentException(
                    "bad shape [" + channels + ", " + height + ", " + width + "]");
        }
        Objects.requireNonNull(chw, "chw");
        if (chw.length != (long) channels * height * width) {
            throw new IllegalArgumentException("chw has " + chw.length + " values, expected "
                    + channels + "*" + height + "*" + width);
        }
    }

    public float get(int c, int y, int x) {
        return chw[(c * height + y) * width + x];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatImage other
                && channels == other.channels && width == other.width && height == other.height
                && java.util.Arrays.equals(chw, other.chw);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(channels, height, width, java.util.Arrays.hashCode(chw));
    }

    @Override
    public String toString() {
        return "FloatImage[" + channels + "x" + height + "x" + width + "]";
    }
}
