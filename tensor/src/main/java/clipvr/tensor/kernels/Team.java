package clipvr.tensor.kernels;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The {@code team} scheduler of {@link Parallel}: a caller and {@code size} resident workers run the tasks of one
 * parallel region together, like an OpenMP team.
 *
 * <p>Why: a transformer forward is hundreds of ops of 0.1–2 ms each. A fork/join pool costs two wake-ups per op
 * (the pool worker that takes the submission, then the one that steals the second half) while the caller sits
 * parked. Here the caller runs tasks itself, and idle workers spin for {@code -Dclipvr.spinMicros} (default 100)
 * before they park, so back-to-back ops find them awake.
 *
 * <p>Tasks are claimed from a counter, so which thread runs which task depends on timing; results do not, because
 * each task writes its own output (see {@link Parallel}). One region at a time: a second caller that finds the team
 * busy is told so ({@link #run} returns false) and runs its tasks inline.
 */
final class Team {
    private static final long SPIN_NANOS = Long.getLong("clipvr.spinMicros", 100) * 1_000;

    /** One parallel region: tasks 0 … n-1 of {@code task}. */
    private static final class Region {
        final long id;
        final IntConsumer task;
        final int n;
        final AtomicInteger next = new AtomicInteger();      // the next unclaimed task
        final AtomicInteger pending;                          // tasks not yet finished
        volatile Thread waiter;                               // the caller, once it parks
        volatile Throwable failure;                           // the first exception of a task

        Region(long id, IntConsumer task, int n) { this.id = id; this.task = task; this.n = n; this.pending = new AtomicInteger(n); }

        /** Claims and runs tasks until none is left. */
        void work() {
            for (int i; (i = next.getAndIncrement()) < n; ) {
                try {
                    task.accept(i);
                } catch (Throwable t) {
                    if (failure == null) failure = t;
                }
                if (pending.decrementAndGet() == 0) {
                    Thread w = waiter;
                    if (w != null) LockSupport.unpark(w);
                }
            }
        }
    }

    private final class Worker extends Thread {
        volatile boolean parked;

        Worker(int id) {
            super("clipvr-kernels-" + id);
            setDaemon(true);
        }

        @Override public void run() {
            long seen = 0;
            while (true) {
                Region r = current;
                long spinUntil = System.nanoTime() + SPIN_NANOS;
                for (int spins = 0; r == null || r.id == seen; r = current) {
                    if (++spins % 64 != 0 || System.nanoTime() < spinUntil) { Thread.onSpinWait(); continue; }
                    parked = true;                                // then re-check: a caller that published
                    Region now = current;                         // before it saw `parked` is seen here
                    if (now == null || now.id == seen) LockSupport.park(this);
                    parked = false;
                }
                seen = r.id;
                r.work();
                r = null;                                         // keep nothing of a finished region alive
            }
        }
    }

    private final Worker[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile Region current;                          // the region under way; null between regions
    private long regions;                                     // regions run so far (guarded by busy)
    private volatile Thread owner;                            // the caller of the region under way

    Team(int size) {
        workers = new Worker[size];
        for (int i = 0; i < size; i++) (workers[i] = new Worker(i + 1)).start();
    }

    /** True on a worker, and on the caller while its region runs: kernels called there run inline. */
    boolean insideRegion() {
        Thread t = Thread.currentThread();
        return t instanceof Worker || t == owner;
    }

    /**
     * Runs {@code task(0)} … {@code task(n-1)} on the caller and the workers, returns when all have ended, and
     * rethrows the first exception of a task. Returns false, running nothing, when another caller holds the team.
     */
    boolean run(int n, IntConsumer task) {
        if (!busy.compareAndSet(false, true)) return false;
        Thread me = Thread.currentThread();
        owner = me;
        try {
            Region r = new Region(++regions, task, n);
            current = r;                                         // publish, then wake the parked
            for (Worker w : workers) if (w.parked) LockSupport.unpark(w);
            r.work();
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            for (int spins = 0; r.pending.get() > 0; ) {
                if (++spins % 64 != 0 || System.nanoTime() < spinUntil) { Thread.onSpinWait(); continue; }
                r.waiter = me;                                   // then re-check, as in Worker.run
                if (r.pending.get() > 0) LockSupport.park(this);
            }
            Throwable t = r.failure;
            if (t instanceof RuntimeException e) throw e;
            if (t instanceof Error e) throw e;
            if (t != null) throw new RuntimeException(t);
            return true;
        } finally {
            current = null;                                      // its task may hold large arrays
            owner = null;
            busy.set(false);
        }
    }
}
