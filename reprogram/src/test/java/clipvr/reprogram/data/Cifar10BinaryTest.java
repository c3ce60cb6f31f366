package clipvr.reprogram.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The official binary CIFAR-10 record layout, on files written by the test. */
class Cifar10BinaryTest {
    static byte[] records(int n, int labelShift) {
        byte[] b = new byte[n * Cifar10Binary.RECORD];
        for (int i = 0; i < n; i++) {
            int o = i * Cifar10Binary.RECORD;
            b[o] = (byte) ((i + labelShift) % 10);
            for (int p = 0; p < 1024; p++) {
                b[o + 1 + p] = (byte) (p % 256);               // red: column/row pattern
                b[o + 1 + 1024 + p] = (byte) i;                // green: the record number
                b[o + 1 + 2048 + p] = (byte) 200;              // blue: constant
            }
        }
        return b;
    }

    @Test void readsLabelsAndPlanarPixels(@TempDir Path dir) throws Exception {
        for (int k = 1; k <= 5; k++) Files.write(dir.resolve("data_batch_" + k + ".bin"), records(3, k));
        Files.write(dir.resolve("test_batch.bin"), records(4, 0));
        Dataset train = Datasets.open(dir.toString(), "train"), test = Datasets.open("cifar10-bin:" + dir, "test");
        assertEquals(15, train.size());
        assertEquals(4, test.size());
        assertEquals(3, test.label(3));
        assertEquals("cat", test.classNames().get(3));
        int rgb = test.image(2).getRGB(5, 1);                  // pixel index 37
        assertEquals(37, (rgb >> 16) & 0xFF);
        assertEquals(2, (rgb >> 8) & 0xFF);
        assertEquals(200, rgb & 0xFF);
    }

    @Test void truncatedFileIsAClearError(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("test_batch.bin"), new byte[Cifar10Binary.RECORD + 5]);
        var e = assertThrows(IllegalArgumentException.class, () -> Cifar10Binary.open(dir, "test"));
        assertTrue(e.getMessage().contains("test_batch.bin"), e.getMessage());
    }
}
