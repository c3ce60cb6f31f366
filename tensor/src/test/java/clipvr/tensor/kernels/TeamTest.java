package clipvr.tensor.kernels;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The team scheduler behind {@link Parallel}: every task runs exactly once per region, over many back-to-back
 * regions (the workers' spin-then-park hand-over); a task's exception reaches the caller and leaves the team
 * usable; kernels called inside a region run inline; a second caller is turned away while the team is busy.
 */
class TeamTest {

    @Test void everyTaskRunsExactlyOnceOverManyRegions() {
        Team team = new Team(3);
        int regions = 20_000;
        for (int r = 0; r < regions; r++) {
            int n = 1 + r % 9;                                      // fewer, as many and more tasks than threads
            AtomicIntegerArray runs = new AtomicIntegerArray(n);
            assertTrue(team.run(n, runs::incrementAndGet));
            for (int i = 0; i < n; i++) assertEquals(1, runs.get(i), "region " + r + " task " + i + " of " + n);
        }
    }

    @Test void parkedWorkersWakeUpForTheNextRegion() throws Exception {
        Team team = new Team(2);
        AtomicIntegerArray runs = new AtomicIntegerArray(3);
        for (int r = 0; r < 3; r++) {
            Thread.sleep(5);                                        // well past the spin: the workers have parked
            assertTrue(team.run(3, i -> { runs.incrementAndGet(i); busyWait(200_000); }));
        }
        for (int i = 0; i < 3; i++) assertEquals(3, runs.get(i));
    }

    @Test void aTasksExceptionReachesTheCallerAndTheTeamStaysUsable() {
        Team team = new Team(2);
        AtomicInteger finished = new AtomicInteger();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> team.run(4, i -> {
            if (i == 2) throw new IllegalStateException("task 2 failed");
            finished.incrementAndGet();
        }));
        assertEquals("task 2 failed", e.getMessage());
        assertEquals(3, finished.get(), "the other tasks still ran to the end");
        AtomicInteger again = new AtomicInteger();
        assertTrue(team.run(4, i -> again.incrementAndGet()));
        assertEquals(4, again.get());
    }

    @Test void insideARegionTheCallerAndTheWorkersAreInside() {
        Team team = new Team(2);
        assertFalse(team.insideRegion());
        AtomicIntegerArray inside = new AtomicIntegerArray(6);
        assertTrue(team.run(6, i -> { if (team.insideRegion()) inside.incrementAndGet(i); busyWait(100_000); }));
        for (int i = 0; i < 6; i++) assertEquals(1, inside.get(i), "task " + i);
        assertFalse(team.insideRegion(), "the caller is outside again after the region");
    }

    @Test void aSecondCallerIsTurnedAwayWhileTheTeamIsBusy() throws Exception {
        Team team = new Team(1);
        CountDownLatch started = new CountDownLatch(1), release = new CountDownLatch(1);
        Thread first = Thread.ofPlatform().start(() -> team.run(1, i -> {
            started.countDown();
            try { release.await(); } catch (InterruptedException e) { throw new RuntimeException(e); }
        }));
        started.await();
        AtomicBoolean ran = new AtomicBoolean();
        assertFalse(team.run(1, i -> ran.set(true)), "busy team");
        assertFalse(ran.get(), "nothing ran");
        release.countDown();
        first.join();
        assertTrue(team.run(1, i -> ran.set(true)));
        assertTrue(ran.get());
    }

    @Test void forRangeSplitsIntoTheSameChunksWhateverTheScheduler() {
        int n = 1000;
        int[] owner = new int[n];
        AtomicInteger calls = new AtomicInteger();
        Parallel.forRange(n, 1_000, (from, to) -> {
            calls.incrementAndGet();
            for (int i = from; i < to; i++) owner[i] = from;
        });
        int chunks = Math.min(Parallel.THREADS, n);
        assertEquals(chunks, calls.get());
        for (int c = 0; c < chunks; c++) {
            int from = (int) ((long) n * c / chunks), to = (int) ((long) n * (c + 1) / chunks);
            for (int i = from; i < to; i++) assertEquals(from, owner[i], "index " + i);
        }
    }

    private static void busyWait(long nanos) {
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() < until) Thread.onSpinWait();
    }
}
