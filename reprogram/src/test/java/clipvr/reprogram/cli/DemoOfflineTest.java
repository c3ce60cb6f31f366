package clipvr.reprogram.cli;

import clipvr.reprogram.train.RunFiles;
import clipvr.reprogram.train.RunResults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The main job on a fresh clone: {@code ./clipvr demo} with no flags, no network and no {@code ../shared}, using only
 * what the repository commits (weights/clipvr-mini.safetensors, weights/bpe_simple_vocab_16e6.txt.gz, demo/fashion-mnist).
 * Shorter epochs and test set than the default, same code path.
 */
class DemoOfflineTest {
    @TempDir Path tmp;

    static final List<String> OFFLINE = List.of("clipvr.root", "clipvr.shared", "clipvr.data", "http.proxyHost", "http.proxyPort",
            "https.proxyHost", "https.proxyPort", "socksProxyHost", "socksProxyPort");

    @Test void theDemoRunsOfflineFromTheRepositoryAlone() throws Exception {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(repo.resolve("weights/clipvr-mini.safetensors")), "clipvr-mini is committed");
        Map<String, String> saved = new HashMap<>();
        for (String k : OFFLINE) saved.put(k, System.getProperty(k));
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setProperty("clipvr.root", repo.toString());
            System.setProperty("clipvr.shared", tmp.resolve("no-shared").toString());   // no ../shared
            System.clearProperty("clipvr.data");
            for (String p : List.of("http", "https")) {                                   // every connection is refused
                System.setProperty(p + ".proxyHost", "127.0.0.1");
                System.setProperty(p + ".proxyPort", "9");
            }
            System.setProperty("socksProxyHost", "127.0.0.1");
            System.setProperty("socksProxyPort", "9");
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            int rc = Main.run("demo", "--out", tmp.resolve("demo").toString(), "--epochs", "3", "--test-limit", "200");
            assertEquals(0, rc);
        } finally {
            System.setOut(out);
            saved.forEach((k, v) -> { if (v == null) System.clearProperty(k); else System.setProperty(k, v); });
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("clipvr-mini"), text);
        for (String m : List.of("zeroshot", "ar", "dvp-cse")) {
            RunResults r = RunFiles.readJson(tmp.resolve("demo").resolve(m).resolve(RunFiles.RESULTS), RunResults.class);
            assertEquals("completed", r.status, m);
            assertEquals(200, r.last.images(), m + " test images");
            assertTrue(text.contains(String.format(java.util.Locale.ROOT, "%6.2f %%", 100 * r.last.top1())), m + " accuracy printed:\n" + text);
        }
        assertEquals(2, text.lines().filter(l -> l.contains("points over zero-shot")).count(), text);
        for (String m : List.of("ar", "dvp-cse")) assertTrue(Files.size(tmp.resolve("demo").resolve(m).resolve("report.html")) > 10_000, m + " report");
    }
}
