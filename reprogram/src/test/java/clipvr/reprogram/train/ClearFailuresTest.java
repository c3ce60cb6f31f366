package clipvr.reprogram.train;

import clipvr.clip.io.AtomicFiles;
import clipvr.reprogram.cli.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Failures a user meets on a long run: a full disk, a read-only or unusable output directory, a heap that is too
 * small. Each gives one message naming the cause and what to do, a non-zero exit, and no damaged file: the previous
 * checkpoint stays byte-for-byte intact and the run resumes.
 */
class ClearFailuresTest {

    @TempDir static Path world;
    static Path data, desc;

    @BeforeAll static void makeWorld() {
        data = TinyRun.dataset(world, 4, 2);
        desc = TinyRun.descriptions(world, 4);
    }

    @AfterEach void noFaults() {
        AtomicFiles.injectFaults(null);
    }

    static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> names(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * Epoch 0 is saved; the save of epoch 1 fails with {@code fault} inside the checkpoint write. Checks the message
     * and that every file is as epoch 0 left it; then resumes without the fault and checks the run completes.
     */
    void failSecondCheckpoint(Path run, IOException fault, String expectedCause) throws Exception {
        byte[][] afterEpoch0 = new byte[2][];
        Trainer.Hooks hooks = new Trainer.Hooks() {
            @Override public void afterCheckpoint(int epoch) {
                if (epoch == 0) {
                    afterEpoch0[0] = read(run.resolve(RunFiles.CHECKPOINT));
                    afterEpoch0[1] = read(run.resolve(RunFiles.RESULTS));
                }
            }
        };
        AtomicInteger checkpointWrites = new AtomicInteger();
        AtomicFiles.injectFaults((target, tmp) -> {
            if (target.getFileName().toString().equals(RunFiles.CHECKPOINT) && checkpointWrites.incrementAndGet() == 2) throw fault;
        });
        List<String> before;
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Trainer.run(TinyRun.settings(data, desc, Method.AR, 3),
                run, new Trainer.Options(false, false, null, hooks)));
        AtomicFiles.injectFaults(null);
        String m = e.getMessage();
        assertTrue(m.contains(expectedCause), m);
        assertTrue(m.contains("epoch 1") && m.contains("intact") && m.contains("--resume") && m.contains(run.toString()), m);
        assertArrayEquals(afterEpoch0[0], read(run.resolve(RunFiles.CHECKPOINT)), "checkpoint changed by a failed save");
        assertArrayEquals(afterEpoch0[1], read(run.resolve(RunFiles.RESULTS)), "results.json changed by a failed save");
        before = names(run);
        assertTrue(before.stream().noneMatch(n -> n.endsWith(".tmp")), "temporary file left behind: " + before);

        RunResults r = Trainer.run(TinyRun.settings(data, desc, Method.AR, 3), run, new Trainer.Options(true, false, null, null));
        assertEquals("completed", r.status);
        assertEquals(3, r.epochsCompleted);
    }

    @Test void diskFullDuringACheckpointWrite(@TempDir Path tmp) throws Exception {
        failSecondCheckpoint(tmp.resolve("run"), new IOException("No space left on device"), "the disk is full");
    }

    @Test void readOnlyFileSystemDuringACheckpointWrite(@TempDir Path tmp) throws Exception {
        failSecondCheckpoint(tmp.resolve("run"), new FileSystemException("x.tmp", null, "Read-only file system"),
                "the file system is read-only");
    }

    /** A real full disk: a 2 MiB tmpfs (needs root and mount; skipped elsewhere) filled up after epoch 0. */
    @Test void realFullTmpfs(@TempDir Path tmp) throws Exception {
        Path mnt = Files.createDirectories(tmp.resolve("tmpfs"));
        boolean mounted;
        try {
            Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mnt.toString())
                    .redirectErrorStream(true).start();
            mounted = p.waitFor() == 0;
        } catch (IOException e) {
            mounted = false;
        }
        Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here (not root?): real disk-full test skipped");
        try {
            Path run = mnt.resolve("run");
            byte[][] afterEpoch0 = new byte[1][];
            Trainer.Hooks fill = new Trainer.Hooks() {
                @Override public void afterCheckpoint(int epoch) {
                    if (epoch != 0) return;
                    afterEpoch0[0] = read(run.resolve(RunFiles.CHECKPOINT));
                    try (var out = Files.newOutputStream(mnt.resolve("filler"))) {
                        byte[] block = new byte[4096];
                        while (true) out.write(block);
                    } catch (IOException full) {
                        // the disk is full now
                    }
                }
            };
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Trainer.run(
                    TinyRun.settings(data, desc, Method.AR, 3), run, new Trainer.Options(false, false, null, fill)));
            assertTrue(e.getMessage().contains("the disk is full") && e.getMessage().contains("--resume"), e.getMessage());
            assertArrayEquals(afterEpoch0[0], read(run.resolve(RunFiles.CHECKPOINT)));
            assertTrue(names(run).stream().noneMatch(n -> n.endsWith(".tmp")), names(run)::toString);
            Files.delete(mnt.resolve("filler"));
            assertEquals("completed", Trainer.run(TinyRun.settings(data, desc, Method.AR, 3), run,
                    new Trainer.Options(true, false, null, null)).status);
        } finally {
            new ProcessBuilder("umount", "-l", mnt.toString()).start().waitFor();
        }
    }

    @Test void unusableOutDirectoryIsAClearCliError(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run("train", "--method", "ar", "--weights", TinyRun.weights().toString(), "--data", data.toString(),
                    "--descriptions", desc.toString(), "--out", file.resolve("run").toString(), "--epochs", "1", "--quiet");
        } finally {
            System.setErr(old);
        }
        String msg = err.toString(StandardCharsets.UTF_8);
        assertNotEquals(0, code);
        assertTrue(msg.contains("clipvr train: ") && msg.contains(file.toString()) && msg.contains("writable"), msg);
        assertFalse(msg.contains("\tat "), "stack trace printed: " + msg);
    }

    /** A heap too small for a train step: one paragraph naming the heap and the fixes, exit 3, no stack trace. */
    @Test void outOfMemoryIsOneParagraph(@TempDir Path tmp) throws Exception {
        ChildJvm.Result r = ChildJvm.run(List.of("-Xmx40m", "-Dclipvr.microBatch=64"), tmp.resolve("log"), "train", "--method", "ar",
                "--weights", TinyRun.weights().toString(), "--data", data.toString(), "--descriptions", desc.toString(),
                "--vocab", TinyRun.vocab().toString(), "--out", tmp.resolve("run").toString(), "--epochs", "1", "--batch", "24",
                "--quiet");
        assertEquals(Main.EXIT_OUT_OF_MEMORY, r.code(), r.output());
        String out = r.output();
        assertTrue(out.contains("out of memory") && out.contains("maximum heap 40 MiB") && out.contains("CLIPVR_JAVA_OPTS=-Xmx")
                && out.contains("MaxRAMPercentage=25") && out.contains("-Dclipvr.microBatch"), out);
        assertFalse(out.contains("\tat ") || out.contains("Exception in thread"), "stack trace printed:\n" + out);
        assertEquals(1, Arrays.stream(out.strip().split("\n")).filter(l -> l.contains("out of memory")).count(), out);
    }
}
