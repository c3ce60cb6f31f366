package clipvr.clip.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writing a file so that readers see either the old or the new content, never a part: the body goes to a
 * temporary file in the same directory, is forced to disk, renamed over the target atomically, and the
 * directory is forced. A failure leaves the target untouched and removes the temporary file.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes the content into an open channel. */
    @FunctionalInterface
    public interface Body { void writeTo(FileChannel ch) throws IOException; }

    /**
     * Test seam for failures the machine cannot easily produce (a full disk, a read-only file system): called after
     * the body was written to the temporary file, before it is forced and renamed over the target.
     */
    @FunctionalInterface
    public interface Faults { void beforeCommit(Path target, Path tmp) throws IOException; }

    private static volatile Faults faults;

    /** Installs (or, with null, removes) the fault seam; for tests only. */
    public static void injectFaults(Faults f) { faults = f; }

    /**
     * Test hook for kill tests: with {@code -Dclipvr.test.pauseAt=NAME:N}, the N-th atomic write of a file named NAME
     * stops after its body is written and before the rename, prints {@code [clipvr-test] paused in NAME} on stderr and
     * waits (a minute), so that a test can SIGKILL the process inside that write.
     */
    static final String PAUSE_AT = System.getProperty("clipvr.test.pauseAt");
    private static final java.util.concurrent.atomic.AtomicInteger PAUSE_COUNT = new java.util.concurrent.atomic.AtomicInteger();

    private static void maybePause(Path file) {
        if (PAUSE_AT == null) return;
        int colon = PAUSE_AT.lastIndexOf(':');
        String name = colon < 0 ? PAUSE_AT : PAUSE_AT.substring(0, colon);
        int n = colon < 0 ? 1 : Integer.parseInt(PAUSE_AT.substring(colon + 1));
        if (!file.getFileName().toString().equals(name) || PAUSE_COUNT.incrementAndGet() != n) return;
        System.err.println("[clipvr-test] paused in " + name);
        System.err.flush();
        try {
            Thread.sleep(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Prefix and suffix of the temporary files; {@link #removeStaleTemporaries} deletes leftovers of killed writers. */
    static final String TMP_SUFFIX = ".tmp";

    public static void write(Path file, Body body) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", TMP_SUFFIX);
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException | IOException ignored) {
                // non-POSIX file system: keep the default permissions
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                body.writeTo(ch);
                Faults f = faults;
                if (f != null) f.beforeCommit(file, tmp);
                maybePause(file);
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException | UnsupportedOperationException ignored) {
                // not supported on every platform; the file itself was already forced
            }
        } finally {
            if (tmp != null) Files.deleteIfExists(tmp);
        }
    }

    /**
     * Deletes the temporary files that writers killed mid-write left in {@code dir} ({@code .<name>.<random>.tmp}).
     * Call it only while holding the directory's {@link RunLock}, so that no live writer owns them. Returns how many.
     */
    public static int removeStaleTemporaries(Path dir) {
        int n = 0;
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") && name.endsWith(TMP_SUFFIX) && Files.isRegularFile(p)) {
                    Files.deleteIfExists(p);
                    n++;
                }
            }
        } catch (IOException e) {
            // best effort: a leftover temporary file is garbage, not damage
        }
        return n;
    }

    /**
     * A one-line explanation of a write failure, naming the cause and what to do: a full disk, a read-only file
     * system, missing permissions or a missing directory; otherwise the exception itself.
     */
    public static String explain(IOException e) {
        String reason = e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null ? fse.getReason()
                : String.valueOf(e.getMessage());
        String where = e instanceof java.nio.file.FileSystemException fse && fse.getFile() != null ? " (" + fse.getFile() + ")" : "";
        if (reason.contains("No space left on device") || reason.contains("Disk quota exceeded") || reason.contains("There is not enough space"))
            return "the disk is full" + where + ": " + reason + ". Free some space or choose a directory on another disk";
        if (reason.contains("Read-only file system"))
            return "the file system is read-only" + where + ". Choose a writable directory";
        if (e instanceof java.nio.file.AccessDeniedException || reason.contains("Permission denied"))
            return "permission denied" + where + ". Make the directory writable or choose another one";
        if (e instanceof java.nio.file.NoSuchFileException || e instanceof java.nio.file.NotDirectoryException)
            return "the directory does not exist or is not a directory" + where + ": " + reason;
        return e.toString();
    }

    /** Writes {@code bytes} atomically. */
    public static void write(Path file, byte[] bytes) throws IOException {
        write(file, ch -> writeFully(ch, ByteBuffer.wrap(bytes)));
    }

    public static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }
}
