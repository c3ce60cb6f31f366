package clipvr.reprogram.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class TrainerSmokeTest {
    @TempDir Path tmp;

    @Test void arRuns() {
        Path data = TinyRun.dataset(tmp, 8, 4);
        Path desc = TinyRun.descriptions(tmp, 6);
        for (Method m : Method.values()) {
            long t0 = System.nanoTime();
            RunResults r = Trainer.run(TinyRun.settings(data, desc, m, 4), tmp.resolve("run-" + m), new Trainer.Options(false, false, System.err, null));
            System.err.printf("%s %.2fs%n", m, (System.nanoTime() - t0) / 1e9);
            for (var e : r.epochs) System.err.println("  " + e.epoch() + " " + e.phase() + " loss " + e.trainLoss() + " acc " + e.trainAccuracy() + " test " + e.testAccuracy());
        }
    }
}
