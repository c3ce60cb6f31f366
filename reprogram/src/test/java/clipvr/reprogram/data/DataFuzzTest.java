package clipvr.reprogram.data;

import clipvr.clip.fuzz.Fuzz;
import clipvr.clip.image.ImageDecodeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Mutation fuzzing of the dataset readers (IDX, CIFAR-10 binary, tar/tar.gz image archives, description JSON): each
 * case ends in a dataset or a {@link BadInputException} / {@link UncheckedIOException} (I/O-level corruption such as a
 * bad gzip stream or tar checksum) naming the file, never another exception, a hang or a claim-sized allocation.
 */
class DataFuzzTest {

    static boolean typed(Throwable t) {
        return t instanceof BadInputException || t instanceof ImageDecodeException
                || (t instanceof UncheckedIOException u && u.getCause() != null);
    }

    static void check(Fuzz.Report r) {
        System.out.println("[fuzz] " + r);
        assertTrue(r.failures().isEmpty(), () -> r + "\n" + String.join("\n", r.failures()));
        assertTrue(r.typedErrors() > 0 && r.ok() > 0, r::toString);
    }

    static byte[] gzip(byte[] b) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    static byte[] idxImages(int n, int rows, int cols) {
        ByteBuffer b = ByteBuffer.allocate(16 + n * rows * cols).putInt(IdxDataset.IMAGES_MAGIC).putInt(n).putInt(rows).putInt(cols);
        for (int i = 0; i < n * rows * cols; i++) b.put((byte) (i * 7));
        return b.array();
    }

    static byte[] idxLabels(int n) {
        ByteBuffer b = ByteBuffer.allocate(8 + n).putInt(IdxDataset.LABELS_MAGIC).putInt(n);
        for (int i = 0; i < n; i++) b.put((byte) (i % 3));
        return b.array();
    }

    /** Headers whose counts multiply past int, or claim far more than the file holds. */
    static byte[] idxGenerated(SplittableRandom r) {
        int[] big = {0, 1, 3, -1, 65536, Integer.MAX_VALUE, 46341, 1 << 30};
        ByteBuffer b = ByteBuffer.allocate(16 + r.nextInt(64)).putInt(r.nextBoolean() ? IdxDataset.IMAGES_MAGIC : IdxDataset.LABELS_MAGIC)
                .putInt(big[r.nextInt(big.length)]).putInt(big[r.nextInt(big.length)]).putInt(big[r.nextInt(big.length)]);
        return r.nextBoolean() ? b.array() : gzip(b.array());
    }

    /** One input is either an image file (labels fixed, 3 items) or a label file (images fixed): the magic decides. */
    @Test void idx(@TempDir Path dir) throws IOException {
        Path images = dir.resolve("t10k-images-idx3-ubyte"), labels = dir.resolve("t10k-labels-idx1-ubyte");
        List<String> classes = List.of("a", "b", "c");
        Fuzz.Report r = new Fuzz.Campaign("idx").seed(idxImages(3, 4, 5)).seed(idxLabels(3)).seed(gzip(idxImages(3, 4, 5)))
                .seed(gzip(idxLabels(3))).generator(DataFuzzTest::idxGenerated).typed(DataFuzzTest::typed)
                .run((in, name) -> {
                    boolean isLabels = in.length >= 4 && ByteBuffer.wrap(in).getInt() == IdxDataset.LABELS_MAGIC;
                    Path target = dir.resolve(name);
                    Files.write(target, in);
                    Files.write(isLabels ? images : labels, isLabels ? idxImages(3, 4, 5) : idxLabels(3));
                    try {
                        IdxDataset d = isLabels ? IdxDataset.open(images, target, "test", classes)
                                : IdxDataset.open(target, labels, "test", classes);
                        for (int i = 0; i < d.size(); i++) { d.image(i); assertTrue(d.label(i) < 3); }
                    } finally {
                        Files.delete(target);
                    }
                });
        check(r);
    }

    static byte[] cifar(int records) {
        byte[] b = new byte[records * 3073];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (i % 3073 == 0 ? (i / 3073) % 10 : i * 31);
        return b;
    }

    @Test void cifar10Binary(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("test_batch.bin");
        // the file name is fixed by the format, so the message must name the directory
        Fuzz.Report r = new Fuzz.Campaign("cifar10-bin").seed(cifar(2)).seed(cifar(3)).nameInMessage(false)
                .typed(t -> typed(t) && t.getMessage().contains(dir.toString()))
                .run((in, name) -> {
                    Files.write(file, in);
                    Cifar10Binary d = Cifar10Binary.open(dir, "test");
                    for (int i = 0; i < d.size(); i++) { d.image(i); assertTrue(d.label(i) < 10); }
                });
        check(r);
    }

    static byte[] png(int seed) {
        BufferedImage img = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 3; y++) for (int x = 0; x < 4; x++) img.setRGB(x, y, seed * 997 + x * 31 + y);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            javax.imageio.ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static List<byte[]> tarSeeds() {
        List<byte[]> s = new ArrayList<>();
        TarBuilder a = new TarBuilder().dir("ds").file("ds/train/cat/1.png", png(1)).file("ds/train/dog/2.png", png(2))
                .file("ds/test/cat/3.png", png(3)).file("ds/classnames.txt", "cat\ndog\n".getBytes(StandardCharsets.UTF_8));
        s.add(a.tar());
        s.add(a.tarGz());
        TarBuilder b = new TarBuilder().paxFile("train/a/" + "x".repeat(120) + ".png", png(4))
                .file("train/b/" + "y".repeat(110) + ".png", png(5)).fileWithPrefix("test/a", "z.png", png(6));
        s.add(b.tar());
        return s;
    }

    @Test void tarArchives(@TempDir Path dir) {
        Fuzz.Report r = new Fuzz.Campaign("tar").seeds(tarSeeds()).typed(DataFuzzTest::typed)
                .run((in, name) -> {
                    Path f = dir.resolve(name);
                    Files.write(f, in);
                    try {
                        for (TarImageDataset d : TarImageDataset.openSplits(f).values())
                            for (int i = 0; i < d.size(); i++) { d.label(i); d.encoded(i); d.id(i); }
                    } finally {
                        Files.delete(f);
                    }
                });
        check(r);
    }

    @Test void descriptionJson() {
        byte[] seed = """
                {"cat": ["a small furry animal with whiskers", "a pet that purrs when it is happy"],
                 "dog": ["a loyal animal that barks at strangers", "a pet that wags its tail", "\\u00e9t\\u00e9 \\ud83d\\ude00 dog"]}
                """.getBytes(StandardCharsets.UTF_8);
        Fuzz.Report r = new Fuzz.Campaign("description-json").seed(seed).typed(DataFuzzTest::typed)
                .run((in, name) -> {
                    DescriptionFile d = DescriptionFile.parse(new String(in, StandardCharsets.UTF_8), name);
                    for (String c : d.classNames()) DescriptionFile.usable(d.sentences(c));
                    d.sample(d.classNames(), 2, new java.util.Random(1));
                });
        check(r);
    }
}
