package clipvr.clip.image;

import clipvr.clip.fuzz.Fuzz;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Fuzzing {@link ImageDecoder} with mutated JPEG, PNG, GIF and BMP files and with headers that claim huge sizes: the
 * result is an image or an {@link ImageDecodeException} naming the source, never another exception, and never an
 * allocation sized by the header's claim.
 */
class ImageFuzzTest {

    static byte[] encode(BufferedImage img, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            assertTrue(ImageIO.write(img, format, out), format);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    static List<byte[]> seeds() {
        List<byte[]> s = new ArrayList<>();
        for (int type : new int[]{BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_BYTE_INDEXED}) {
            BufferedImage img = new BufferedImage(12, 9, type);
            for (int y = 0; y < 9; y++) for (int x = 0; x < 12; x++) img.setRGB(x, y, (x * 20) << 16 | (y * 25) << 8 | (x * y));
            for (String f : new String[]{"png", "jpg", "gif", "bmp"}) {
                if (f.equals("jpg") && type == BufferedImage.TYPE_BYTE_INDEXED) continue;
                s.add(encode(img, f));
            }
        }
        return s;
    }

    static final int[] HUGE = {0, 1, 65535, 65536, 30000, 1 << 20, Integer.MAX_VALUE, -1, 46341};

    /** PNG with a valid IHDR (correct CRC) claiming huge sizes, GIF and BMP with huge sizes. */
    static byte[] generated(SplittableRandom r) {
        int w = HUGE[r.nextInt(HUGE.length)], h = HUGE[r.nextInt(HUGE.length)];
        switch (r.nextInt(3)) {
            case 0 -> {
                return png(w, h, new int[]{1, 8, 16}[r.nextInt(3)], new int[]{0, 2, 3, 6}[r.nextInt(4)], r.nextInt(2),
                        r.nextInt(32));
            }
            case 1 -> {
                ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
                b.put("GIF89a".getBytes(StandardCharsets.US_ASCII)).putShort((short) w).putShort((short) h)
                        .put((byte) 0x80).put((byte) 0).put((byte) 0).put(new byte[6]);
                b.put((byte) 0x2C).putShort((short) 0).putShort((short) 0).putShort((short) w).putShort((short) h)
                        .put((byte) 0).put((byte) 2).put((byte) 2).put((byte) 0x4C).put((byte) 0x01).put((byte) 0).put((byte) 0x3B);
                return b.array();
            }
            default -> {
                ByteBuffer b = ByteBuffer.allocate(54 + 16).order(ByteOrder.LITTLE_ENDIAN);
                b.put((byte) 'B').put((byte) 'M').putInt(70).putInt(0).putInt(54).putInt(40).putInt(w)
                        .putInt(r.nextBoolean() ? h : -h).putShort((short) 1).putShort((short) new int[]{1, 8, 24, 32}[r.nextInt(4)])
                        .putInt(0).putInt(16).putInt(0).putInt(0).putInt(0).putInt(0);
                return b.array();
            }
        }
    }

    /** A PNG with a valid IHDR (correct CRC) for any claimed size, an empty IDAT and IEND. */
    static byte[] png(int w, int h, int depth, int colorType, int interlace, int pad) {
        ByteBuffer b = ByteBuffer.allocate(8 + 25 + 12 + 12 + pad).order(ByteOrder.BIG_ENDIAN);
        b.put(new byte[]{(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        byte[] ihdr = ByteBuffer.allocate(17).put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(w).putInt(h)
                .put((byte) depth).put((byte) colorType).put((byte) 0).put((byte) 0).put((byte) interlace).array();
        b.putInt(13).put(ihdr).putInt(crc(ihdr));
        byte[] idat = "IDAT".getBytes(StandardCharsets.US_ASCII);
        b.putInt(0).put(idat).putInt(crc(idat));
        byte[] iend = "IEND".getBytes(StandardCharsets.US_ASCII);
        b.putInt(0).put(iend).putInt(crc(iend));
        return b.array();
    }

    static int crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return (int) c.getValue();
    }

    @Test void decodeMutatedImages() {
        String old = System.getProperty(ImageDecoder.MAX_PIXELS_PROPERTY);
        System.setProperty(ImageDecoder.MAX_PIXELS_PROPERTY, Long.toString(4L << 20)); // keep the allocation budget small
        try {
            Fuzz.Report r = new Fuzz.Campaign("image").seeds(seeds()).generator(ImageFuzzTest::generated)
                    .typed(t -> t instanceof ImageDecodeException).allocationBudget(96L << 20, 64)
                    .run((in, name) -> {
                        RgbImage img = ImageDecoder.decode(in, name);
                        assertTrue(img.width() > 0 && img.height() > 0);
                    });
            System.out.println("[fuzz] " + r);
            assertTrue(r.failures().isEmpty(), () -> r + "\n" + String.join("\n", r.failures()));
            assertTrue(r.typedErrors() > 0 && r.ok() > 0);
        } finally {
            if (old == null) System.clearProperty(ImageDecoder.MAX_PIXELS_PROPERTY);
            else System.setProperty(ImageDecoder.MAX_PIXELS_PROPERTY, old);
        }
    }

    /** Bug 9 (fuzz): a 70-byte BMP / PNG header claiming 65535 x 65535 pixels made the decoder allocate gigabytes. */
    @Test void hugeClaimIsRefusedBeforeDecoding() {
        byte[] png = png(65535, 65535, 8, 2, 0, 0);
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> ImageDecoder.decode(png, "bomb.png"));
        assertTrue(e.getMessage().contains("bomb.png"), e.getMessage());
    }
}
