package clipvr.clip.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Compares against outputs of real Pillow 9.4.0 written by
 * {@code src/test/resources/image/make_pil_golden.py} (see pil/manifest.txt). The 8-bit resize, the
 * float (mode "F") resize, the CLIP transform and lossless decoding must match exactly; JPEG decoding
 * (ImageIO vs libjpeg) within a small tolerance.
 */
class PilGoldenTest {

    private static final String DIR = "/image/pil/";

    static byte[] resource(String name) {
        try (InputStream in = PilGoldenTest.class.getResourceAsStream(DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + DIR + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static float[] floats(String name) {
        ByteBuffer bb = ByteBuffer.wrap(resource(name)).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[bb.remaining() / 4];
        bb.asFloatBuffer().get(f);
        return f;
    }

    @TestFactory
    Stream<DynamicTest> goldenCases() {
        String manifest = new String(resource("manifest.txt"), StandardCharsets.UTF_8);
        List<DynamicTest> tests = new ArrayList<>();
        for (String line : manifest.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] t = line.trim().split(" ");
            tests.add(DynamicTest.dynamicTest(line, () -> run(t)));
        }
        assertTrue(tests.size() > 50, "manifest too short");
        return tests.stream();
    }

    private static void run(String[] t) {
        switch (t[0]) {
            case "resize" -> {
                ResampleFilter f = ResampleFilter.valueOf(t[1]);
                RgbImage src = new RgbImage(Integer.parseInt(t[3]), Integer.parseInt(t[4]), resource(t[2]));
                RgbImage got = PilResize.resize(src, Integer.parseInt(t[5]), Integer.parseInt(t[6]), f);
                RgbImage want = new RgbImage(Integer.parseInt(t[5]), Integer.parseInt(t[6]), resource(t[7]));
                assertEquals(0, maxAbsDiff(want.rgb(), got.rgb()), "gray levels off");
            }
            case "resizef" -> {
                ResampleFilter f = ResampleFilter.valueOf(t[1]);
                FloatImage src = new FloatImage(1, Integer.parseInt(t[4]), Integer.parseInt(t[3]), floats(t[2]));
                FloatImage got = PilResize.resize(src, Integer.parseInt(t[5]), Integer.parseInt(t[6]), f);
                float[] want = floats(t[7]);
                for (int i = 0; i < want.length; i++) {
                    assertEquals(want[i], got.chw()[i], 0f, "value " + i); // bit-exact
                }
            }
            case "clip" -> {
                int nPx = Integer.parseInt(t[1]);
                RgbImage src = new RgbImage(Integer.parseInt(t[3]), Integer.parseInt(t[4]), resource(t[2]));
                float[] got = new ClipPreprocess(nPx).apply(src);
                float[] want = floats(t[5]);
                assertEquals(want.length, got.length);
                for (int i = 0; i < want.length; i++) {
                    assertEquals(want[i], got[i], 0f, "value " + i);
                }
            }
            case "decode" -> {
                RgbImage got = ImageDecoder.decode(resource(t[1]), t[1]);
                RgbImage want = new RgbImage(Integer.parseInt(t[3]), Integer.parseInt(t[4]), resource(t[2]));
                assertEquals(want.width(), got.width());
                assertEquals(want.height(), got.height());
                int diff = maxAbsDiff(want.rgb(), got.rgb());
                // JPEG: ImageIO's IDCT/upsampling is not libjpeg's; lossless formats must be exact.
                int tolerance = t[1].endsWith(".jpg") ? 8 : 0;
                System.out.println("decode " + t[1] + ": max |ImageIO - PIL| = " + diff);
                assertTrue(diff <= tolerance, t[1] + ": max difference " + diff);
            }
            case "hash" -> {
                ResampleFilter f = ResampleFilter.valueOf(t[1]);
                RgbImage src = generated(Integer.parseInt(t[3]), Integer.parseInt(t[4]));
                RgbImage got = PilResize.resize(src, Integer.parseInt(t[5]), Integer.parseInt(t[6]), f);
                assertEquals(t[7], sha256(got.rgb()));
            }
            case "cliphash" -> {
                RgbImage src = generated(Integer.parseInt(t[3]), Integer.parseInt(t[4]));
                float[] got = new ClipPreprocess(Integer.parseInt(t[1])).apply(src);
                ByteBuffer bb = ByteBuffer.allocate(4 * got.length).order(ByteOrder.LITTLE_ENDIAN);
                bb.asFloatBuffer().put(got);
                assertEquals(t[5], sha256(bb.array()));
            }
            default -> throw new IllegalStateException("unknown case " + t[0]);
        }
    }

    /** The script's generated(): v(x, y, c) = (3x^2 + 5y + 71c + (x*y mod 17)) mod 256. */
    static RgbImage generated(int w, int h) {
        byte[] px = new byte[3 * w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    px[3 * (y * w + x) + c] = (byte) ((3L * x * x + 5L * y + 71L * c + (x * y) % 17) % 256);
                }
            }
        }
        return new RgbImage(w, h, px);
    }

    static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static int maxAbsDiff(byte[] a, byte[] b) {
        assertEquals(a.length, b.length, "length");
        int m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((a[i] & 0xFF) - (b[i] & 0xFF)));
        }
        return m;
    }
}
