package clipvr.reprogram.train;

import clipvr.reprogram.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Two {@code train} commands with the same {@code --out}: the second fails at once naming the holder, and the first
 * finishes undisturbed (before the lock, both ran to the end and the second replaced the first one's results).
 */
class OneWriterTest {

    @Test void secondTrainOnTheSameOutFailsAtOnce(@TempDir Path tmp) throws Exception {
        Path data = TinyRun.dataset(tmp, 4, 2), desc = TinyRun.descriptions(tmp, 4), run = tmp.resolve("run");
        CountDownLatch inEpoch = new CountDownLatch(1), release = new CountDownLatch(1);
        Trainer.Hooks hooks = new Trainer.Hooks() {
            @Override public void afterCheckpoint(int epoch) {
                inEpoch.countDown();
                try {
                    assertTrue(release.await(120, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
            }
        };
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<RunResults> result = new AtomicReference<>();
        Thread first = new Thread(() -> {
            try {
                result.set(Trainer.run(TinyRun.settings(data, desc, Method.AR, 2), run, new Trainer.Options(false, false, null, hooks)));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        first.start();
        assertTrue(inEpoch.await(300, TimeUnit.SECONDS), "first run did not reach its first checkpoint");
        String before = Files.readString(run.resolve(RunFiles.RESULTS));

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        long t0 = System.nanoTime();
        try {
            code = Main.run("train", "--method", "ar", "--weights", TinyRun.weights().toString(), "--data", data.toString(),
                    "--descriptions", desc.toString(), "--out", run.toString(), "--epochs", "2", "--quiet");
        } finally {
            System.setErr(oldErr);
            release.countDown();
        }
        String msg = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, code, msg);
        assertTrue(System.nanoTime() - t0 < 30_000_000_000L, "the second writer must fail at once");
        assertTrue(msg.contains("in use by another clipvr process") && msg.contains("pid " + ProcessHandle.current().pid())
                && msg.contains("started ") && msg.contains("clipvr train"), msg);
        assertEquals(before, Files.readString(run.resolve(RunFiles.RESULTS)), "the refused writer touched results.json");

        first.join(300_000);
        assertNull(failure.get(), () -> "first run failed: " + failure.get());
        assertEquals("completed", result.get().status);
        assertEquals(2, result.get().epochsCompleted);
    }
}
