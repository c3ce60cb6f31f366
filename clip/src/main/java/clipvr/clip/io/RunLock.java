package clipvr.clip.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One writer per run directory: an exclusive operating-system lock on {@code DIR/.lock}, held for as long as a run
 * (or a pretraining run) writes there. The file also names the holder (PID, host, start time, command), so that a
 * second writer fails at once with a message saying who has the directory.
 *
 * <p>The lock is {@link FileChannel#tryLock()} (POSIX {@code fcntl} / Windows {@code LockFileEx}): the operating
 * system drops it when the holding process dies, even by SIGKILL, so a lock left by a killed run never blocks a
 * resume; only the stale holder text remains, and it is overwritten. The file is never deleted, because deleting a
 * lock file lets two processes lock two different files of the same name.
 */
public final class RunLock implements AutoCloseable {

    /** The lock file's name inside the run directory. */
    public static final String FILE = ".lock";

    /** A second writer: the message names the directory and the holder. */
    public static final class HeldException extends IllegalStateException {
        private final String holder;

        HeldException(Path dir, String holder) {
            super("run directory " + dir + " is in use by another clipvr process (" + holder + "). Only one process may "
                    + "write a run directory: wait for that process to finish (or stop it), or choose another --out.");
            this.holder = holder;
        }

        /** The holder as recorded in the lock file (PID, host, start time, command), or a note that it is unknown. */
        public String holder() { return holder; }
    }

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code dir} (created if missing) for {@code command} (e.g. {@code "train"}), or throws
     * {@link HeldException} at once when another process (or another part of this one) holds it.
     *
     * @throws UncheckedIOException when the directory or the lock file cannot be created (read-only, missing parent)
     */
    public static RunLock acquire(Path dir, String command) {
        Path file = dir.resolve(FILE);
        FileChannel ch;
        try {
            Files.createDirectories(dir);
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the lock file " + file + " (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + "); is the directory writable?", e);
        }
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this JVM through another channel
        } catch (IOException e) {
            closeQuietly(ch);
            throw new UncheckedIOException("cannot lock " + file + ": " + e.getMessage(), e);
        }
        if (lock == null) {
            String holder = readHolder(ch);
            closeQuietly(ch);
            throw new HeldException(dir, holder);
        }
        try {
            byte[] info = describeThisProcess(command).getBytes(StandardCharsets.UTF_8);
            ch.truncate(0);
            ByteBuffer b = ByteBuffer.wrap(info);
            while (b.hasRemaining()) ch.write(b, b.position());
            ch.force(false);
        } catch (IOException e) {
            // the lock is what matters; the holder text is a courtesy (e.g. the disk is full)
        }
        return new RunLock(dir, ch, lock);
    }

    /** The directory this lock guards. */
    public Path dir() { return dir; }

    /** Releases the lock; the holder text is cleared (the file stays, see the class comment). */
    @Override
    public void close() {
        try {
            if (channel.isOpen()) {
                try {
                    channel.truncate(0);
                } catch (IOException ignored) {
                    // best effort
                }
                lock.release();
            }
        } catch (IOException ignored) {
            // closing the channel below releases it anyway
        } finally {
            closeQuietly(channel);
        }
    }

    /** The holder text of {@code dir}'s lock file, or null when there is none (never locked, or released). */
    public static String holderOf(Path dir) {
        try {
            String s = Files.readString(dir.resolve(FILE), StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? null : s;
        } catch (IOException e) {
            return null;
        }
    }

    static String describeThisProcess(String command) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = System.getenv().getOrDefault("HOSTNAME", "unknown host");
        }
        Instant start = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
        return "pid " + ProcessHandle.current().pid() + " on " + host + ", started " + start + ", command: clipvr "
                + command;
    }

    private static String readHolder(FileChannel ch) {
        try {
            long size = Math.min(ch.size(), 4096);
            ByteBuffer b = ByteBuffer.allocate((int) size);
            while (b.hasRemaining() && ch.read(b, b.position()) > 0) { }
            String s = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? "holder not recorded yet" : s;
        } catch (IOException e) {
            return "holder unknown: " + e.getMessage();
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
