package clipvr.clip.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** One writer per run directory: in one JVM, across two real processes, and after the holder was SIGKILLed. */
class RunLockTest {

    /** Holds the lock of args[0] until stdin closes (the child process of {@link #secondProcessIsRefusedUntilKilled}). */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            try (RunLock lock = RunLock.acquire(Path.of(args[0]), "holder-test")) {
                System.out.println("locked");
                System.out.flush();
                while (System.in.read() >= 0) { }
            }
        }
    }

    @Test void secondWriterInTheSameJvmFailsAtOnceNamingTheHolder(@TempDir Path dir) {
        Path run = dir.resolve("run");
        try (RunLock first = RunLock.acquire(run, "train --method ar")) {
            assertTrue(Files.isRegularFile(run.resolve(RunLock.FILE)));
            long t0 = System.nanoTime();
            RunLock.HeldException e = assertThrows(RunLock.HeldException.class, () -> RunLock.acquire(run, "train"));
            assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "must fail at once, not wait");
            assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
            assertTrue(e.getMessage().contains("started ") && e.getMessage().contains("train --method ar"), e.getMessage());
            assertTrue(e.getMessage().contains(run.toString()), e.getMessage());
        }
        assertNull(RunLock.holderOf(run), "released lock still names a holder");
        try (RunLock again = RunLock.acquire(run, "train")) { // released: free again
            assertNotNull(RunLock.holderOf(run));
        }
    }

    @Test void secondProcessIsRefusedUntilKilled(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Holder.class.getName(),
                run.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", r.readLine());
            RunLock.HeldException e = assertThrows(RunLock.HeldException.class, () -> RunLock.acquire(run, "train"));
            assertTrue(e.holder().contains("pid " + child.pid()), e.getMessage());
            assertTrue(e.holder().contains("holder-test"), e.getMessage());
            child.destroyForcibly(); // SIGKILL: no finally block runs in the child, the holder text stays behind
            assertTrue(child.waitFor(20, TimeUnit.SECONDS));
            assertTrue(RunLock.holderOf(run).contains("pid " + child.pid()), "stale holder text expected");
            try (RunLock mine = RunLock.acquire(run, "train --resume")) { // the stale lock does not block
                assertTrue(RunLock.holderOf(run).contains("pid " + ProcessHandle.current().pid()));
            }
        } finally {
            child.destroyForcibly();
        }
    }

    @Test void unwritableDirectoryIsAClearError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("a-file");
        Files.writeString(file, "x");
        java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
                () -> RunLock.acquire(file.resolve("run"), "train"));
        assertTrue(e.getMessage().contains("cannot create the lock file") && e.getMessage().contains("writable"), e.getMessage());
        assertEquals(List.of("a-file"), Files.list(dir).map(p -> p.getFileName().toString()).toList());
    }
}
