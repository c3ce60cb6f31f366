package clipvr.reprogram.data;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The real CIFAR-10 and GTSRB archives in the shared folder (skipped when absent). Each archive is read once. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedArchivesTest {

    private Map<String, TarImageDataset> cifar;
    private Map<String, TarImageDataset> gtsrb;

    private static Path archive(String name) {
        return Datasets.sharedDir().resolve("datasets").resolve(name + "-jpg.tar.gz");
    }

    @BeforeAll
    void load() {
        if (Files.isRegularFile(archive("cifar10"))) cifar = TarImageDataset.openSplits(archive("cifar10"));
        if (Files.isRegularFile(archive("gtsrb"))) gtsrb = TarImageDataset.openSplits(archive("gtsrb"));
    }

    @Test
    void cifar10CountsNamesAndDecoding() {
        assumeTrue(cifar != null, "skipped: " + archive("cifar10") + " not present (set -Dclipvr.shared=DIR)");
        TarImageDataset train = cifar.get("train"), test = cifar.get("test");
        assertEquals(50_000, train.size());
        assertEquals(10_000, test.size());
        assertEquals(ClassNames.bundled("cifar10"), train.classNames());
        assertEquals(10, train.numClasses());
        int[] trainCounts = train.classCounts(), testCounts = test.classCounts();
        for (int c = 0; c < 10; c++) {
            assertEquals(5_000, trainCounts[c], "train class " + c);
            assertEquals(1_000, testCounts[c], "test class " + c);
        }
        for (int i : new int[] {0, 4_999, 5_000, 49_999}) {
            BufferedImage img = train.image(i);
            assertEquals(32, img.getWidth());
            assertEquals(32, img.getHeight());
            assertEquals(BufferedImage.TYPE_INT_RGB, img.getType());
        }
        assertTrue(train.id(0).startsWith("train/airplane/"), train.id(0));
        assertTrue(train.id(49_999).startsWith("train/truck/"));
        // not a constant image: some pixel variation
        BufferedImage img = test.image(123);
        int first = img.getRGB(0, 0);
        boolean varies = false;
        for (int y = 0; y < 32 && !varies; y++) for (int x = 0; x < 32; x++) if (img.getRGB(x, y) != first) { varies = true; break; }
        assertTrue(varies);
    }

    @Test
    void gtsrbCountsNamesAndDecoding() {
        assumeTrue(gtsrb != null, "skipped: " + archive("gtsrb") + " not present (set -Dclipvr.shared=DIR)");
        TarImageDataset train = gtsrb.get("train"), test = gtsrb.get("test");
        assertEquals(39_209, train.size());
        assertEquals(12_630, test.size());
        assertEquals(43, train.numClasses());
        assertEquals(ClassNames.bundled("gtsrb"), train.classNames());
        assertEquals("red and white circle 20 kph speed limit", train.classNames().get(0));
        assertEquals("stop", train.classNames().get(14));
        assertEquals(43, train.classFolders().size());
        assertEquals("00", train.classFolders().get(0));
        assertEquals("42", train.classFolders().get(42));
        assertTrue(Arrays.stream(train.classCounts()).allMatch(n -> n > 0));
        assertTrue(Arrays.stream(test.classCounts()).allMatch(n -> n > 0));
        assertEquals(210, train.classCounts()[0]);       // GTSRB class 0 has 210 training images
        for (int i : new int[] {0, 20_000, 39_208}) {
            BufferedImage img = train.image(i);
            assertTrue(img.getWidth() >= 15 && img.getWidth() <= 300, "width " + img.getWidth());
            assertTrue(img.getHeight() >= 15 && img.getHeight() <= 300, "height " + img.getHeight());
        }
    }

    @Test
    void fewShotOnCifar() {
        assumeTrue(cifar != null, "skipped: CIFAR-10 archive not present");
        TarImageDataset train = cifar.get("train");
        int[] idx = FewShot.sample(train, 16, 0);
        assertEquals(160, idx.length);
        assertArrayEquals(idx, FewShot.sample(train, 16, 0));
        for (int k = 0; k < idx.length; k++) assertEquals(k / 16, train.label(idx[k]));
        Split.Parts parts = Split.holdOut(idx, train, 0.25, 0);
        assertEquals(40, parts.validation().length);
        assertEquals(120, parts.train().length);
    }

    @Test
    void namedSpecsResolveFromSharedDir() {
        assumeTrue(gtsrb != null && Datasets.dataDir() == null, "skipped: needs the shared GTSRB archive and no clipvr.data override");
        Dataset d = Datasets.open("gtsrb", "test");
        assertEquals(12_630, d.size());
        assertEquals(ClassNames.bundled("gtsrb"), d.classNames());
    }
}
