package clipvr.reprogram.train;

import clipvr.reprogram.report.RunDirReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code report} reading a live run: between the checkpoint's rename and results.json's, results.json is one epoch
 * behind the checkpoint. The reader must then show the results embedded in the checkpoint (the same state as its
 * tensors), not a mix of two epochs.
 */
class LiveRunReadTest {

    @Test void staleResultsJsonIsReplacedByTheCheckpointsOwn(@TempDir Path tmp) throws Exception {
        Path data = TinyRun.dataset(tmp, 3, 2), desc = TinyRun.descriptions(tmp, 4), run = tmp.resolve("run");
        String[] afterEpoch0 = new String[1];
        Trainer.Hooks hooks = new Trainer.Hooks() {
            @Override public void afterCheckpoint(int epoch) {
                try {
                    if (epoch == 0) afterEpoch0[0] = Files.readString(run.resolve(RunFiles.RESULTS));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
        Trainer.run(TinyRun.settings(data, desc, Method.AR, 2), run, new Trainer.Options(false, false, null, hooks));
        var consistent = RunDirReader.read(run, null);
        assertEquals(2, consistent.epochs().size());
        assertTrue(consistent.notes().stream().noneMatch(n -> n.contains("embedded")), consistent.notes()::toString);

        Files.writeString(run.resolve(RunFiles.RESULTS), afterEpoch0[0]); // what a reader between the two renames sees
        var live = RunDirReader.read(run, null);
        assertEquals(2, live.epochs().size(), "report mixed epoch-0 results with the epoch-1 checkpoint");
        assertTrue(live.notes().stream().anyMatch(n -> n.contains("embedded in the checkpoint")), live.notes()::toString);
    }
}
