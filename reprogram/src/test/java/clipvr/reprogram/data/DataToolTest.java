package clipvr.reprogram.data;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataToolTest {
    @Test
    void commands(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("x.tar.gz");
        Files.write(a, new TarBuilder().file("x/train/cat/1.png", ImageFolderAndTarDatasetTest.png(1, "png"))
                .file("x/test/dog/2.png", ImageFolderAndTarDatasetTest.png(2, "png")).tarGz());
        assertEquals(0, DataTool.run(new String[] {"extract", a.toString(), dir.resolve("out").toString()}));
        assertTrue(Files.isRegularFile(dir.resolve("out/train/cat/1.png")));
        assertEquals("cat\ndog\n", Files.readString(dir.resolve("out/classnames.txt")));
        assertEquals(0, DataTool.run(new String[] {"info", dir.resolve("out").toString(), "test"}));
        assertEquals(0, DataTool.run(new String[] {"validate", "mnist_des", "mnist"}));
        assertEquals(1, DataTool.run(new String[] {"validate", "mnist_des", "cifar10"}));
        assertEquals(2, DataTool.run(new String[] {"bogus"}));
    }
}
