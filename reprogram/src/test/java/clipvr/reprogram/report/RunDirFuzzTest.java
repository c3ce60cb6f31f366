package clipvr.reprogram.report;

import clipvr.clip.fuzz.Fuzz;
import clipvr.reprogram.data.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Mutation fuzzing of the run-directory JSON that {@code report} and {@code evaluate} read ({@code results.json},
 * {@code checkpoint.json}): the reader returns run data or throws {@link BadInputException} /
 * {@link UncheckedIOException} naming the file.
 */
class RunDirFuzzTest {

    static boolean typed(Throwable t) {
        return t instanceof BadInputException || (t instanceof UncheckedIOException u && u.getCause() != null);
    }

    /** One family: each case mutates results.json (even cases) or checkpoint.json (odd cases) of a valid run. */
    @Test void runDirectoryJson(@TempDir Path dir) throws Exception {
        Path run = SyntheticRun.dvp(dir.resolve("run"));
        Files.delete(run.resolve(RunDirReader.CHECKPOINT)); // the safetensors reader has its own fuzz test
        byte[] results = Files.readAllBytes(run.resolve(RunDirReader.RESULTS));
        byte[] ckJson = Files.readAllBytes(run.resolve(RunDirReader.CHECKPOINT_JSON));
        byte[] results2 = SyntheticRun.results("smm", false).getBytes(StandardCharsets.UTF_8);
        String[] which = new String[1];
        // the file names are fixed by the run layout, so the message must name the mutated file
        Fuzz.Report r = new Fuzz.Campaign("run-dir-json").seed(results).seed(results2).seed(ckJson)
                .nameInMessage(false).typed(t -> typed(t) && t.getMessage().contains(which[0]))
                .run((in, name) -> {
                    boolean ck = in.length > 0 && in.length % 2 == 1;
                    which[0] = ck ? RunDirReader.CHECKPOINT_JSON : RunDirReader.RESULTS;
                    Files.write(run.resolve(RunDirReader.RESULTS), ck ? results : in);
                    Files.write(run.resolve(RunDirReader.CHECKPOINT_JSON), ck ? in : ckJson);
                    RunDirReader.read(run, null);
                });
        System.out.println("[fuzz] " + r);
        assertTrue(r.failures().isEmpty(), () -> String.join("\n", r.failures()));
        assertTrue(r.ok() > 0 && r.typedErrors() > 0, r::toString);
    }
}
