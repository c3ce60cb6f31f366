package clipvr.spark;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * What an executor JVM loads once and shares between its tasks: models and opened datasets, keyed by their
 * (serialisable, value-equal) description. Loading happens inside {@code computeIfAbsent}, so concurrent tasks of the
 * same executor wait for the one load instead of repeating it.
 */
final class ExecutorCache {
    private ExecutorCache() {}

    private static final ConcurrentHashMap<Object, Object> CACHE = new ConcurrentHashMap<>();

    @SuppressWarnings("unchecked")
    static <T> T get(Object key, Supplier<T> load) {
        return (T) CACHE.computeIfAbsent(key, k -> load.get());
    }

    /** How many entries are loaded. */
    static int size() { return CACHE.size(); }

    /**
     * Forward passes that may run at once in this JVM ({@code -Dclipvr.spark.forwards}, default 1). One forward pass
     * already keeps every kernel thread busy, so concurrent tasks of an executor take turns for the model while each
     * decodes and preprocesses its next batch meanwhile: the decoding overlaps the matrix products instead of
     * competing with them for the cores and caches.
     */
    static final Semaphore FORWARDS = new Semaphore(Integer.getInteger("clipvr.spark.forwards", 1));

    /** Runs one forward pass under {@link #FORWARDS}. */
    static <T> T forward(Supplier<T> pass) {
        FORWARDS.acquireUninterruptibly();
        try {
            return pass.get();
        } finally {
            FORWARDS.release();
        }
    }

    /** Forgets everything (benchmarks that time model loading). */
    static void clear() { CACHE.clear(); }
}
