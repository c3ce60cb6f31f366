package clipvr.tensor;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts host↔device copies of tensor data, so tests can prove that a forward or backward pass on a
 * device makes no hidden round trips: take a {@link #snapshot()}, run, and compare.
 */
public final class Transfers {
    private Transfers() {}

    private static final AtomicLong UPLOADS = new AtomicLong(), DOWNLOADS = new AtomicLong(), BYTES = new AtomicLong();

    /** Counts so far: host→device copies, device→host copies, bytes moved either way. */
    public record Count(long uploads, long downloads, long bytes) {
        public long total() { return uploads + downloads; }
        public Count minus(Count o) { return new Count(uploads - o.uploads, downloads - o.downloads, bytes - o.bytes); }
    }

    public static Count snapshot() { return new Count(UPLOADS.get(), DOWNLOADS.get(), BYTES.get()); }

    /** Called by device backends for every host→device copy. */
    public static void upload(long bytes) { UPLOADS.incrementAndGet(); BYTES.addAndGet(bytes); }

    /** Called by device backends for every device→host copy. */
    public static void download(long bytes) { DOWNLOADS.incrementAndGet(); BYTES.addAndGet(bytes); }
}
