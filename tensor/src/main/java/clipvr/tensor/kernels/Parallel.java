package clipvr.tensor.kernels;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * The one place where kernels go multi-threaded: a fixed pool sized by {@code -Dclipvr.threads}
 * (default: available processors), and a parallel-for over [0, n) split into contiguous chunks.
 *
 * <p>Work is split deterministically (chunk boundaries depend only on n and the thread count), and
 * every chunk writes disjoint output, so results do not depend on scheduling.
 */
public final class Parallel {
    private Parallel() {}

    /** Number of worker threads used by the fast kernels. */
    public static final int THREADS = Integer.getInteger("clipvr.threads",
            Runtime.getRuntime().availableProcessors());

    private static final ForkJoinPool POOL = THREADS > 1 ? new ForkJoinPool(THREADS) : null;

    /** A body over a half-open range of indices [from, to). */
    @FunctionalInterface
    public interface RangeBody { void run(int from, int to); }

    /**
     * Runs {@code body} over [0, n) in at most {@link #THREADS} contiguous chunks. Runs inline when the
     * work is small ({@code n * costPerItem < 32768}), when there is one thread, or when already inside
     * the pool (no nested parallelism).
     */
    public static void forRange(int n, long costPerItem, RangeBody body) {
        if (n <= 0) return;
        int chunks = (int) Math.min(THREADS, n);
        if (POOL == null || chunks <= 1 || (long) n * costPerItem < 32_768 || ForkJoinTask.inForkJoinPool()) {
            body.run(0, n);
            return;
        }
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[chunks];
        for (int c = 0; c < chunks; c++) {
            int from = (int) ((long) n * c / chunks), to = (int) ((long) n * (c + 1) / chunks);
            tasks[c] = new RecursiveAction() {
                @Override protected void compute() { body.run(from, to); }
            };
        }
        POOL.invoke(new RecursiveAction() {
            @Override protected void compute() { invokeAll(tasks); }
        });
    }

    /** Parallel-for over single indices (convenience over {@link #forRange}). */
    public static void forEach(int n, long costPerItem, IntConsumer body) {
        forRange(n, costPerItem, (from, to) -> { for (int i = from; i < to; i++) body.accept(i); });
    }

    /**
     * Runs {@code task(0)} … {@code task(n-1)} at the same time, one per pool thread, and returns when all have ended
     * (an exception in one is rethrown here). Inside a task every kernel runs inline on that task's thread (see
     * {@link #forRange}), so each task's results do not depend on the thread count. Without a pool (one thread), or
     * when called from inside the pool, the tasks run one after another, in order. Coarse-grained parallelism:
     * e.g. data-parallel shards of a batch, each through its own model replica.
     */
    public static void invokeAll(int n, IntConsumer task) {
        if (POOL == null || n <= 1 || ForkJoinTask.inForkJoinPool()) {
            for (int i = 0; i < n; i++) task.accept(i);
            return;
        }
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[n];
        for (int i = 0; i < n; i++) {
            int k = i;
            tasks[i] = new RecursiveAction() {
                @Override protected void compute() { task.accept(k); }
            };
        }
        POOL.invoke(new RecursiveAction() {
            @Override protected void compute() { invokeAll(tasks); }
        });
    }
}
