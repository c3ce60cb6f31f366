package clipvr.reprogram.data;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ImageFolder and archive readers on small synthetic datasets. */
class ImageFolderAndTarDatasetTest {

    /** A uniform 4x3 image (so JPEG keeps it) whose red channel encodes {@code tag}. */
    static byte[] png(int tag, String format) throws IOException {
        BufferedImage img = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 3; y++) for (int x = 0; x < 4; x++) img.setRGB(x, y, (tag << 16) | (100 << 8) | 50);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, bos));
        return bos.toByteArray();
    }

    private static int tag(BufferedImage img) { return (img.getRGB(0, 0) >> 16) & 0xFF; }

    private static void write(Path p, byte[] data) throws IOException {
        Files.createDirectories(p.getParent());
        Files.write(p, data);
    }

    @Test
    void imageFolderOrdersClassesAndFilesAndSkipsNonImages(@TempDir Path root) throws IOException {
        write(root.resolve("train/zebra/b.png"), png(2, "png"));
        write(root.resolve("train/zebra/a.png"), png(1, "png"));
        write(root.resolve("train/ant/x.bmp"), png(3, "bmp"));
        write(root.resolve("train/ant/notes.txt"), "not an image".getBytes(StandardCharsets.UTF_8));
        write(root.resolve("train/ant/.hidden.png"), png(9, "png"));
        write(root.resolve("test/ant/t.PNG"), png(4, "png"));
        Files.createDirectories(root.resolve("test/moth"));     // class only in test: still gets a label in train

        ImageFolderDataset train = ImageFolderDataset.open(root, "train");
        assertEquals(List.of("ant", "moth", "zebra"), train.classNames());
        assertEquals(3, train.size());
        assertArrayEquals(new int[] {0, 2, 2}, train.labels());
        assertEquals(List.of("train/ant/x.bmp", "train/zebra/a.png", "train/zebra/b.png"),
                List.of(train.id(0), train.id(1), train.id(2)));
        assertEquals(3, tag(train.image(0)));
        assertEquals(1, tag(train.image(1)));
        assertEquals(BufferedImage.TYPE_INT_RGB, train.image(1).getType());
        assertArrayEquals(new int[] {1, 0, 2}, train.classCounts());

        ImageFolderDataset test = ImageFolderDataset.open(root, "test");
        assertEquals(1, test.size());
        assertEquals(4, tag(test.image(0)));

        Files.writeString(root.resolve("classnames.txt"), "an ant\na moth\na zebra\n");
        assertEquals(List.of("an ant", "a moth", "a zebra"), ImageFolderDataset.open(root, "train").classNames());
        Files.writeString(root.resolve("two.txt"), "x\ny\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageFolderDataset.open(root, "train", root.resolve("two.txt")));
        assertTrue(e.getMessage().contains("two.txt") && e.getMessage().contains("3 class folders"), e.getMessage());
    }

    @Test
    void imageFolderErrorsNameTheFolder(@TempDir Path root) throws IOException {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> ImageFolderDataset.open(root, "train"));
        assertTrue(missing.getMessage().contains(root.resolve("train").toString()), missing.getMessage());
        Files.createDirectories(root.resolve("train"));
        IllegalArgumentException noClasses = assertThrows(IllegalArgumentException.class, () -> ImageFolderDataset.open(root, "train"));
        assertTrue(noClasses.getMessage().contains("no class folders"), noClasses.getMessage());
        write(root.resolve("train/cat/readme.md"), new byte[] {1});
        IllegalArgumentException noImages = assertThrows(IllegalArgumentException.class, () -> ImageFolderDataset.open(root, "train"));
        assertTrue(noImages.getMessage().contains(root.resolve("train").toString()) && noImages.getMessage().contains("no image files"),
                noImages.getMessage());
    }

    @Test
    void numericFoldersSortNumerically() {
        assertEquals(List.of("2", "10", "33"), ImageFolderDataset.sortClassFolders(List.of("10", "33", "2")));
        assertEquals(List.of("00", "01", "42"), ImageFolderDataset.sortClassFolders(List.of("42", "00", "01")));
        assertEquals(List.of("Bird", "ant", "cat"), ImageFolderDataset.sortClassFolders(List.of("cat", "ant", "Bird")));
    }

    @Test
    void tarDatasetReadsInPlaceAndExtractsToSameDataset(@TempDir Path dir) throws IOException {
        // GTSRB-like: numeric folders under a "gtsrb" root -> bundled readable names when 43 classes
        TarBuilder b = new TarBuilder().dir("gtsrb").dir("gtsrb/train");
        for (int c = 42; c >= 0; c--) {
            b.file(String.format("gtsrb/train/%02d/%05d.jpg", c, 100 - c), png(c, "jpg"));
            if (c % 10 == 0) b.file(String.format("gtsrb/test/%02d/%05d.jpg", c, c), png(c, "jpg"));
        }
        b.file("gtsrb/train/00/00001.jpg", png(77, "jpg"));
        b.file("gtsrb/README.txt", "ignored".getBytes(StandardCharsets.UTF_8));
        Path archive = dir.resolve("gtsrb-mini.tar.gz");
        Files.write(archive, b.tarGz());

        Map<String, TarImageDataset> splits = TarImageDataset.openSplits(archive);
        assertEquals(java.util.Set.of("train", "test"), splits.keySet());
        TarImageDataset train = splits.get("train");
        assertEquals(44, train.size());
        assertEquals(43, train.numClasses());
        assertEquals(ClassNames.bundled("gtsrb"), train.classNames());
        assertEquals("train/00/00001.jpg", train.id(0));          // sorted by (label, file name)
        assertEquals("train/00/00100.jpg", train.id(1));
        assertEquals(0, train.label(1));
        assertEquals(42, train.label(43));
        assertTrue(Math.abs(tag(train.image(43)) - 42) <= 3, "JPEG round trip keeps the tag approximately");
        assertEquals(5, splits.get("test").size());
        assertEquals(40, splits.get("test").label(4));

        TarImageDataset testOnly = TarImageDataset.open(archive, "test");
        assertEquals(5, testOnly.size());
        assertArrayEquals(testOnly.encoded(2).orElseThrow(), splits.get("test").encoded(2).orElseThrow());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TarImageDataset.open(archive, "val"));
        assertTrue(e.getMessage().contains("no 'val' split"), e.getMessage());

        Path out = dir.resolve("extracted");
        assertEquals(49, TarImageDataset.extract(archive, out));
        ImageFolderDataset folder = ImageFolderDataset.open(out, "train");
        assertEquals(train.classNames(), folder.classNames());
        assertArrayEquals(train.labels(), folder.labels());
        for (int i = 0; i < train.size(); i++) {
            assertEquals(train.id(i), folder.id(i));
            assertArrayEquals(train.encoded(i).orElseThrow(), folder.encoded(i).orElseThrow());
        }
        // Datasets.open resolves archives and directories by spec
        assertEquals(5, Datasets.open(archive.toString(), "test").size());
        assertEquals(44, Datasets.open(out.toString(), "train").size());
    }

    @Test
    void tarDatasetUsesFolderNamesOrArchiveNamesFile(@TempDir Path dir) throws IOException {
        Path a = dir.resolve("pets.tar.gz");
        Files.write(a, new TarBuilder()
                .file("pets/train/dog/1.png", png(1, "png"))
                .file("pets/train/cat/1.png", png(2, "png"))
                .file("pets/test/cat/9.png", png(3, "png")).tarGz());
        TarImageDataset d = TarImageDataset.open(a, "train");
        assertEquals(List.of("cat", "dog"), d.classNames());
        assertEquals(2, tag(d.image(0)));
        Path b = dir.resolve("pets2.tar");
        Files.write(b, new TarBuilder()
                .file("pets/classnames.txt", "a cat\na dog\n".getBytes(StandardCharsets.UTF_8))
                .file("pets/train/dog/1.png", png(1, "png"))
                .file("pets/train/cat/1.png", png(2, "png")).tar());
        assertEquals(List.of("a cat", "a dog"), TarImageDataset.open(b, "train").classNames());
        assertEquals(List.of("x", "y"), TarImageDataset.open(b, "train", List.of("x", "y")).classNames());
        assertThrows(IllegalArgumentException.class, () -> TarImageDataset.open(b, "train", List.of("only one")));
    }
}
