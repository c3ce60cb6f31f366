package clipvr.reprogram.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/** Image decoding helpers shared by the dataset readers. */
public final class Images {

    /** File extensions (lower case, without dot) treated as images; all are decodable by javax.imageio. */
    public static final Set<String> IMAGE_EXTENSIONS =
            Set.of("jpg", "jpeg", "png", "bmp", "gif", "tif", "tiff", "wbmp");

    private Images() {}

    /** Whether {@code fileName} has one of {@link #IMAGE_EXTENSIONS} (case-insensitive) and is not hidden. */
    public static boolean isImageFileName(String fileName) {
        if (fileName.startsWith(".")) return false;
        int dot = fileName.lastIndexOf('.');
        if (dot < 0) return false;
        return IMAGE_EXTENSIONS.contains(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /**
     * Decodes encoded image bytes (any javax.imageio format) into a {@link BufferedImage#TYPE_INT_RGB}
     * image. Uses an in-memory stream (no ImageIO disk cache).
     *
     * @param what names the item in error messages
     */
    public static BufferedImage decode(byte[] bytes, String what) {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new UncheckedIOException(new IOException("no image decoder recognises " + what
                        + " (" + bytes.length + " bytes)"));
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return toRgb(reader.read(0));
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot decode image " + what + ": " + e.getMessage(), e);
        }
    }

    /** Returns {@code img} if it is already TYPE_INT_RGB, otherwise an RGB copy (alpha dropped). */
    public static BufferedImage toRgb(BufferedImage img) {
        if (img.getType() == BufferedImage.TYPE_INT_RGB) return img;
        java.awt.image.Raster raster = img.getRaster();
        if (raster.getNumBands() == 1 && raster.getSampleModel().getSampleSize(0) == 8) {
            // Grey: replicate the stored value (as PIL's convert("RGB") does). BufferedImage.getRGB would
            // treat the grey as linear and gamma-map it to sRGB, brightening mid-tones.
            int w = img.getWidth(), h = img.getHeight();
            int[] samples = raster.getSamples(0, 0, w, h, 0, (int[]) null);
            BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            int[] rgb = new int[samples.length];
            for (int k = 0; k < rgb.length; k++) {
                int g = samples[k] & 0xFF;
                rgb[k] = (g << 16) | (g << 8) | g;
            }
            out.setRGB(0, 0, w, h, rgb, 0, w);
            return out;
        }
        BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        int w = img.getWidth();
        int[] row = new int[w];
        for (int y = 0; y < img.getHeight(); y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            out.setRGB(0, y, w, 1, row, 0, w);
        }
        return out;
    }

    /** A TYPE_INT_RGB image from 8-bit grey pixels in row-major order (each grey value copied to R, G, B). */
    public static BufferedImage fromGray(byte[] pixels, int offset, int rows, int cols) {
        BufferedImage out = new BufferedImage(cols, rows, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[cols];
        for (int y = 0; y < rows; y++) {
            for (int x = 0; x < cols; x++) {
                int g = pixels[offset + y * cols + x] & 0xFF;
                row[x] = (g << 16) | (g << 8) | g;
            }
            out.setRGB(0, y, cols, 1, row, 0, cols);
        }
        return out;
    }
}
