package clipvr.clip.image;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.color.ColorSpace;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes JPEG, PNG, BMP and GIF with {@code javax.imageio} and converts the result to 8-bit RGB the
 * way PIL's {@code Image.open(f).convert("RGB")} does:
 * <ul>
 *   <li>grayscale (L): the gray value is copied to R, G and B;</li>
 *   <li>gray + alpha (LA) and RGBA: the alpha channel is dropped (no compositing, no premultiplying);</li>
 *   <li>palette (P, including 1/2/4-bit PNG and GIF): indices are looked up in the palette, any
 *       transparency is ignored;</li>
 *   <li>16-bit RGB(A): the high byte of each sample (PIL decodes these as {@code RGB;16B});</li>
 *   <li>16-bit grayscale: PIL opens it as mode {@code I} and its {@code I -> RGB} conversion
 *       <em>clips</em> to 255 rather than scaling; that behaviour is reproduced;</li>
 *   <li>other bit depths (e.g. 5-bit BMP fields): scaled to 0..255 by the colour model.</li>
 * </ul>
 * Pixel samples are read from the raster, never through {@code BufferedImage.getRGB}, which would
 * apply a colour-space conversion (e.g. linear gray to sRGB) that PIL does not do.
 *
 * <p>JPEG caveat: ImageIO's and libjpeg's (PIL's) IDCT and chroma upsampling can differ by a few
 * gray levels on some pixels; PNG, BMP and GIF are lossless and decode identically.
 */
public final class ImageDecoder {

    private ImageDecoder() {
    }

    /** Reads and decodes a file. */
    public static RgbImage decode(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ImageDecodeException("cannot read image " + file + ": file does not exist", e);
        } catch (IOException e) {
            throw new ImageDecodeException("cannot read image " + file + ": " + e, e);
        }
        return decode(bytes, file.toString());
    }

    /**
     * Decodes an encoded image held in memory (e.g. a tar entry); {@code name} is used in error
     * messages.
     */
    public static RgbImage decode(byte[] encoded, String name) {
        BufferedImage img;
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(encoded))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageDecodeException("cannot decode image " + name
                        + ": not a recognised image format (" + encoded.length + " bytes)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                // The header's size is only a claim: check it before the decoder allocates w x h pixels.
                long w = reader.getWidth(0), h = reader.getHeight(0), max = maxPixels();
                if (w <= 0 || h <= 0 || w * h > max) {
                    throw new ImageDecodeException("cannot decode image " + name + ": its header claims " + w + " x "
                            + h + " pixels, " + (w <= 0 || h <= 0 ? "which is not a valid size" : "above the limit of "
                            + max + " (set -D" + MAX_PIXELS_PROPERTY + " to raise it)"));
                }
                img = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (ImageDecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ImageDecodeException("cannot decode image " + name + ": " + e.getMessage(), e);
        }
        if (img == null) {
            throw new ImageDecodeException("cannot decode image " + name
                    + ": not a recognised image format (" + encoded.length + " bytes)");
        }
        try {
            return toRgb(img);
        } catch (IllegalArgumentException e) {
            throw new ImageDecodeException("cannot decode image " + name + ": " + e.getMessage(), e);
        }
    }

    /** System property: the largest image (width x height) that is decoded. */
    public static final String MAX_PIXELS_PROPERTY = "clipvr.image.maxPixels";

    /** PIL's decompression-bomb error threshold: {@code 2 * Image.MAX_IMAGE_PIXELS}. */
    public static final long DEFAULT_MAX_PIXELS = 2L * 89_478_485;

    static long maxPixels() {
        return Long.getLong(MAX_PIXELS_PROPERTY, DEFAULT_MAX_PIXELS);
    }

    /** Converts a decoded {@link BufferedImage} to 8-bit RGB with PIL's {@code convert("RGB")} rules. */
    public static RgbImage toRgb(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        Raster raster = img.getRaster();
        ColorModel cm = img.getColorModel();
        byte[] out = new byte[3 * w * h];
        if (cm instanceof IndexColorModel icm) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int idx = raster.getSample(x, y, 0);
                    int o = 3 * (y * w + x);
                    out[o] = (byte) icm.getRed(idx);
                    out[o + 1] = (byte) icm.getGreen(idx);
                    out[o + 2] = (byte) icm.getBlue(idx);
                }
            }
            return new RgbImage(w, h, out);
        }
        int csType = cm.getColorSpace().getType();
        int colorBands = cm.getNumColorComponents();
        if (csType == ColorSpace.TYPE_GRAY && colorBands == 1) {
            int bits = cm.getComponentSize(0);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int v = raster.getSample(x, y, 0);
                    // 8-bit: as is. 16-bit: PIL's I -> L/RGB clips. Below 8 bits: scale to 0..255.
                    int g = bits >= 8 ? Math.min(v, 255) : v * 255 / ((1 << bits) - 1);
                    int o = 3 * (y * w + x);
                    out[o] = out[o + 1] = out[o + 2] = (byte) g;
                }
            }
            return new RgbImage(w, h, out);
        }
        if (csType == ColorSpace.TYPE_RGB && colorBands == 3) {
            int[] bits = cm.getComponentSize();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int o = 3 * (y * w + x);
                    for (int c = 0; c < 3; c++) {
                        out[o + c] = (byte) to8bit(raster.getSample(x, y, c), bits[c]);
                    }
                }
            }
            return new RgbImage(w, h, out);
        }
        throw new IllegalArgumentException("unsupported colour model (" + colorBands
                + " colour components, colour space type " + csType + ", e.g. CMYK)");
    }

    /** 8 bits as is; 16 bits: high byte; other depths: rounded rescale to 0..255. */
    private static int to8bit(int v, int bits) {
        if (bits == 8) {
            return v;
        }
        if (bits == 16) {
            return v >>> 8;
        }
        if (bits > 8) {
            return v >>> (bits - 8);
        }
        int max = (1 << bits) - 1;
        return (v * 255 + max / 2) / max;
    }
}
