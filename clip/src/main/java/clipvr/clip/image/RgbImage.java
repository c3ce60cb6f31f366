package clipvr.clip.image;

import java.util.Objects;

/**
 * An 8-bit RGB image, the equivalent of a PIL image in mode {@code "RGB"}.
 *
 * <p>Pixels are stored row-major and interleaved: the byte at {@code 3 * (y * width + x) + c}
 * is channel {@code c} (0 = R, 1 = G, 2 = B) of pixel (x, y), read as an unsigned value 0..255.
 * CLIP's preprocessing (resize, crop, flip) runs on this type exactly as torchvision runs it on a
 * PIL image; only {@link ToTensor} turns it into floats.
 *
 * <p>The record does not copy {@code rgb}; treat instances as immutable.
 */
public record RgbImage(int width, int height, byte[] rgb) {

    public RgbImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        Objects.requireNonNull(rgb, "rgb");
        if (rgb.length != 3L * width * height) {
            throw new IllegalArgumentException(
                    "rgb has " + rgb.length + " bytes, expected 3*" + width + "*" + height);
        }
    }

    /** A black image (all zeros). */
    public static RgbImage black(int width, int height) {
        return new RgbImage(width, height, new byte[3 * width * height]);
    }

    /** Channel {@code c} of pixel (x, y) as 0..255. */
    public int get(int x, int y, int c) {
        return rgb[3 * (y * width + x) + c] & 0xFF;
    }

    /**
     * PIL's {@code Image.crop((left, top, left + w, top + h))}: the box may reach outside the
     * image; pixels outside are black (0), as in PIL.
     */
    public RgbImage crop(int left, int top, int w, int h) {
        byte[] out = new byte[3 * w * h];
        int x0 = Math.max(left, 0), x1 = Math.min(left + w, width);
        for (int y = 0; y < h; y++) {
            int sy = top + y;
            if (sy < 0 || sy >= height || x0 >= x1) {
                continue;
            }
            System.arraycopy(rgb, 3 * (sy * width + x0), out, 3 * (y * w + x0 - left), 3 * (x1 - x0));
        }
        return new RgbImage(w, h, out);
    }

    /** PIL's {@code transpose(FLIP_LEFT_RIGHT)} (torchvision {@code hflip}). */
    public RgbImage flipLeftRight() {
        byte[] out = new byte[rgb.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                System.arraycopy(rgb, 3 * (y * width + x), out, 3 * (y * width + width - 1 - x), 3);
            }
        }
        return new RgbImage(width, height, out);
    }

    /** Channel {@code c} as a plane of {@code width*height} unsigned values. */
    public int[] channel(int c) {
        int[] plane = new int[width * height];
        for (int i = 0; i < plane.length; i++) {
            plane[i] = rgb[3 * i + c] & 0xFF;
        }
        return plane;
    }

    /** Builds an image from three planes of 0..255 values (values are not checked beyond a cast). */
    public static RgbImage fromChannels(int width, int height, int[] r, int[] g, int[] b) {
        byte[] out = new byte[3 * width * height];
        for (int i = 0; i < width * height; i++) {
            out[3 * i] = (byte) r[i];
            out[3 * i + 1] = (byte) g[i];
            out[3 * i + 2] = (byte) b[i];
        }
        return new RgbImage(width, height, out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RgbImage other
                && width == other.width && height == other.height
                && java.util.Arrays.equals(rgb, other.rgb);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + java.util.Arrays.hashCode(rgb);
    }

    @Override
    public String toString() {
        return "RgbImage[" + width + "x" + height + "]";
    }
}
