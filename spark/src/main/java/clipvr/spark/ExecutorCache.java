package clipvr.spark;

import java.util.concurrent.ConcurrentHashMap;
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

    /** Forgets everything (benchmarks that time model loading). */
    static void clear() { CACHE.clear(); }
}
