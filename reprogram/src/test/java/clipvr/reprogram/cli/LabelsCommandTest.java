package clipvr.reprogram.cli;

import clipvr.clip.api.ClipEmbedder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code clipvr labels} and the label-head warning of {@code train}, on the committed clipvr-mini: its text tower never
 * saw the digits 4 and 9 (no GTSRB sign name holds them), so its label head maps '1', '4' and '9' to one point.
 */
class LabelsCommandTest {
    static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    static final Path MINI = REPO.resolve("weights/clipvr-mini.safetensors");

    @Test void theCosinesAreThoseOfTheEmbedderAndTheMergedDigitsAreNamed() throws Exception {
        var r = ClipCommandsTest.run("labels", "--weights", MINI.toString(), "--data", "mnist", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        List<String> digits = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        // the library API encodes the filled template on its own path; unit rows, so the cosine is the dot product
        ClipEmbedder e = ClipEmbedder.load(MINI);
        float[][] t = e.encodeTexts(digits.stream().map(d -> "This is a photo of " + d + ".").toList(), true);
        double max = -1;
        for (int a = 0; a < 10; a++)
            for (int b = 0; b < 10; b++) {
                double want = ClipEmbedder.dot(t[a], t[b]);
                assertEquals(want, j.get("cosine").get(a).get(b).asDouble(), 2e-5, "cosine[" + a + "][" + b + "]");
                if (a != b) max = Math.max(max, want);
            }
        assertEquals(max, j.get("max_cosine").asDouble(), 2e-5);
        assertEquals("[[\"1\",\"4\",\"9\"]]", j.get("groups").toString());
        assertTrue(j.get("cosine").get(4).get(9).asDouble() > 0.99, "4 and 9 coincide");
    }

    @Test void aHigherThresholdLeavesOnlyTheClosestPairAndTheTableNamesIt() {
        var r = ClipCommandsTest.run("labels", "--weights", MINI.toString(), "--data", "mnist", "--threshold", "0.99");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("barely separates {'4', '9'}:"), r.out());
        assertEquals(14, r.out().lines().filter(l -> !l.isBlank()).count(), r.out());   // title, header, 10 rows, largest, warning
        var none = ClipCommandsTest.run("labels", "--weights", MINI.toString(), "--data", "cifar10");
        assertTrue(none.out().contains("every pair of classes is below 0.95"), none.out());
    }

    @Test void badFlagsAreNamed() {
        var both = ClipCommandsTest.run("labels", "--weights", MINI.toString());
        assertEquals(2, both.code());
        assertTrue(both.err().contains("exactly one of --data and --names"), both.err());
        var t = ClipCommandsTest.run("labels", "--weights", MINI.toString(), "--data", "mnist", "--threshold", "2");
        assertEquals(2, t.code());
        assertTrue(t.err().contains("--threshold"), t.err());
    }

    @Test void trainWarnsOfTheMergedLabelsBeforeItStarts(@TempDir Path dir) {
        var r = ClipCommandsTest.run("train", "--method", "zeroshot", "--weights", MINI.toString(),
                "--data", "fashion-mnist:" + REPO.resolve("demo/fashion-mnist"), "--test-limit", "10", "--quiet",
                "--out", dir.resolve("zs").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("warning: the label head (This is a photo of {}.) barely separates {'T-shirt/top'"), r.err());
        assertTrue(r.err().contains("--label-mapping ilm"), r.err());
    }
}
