package clipvr.reprogram.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Reproducers of the dataset-reader bugs found by {@link DataFuzzTest}, kept as plain regression tests. */
class DataFuzzRegressionTest {

    /** Bug 10 (fuzz): n x rows x cols overflowed long, passed the size check, and readNBytes threw "len < 0". */
    @Test void idxDimensionProductOverflow(@TempDir Path dir) throws Exception {
        Path images = dir.resolve("imgs"), labels = dir.resolve("labels");
        Files.write(images, ByteBuffer.allocate(16).putInt(IdxDataset.IMAGES_MAGIC).putInt(Integer.MAX_VALUE)
                .putInt(Integer.MAX_VALUE).putInt(Integer.MAX_VALUE).array());
        Files.write(labels, DataFuzzTest.idxLabels(3));
        BadInputException e = assertThrows(BadInputException.class,
                () -> IdxDataset.open(images, labels, "test", List.of("a", "b", "c")));
        assertTrue(e.getMessage().contains(images.toString()) && e.getMessage().contains("dimensions"), e.getMessage());
    }

    /** Bug 11 (fuzz): bytes that look like UTF-32 made Jackson throw CharConversionException, unwrapped and unnamed. */
    @Test void descriptionFileInUtf32GarbageIsNamed() {
        String json = "{\"cat\": [\"\u0000\u0000\u0000x\"]}";
        String garbage = "\u0000\u0000\u0000{\"\u00ff\u00ff\u00ff\u00ff";
        for (String s : new String[]{garbage, json.substring(0, 3) + "\u0000\u0000\u0000\u0000"}) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> DescriptionFile.parse(s, "descr.json"));
            assertInstanceOf(BadInputException.class, e, e.toString());
            assertTrue(e.getMessage().contains("descr.json"), e.getMessage());
        }
    }
}
