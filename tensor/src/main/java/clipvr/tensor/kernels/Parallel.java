package clipvr.tensor.kernels;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * The one place where kernels go multi-threaded: {@code -Dclipvr.threads} threads (default: available processors)
 * and a parallel-for over [0, n) split into contiguous chunks.
 *
 * <p>Work is split deterministically (chunk boundaries depend only on n, the thread count and the chunks per thread), and every chunk
 * writes disjoint output, so results do not depend on scheduling, nor on which thread runs which chunk.
 *
 * <p>Two schedulers, same chunks, same bits ({@code -Dclipvr.parallel=team|forkjoin}):
 * <ul>
 *   <li>{@code team} (default, {@link Team}): the calling thread runs chunks itself next to {@code THREADS - 1}
 *       resident workers that spin briefly between ops before they park. A transformer runs hundreds of
 *       sub-millisecond ops per forward; handing each one to a pool and blocking (two wake-ups per op) cost
 *       more than the small ops themselves.</li>
 *   <li>{@code forkjoin}: the readable twin. A {@link ForkJoinPool} of {@code THREADS} workers; the caller submits
 *       the chunks and waits.</li>
 * </ul>
 */
public final class Parallel {
    private Parallel() {}

    /** Number of threads the fast kernels run on (the caller included). */
    public static final int THREADS = Integer.getInteger("clipvr.threads",
            Runtime.getRuntime().availableProcessors());

    /**
     * Chunks per thread for regions whose chunks cost nothing extra to start ({@code -Dclipvr.chunks}, default 4; 1
     * gives one contiguous share per thread): row-wise and element-wise kernels, attention heads, GEMM strips over
     * an operand packed once. The threads claim chunks one at a time, so a core slowed by something else takes fewer
     * instead of holding up every region with a fixed share (on a 2-core VM the two cores' speeds dip at different
     * times; docs/perf-gemm.md). Chunks only regroup independent outputs: same bits for every value.
     */
    public static final int CHUNKS_PER_THREAD = Math.max(1, Integer.getInteger("clipvr.chunks", 4));

    /** The scheduler in use: "team" or "forkjoin". */
    public static final String SCHEDULER = scheduler(System.getProperty("clipvr.parallel", "team"));

    private static final ForkJoinPool POOL = THREADS > 1 && SCHEDULER.equals("forkjoin") ? new ForkJoinPool(THREADS) : null;
    private static final Team TEAM = THREADS > 1 && SCHEDULER.equals("team") ? new Team(THREADS - 1) : null;

    private static String scheduler(String s) {
        if (!s.equals("team") && !s.equals("forkjoin"))
            throw new IllegalArgumentException("-Dclipvr.parallel=" + s + ": expected team or forkjoin");
        return s;
    }

    /** A body over a half-open range of indices [from, to). */
    @FunctionalInterface
    public interface RangeBody { void run(int from, int to); }

    /**
     * Runs {@code body} over [0, n) in at most {@link #THREADS} contiguous chunks. Runs inline when the
     * work is small ({@code n * costPerItem < 32768}), when there is one thread, or when already inside
     * a parallel region or any ForkJoinPool (no nested parallelism).
     */
    public static void forRange(int n, long costPerItem, RangeBody body) {
        forRange(n, costPerItem, 1, body);
    }

    /**
     * {@link #forRange} in up to {@code chunksPerThread · THREADS} contiguous chunks, which the threads claim one at a
     * time: a thread slowed by something else on its core (a busy or shared machine) then takes fewer chunks instead
     * of holding up the region with a fixed half. For bodies whose chunks cost nothing extra to start (e.g. GEMM
     * strips over operands packed once). Chunk boundaries still depend only on n, the thread count and
     * {@code chunksPerThread}.
     */
    public static void forRange(int n, long costPerItem, int chunksPerThread, RangeBody body) {
        if (n <= 0) return;
        if (chunksPerThread < 1) throw new IllegalArgumentException("chunksPerThread < 1: " + chunksPerThread);
        int chunks = (int) Math.min((long) THREADS * chunksPerThread, n);
        if (THREADS == 1 || chunks <= 1 || (long) n * costPerItem < 32_768 || inside()) {
            body.run(0, n);
            return;
        }
        IntConsumer chunk = c -> body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
        if (TEAM != null) {
            if (!TEAM.run(chunks, chunk)) body.run(0, n);             // the team is busy with another caller
            return;
        }
        forkJoin(chunks, chunk);
    }

    /** Parallel-for over independent single indices, in {@link #CHUNKS_PER_THREAD} chunks per thread. */
    public static void forEach(int n, long costPerItem, IntConsumer body) {
        forRange(n, costPerItem, CHUNKS_PER_THREAD, (from, to) -> { for (int i = from; i < to; i++) body.accept(i); });
    }

    /**
     * Runs {@code task(0)} … {@code task(n-1)} at the same time, one per thread, and returns when all have ended
     * (an exception in one is rethrown here). Inside a task every kernel runs inline on that task's thread (see
     * {@link #forRange}), so each task's results do not depend on the thread count. With one thread, or when called
     * from inside a parallel region, the tasks run one after another, in order. Coarse-grained parallelism:
     * e.g. data-parallel shards of a batch, each through its own model replica.
     */
    public static void invokeAll(int n, IntConsumer task) {
        if (THREADS == 1 || n <= 1 || inside()) {
            for (int i = 0; i < n; i++) task.accept(i);
            return;
        }
        if (TEAM != null) {
            if (!TEAM.run(n, task)) for (int i = 0; i < n; i++) task.accept(i);
            return;
        }
        forkJoin(n, task);
    }

    /** True on a team thread inside a parallel region, or on any ForkJoinPool worker (parallel streams included). */
    static boolean inside() {
        return ForkJoinTask.inForkJoinPool() || (TEAM != null && TEAM.insideRegion());
    }

    /** The forkjoin scheduler: tasks 0 … n-1 on the pool; the caller waits. */
    private static void forkJoin(int n, IntConsumer task) {
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
