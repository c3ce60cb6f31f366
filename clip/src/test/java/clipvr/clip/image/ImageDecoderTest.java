package clipvr.clip.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files written by ImageIO in the test, decoded back with PIL's convert("RGB") rules. */
class ImageDecoderTest {

    @TempDir
    Path dir;

    private Path write(BufferedImage img, String format, String name) throws IOException {
        Path p = dir.resolve(name);
        assertTrue(ImageIO.write(img, format, p.toFile()), "no ImageIO writer for " + format);
        return p;
    }

    @Test
    void grayscalePngIsReplicatedWithoutGammaConversion() throws IOException {
        BufferedImage g = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        int[] vals = {0, 1, 50, 100, 200, 255};
        g.getRaster().setSamples(0, 0, 3, 2, 0, vals);
        RgbImage rgb = ImageDecoder.decode(write(g, "png", "gray.png"));
        assertEquals(3, rgb.width());
        assertEquals(2, rgb.height());
        for (int c = 0; c < 3; c++) {
            assertArrayEquals(vals, rgb.channel(c)); // getRGB() would have changed 50 and 100
        }
    }

    @Test
    void palettePngUsesPaletteColours() throws IOException {
        byte[] r = {(byte) 255, 0, 10, (byte) 200};
        byte[] gr = {0, (byte) 255, 20, (byte) 201};
        byte[] b = {0, 0, 30, (byte) 202};
        IndexColorModel icm = new IndexColorModel(2, 4, r, gr, b);
        BufferedImage p = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_BINARY, icm);
        p.getRaster().setSamples(0, 0, 4, 1, 0, new int[] {3, 2, 1, 0});
        RgbImage rgb = ImageDecoder.decode(write(p, "png", "palette.png"));
        assertArrayEquals(new int[] {200, 10, 0, 255}, rgb.channel(0));
        assertArrayEquals(new int[] {201, 20, 255, 0}, rgb.channel(1));
        assertArrayEquals(new int[] {202, 30, 0, 0}, rgb.channel(2));
    }

    @Test
    void rgbaPngDropsAlphaWithoutCompositing() throws IOException {
        BufferedImage a = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        a.setRGB(0, 0, 0x00_10_20_30); // fully transparent: colour kept as is
        a.setRGB(1, 0, 0x80_FF_80_01);
        RgbImage rgb = ImageDecoder.decode(write(a, "png", "rgba.png"));
        assertArrayEquals(new int[] {0x10, 0xFF}, rgb.channel(0));
        assertArrayEquals(new int[] {0x20, 0x80}, rgb.channel(1));
        assertArrayEquals(new int[] {0x30, 0x01}, rgb.channel(2));
    }

    @Test
    void sixteenBitPngs() throws IOException {
        // Gray 16-bit: PIL opens as mode I and clips to 255 when converting to RGB.
        BufferedImage g16 = new BufferedImage(4, 1, BufferedImage.TYPE_USHORT_GRAY);
        g16.getRaster().setSamples(0, 0, 4, 1, 0, new int[] {0, 100, 256, 65535});
        RgbImage g = ImageDecoder.decode(write(g16, "png", "gray16.png"));
        assertArrayEquals(new int[] {0, 100, 255, 255}, g.channel(1));
        // RGB 16-bit: PIL keeps the high byte.
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB),
                false, false, Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster wr = cm.createCompatibleWritableRaster(2, 1);
        wr.setPixel(0, 0, new int[] {0x1234, 0xFFFF, 0x00FF});
        wr.setPixel(1, 0, new int[] {0x8000, 0x0100, 0});
        BufferedImage rgb16 = new BufferedImage(cm, wr, false, null);
        RgbImage c = ImageDecoder.decode(write(rgb16, "png", "rgb16.png"));
        assertArrayEquals(new int[] {0x12, 0x80}, c.channel(0));
        assertArrayEquals(new int[] {0xFF, 0x01}, c.channel(1));
        assertArrayEquals(new int[] {0x00, 0x00}, c.channel(2));
    }

    @Test
    void bmpRoundTrip() throws IOException {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_3BYTE_BGR);
        for (int i = 0; i < 6; i++) {
            img.setRGB(i % 3, i / 3, COLOURS[i]);
        }
        assertColours(ImageDecoder.decode(write(img, "bmp", "img.bmp")), "bmp");
    }

    @Test
    void gifRoundTrip() throws IOException {
        // GIF is always indexed; write an indexed image so ImageIO does not quantise the colours.
        // ImageIO writes interlaced GIFs, and its reader mis-orders rows of interlaced GIFs only 2-4
        // rows high (seen on JDK 25), so this image is 6 rows high.
        byte[] r = new byte[6], g = new byte[6], b = new byte[6];
        for (int i = 0; i < 6; i++) {
            r[i] = (byte) (COLOURS[i] >> 16);
            g[i] = (byte) (COLOURS[i] >> 8);
            b[i] = (byte) COLOURS[i];
        }
        BufferedImage img = new BufferedImage(5, 6, BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(8, 6, r, g, b));
        int[] idx = new int[30];
        for (int i = 0; i < 30; i++) {
            idx[i] = (i * 7 + i / 5) % 6;
        }
        img.getRaster().setSamples(0, 0, 5, 6, 0, idx);
        RgbImage rgb = ImageDecoder.decode(write(img, "gif", "img.gif"));
        for (int i = 0; i < 30; i++) {
            int x = i % 5, y = i / 5;
            int packed = rgb.get(x, y, 0) << 16 | rgb.get(x, y, 1) << 8 | rgb.get(x, y, 2);
            assertEquals(COLOURS[idx[i]], packed, "gif pixel " + i);
        }
    }

    private static final int[] COLOURS = {0xFF0000, 0x00FF00, 0x0000FF, 0x123456, 0xFFFFFF, 0x000000};

    private static void assertColours(RgbImage rgb, String fmt) {
        for (int i = 0; i < 6; i++) {
            int x = i % 3, y = i / 3;
            int packed = rgb.get(x, y, 0) << 16 | rgb.get(x, y, 1) << 8 | rgb.get(x, y, 2);
            assertEquals(COLOURS[i], packed, fmt + " pixel " + i);
        }
    }

    @Test
    void decodesFromBytes() throws IOException {
        BufferedImage g = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        byte[] bytes = Files.readAllBytes(write(g, "png", "g.png"));
        assertEquals(2, ImageDecoder.decode(bytes, "archive.tar!/g.png").width());
    }

    @Test
    void errorsNameTheFileAndTheReason() throws IOException {
        Path missing = dir.resolve("no-such-image.png");
        ImageDecodeException e1 = assertThrows(ImageDecodeException.class, () -> ImageDecoder.decode(missing));
        assertTrue(e1.getMessage().contains(missing.toString()), e1.getMessage());
        assertTrue(e1.getMessage().contains("does not exist"), e1.getMessage());

        Path junk = dir.resolve("junk.jpg");
        Files.writeString(junk, "this is not an image");
        ImageDecodeException e2 = assertThrows(ImageDecodeException.class, () -> ImageDecoder.decode(junk));
        assertTrue(e2.getMessage().contains(junk.toString()), e2.getMessage());
        assertTrue(e2.getMessage().contains("not a recognised image format"), e2.getMessage());

        BufferedImage g = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        byte[] png = Files.readAllBytes(write(g, "png", "ok.png"));
        Path truncated = dir.resolve("truncated.png");
        Files.write(truncated, java.util.Arrays.copyOf(png, png.length / 2));
        ImageDecodeException e3 = assertThrows(ImageDecodeException.class, () -> ImageDecoder.decode(truncated));
        assertTrue(e3.getMessage().contains(truncated.toString()), e3.getMessage());

        ImageDecodeException e4 = assertThrows(ImageDecodeException.class,
                () -> ImageDecoder.decode(new byte[0], "train.tar!/cat/0001.jpg"));
        assertTrue(e4.getMessage().contains("train.tar!/cat/0001.jpg"), e4.getMessage());
    }
}
