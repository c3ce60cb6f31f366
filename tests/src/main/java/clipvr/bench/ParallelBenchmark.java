package clipvr.bench;

import clipvr.tensor.kernels.Parallel;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * The cost of one parallel region of {@link Parallel#forRange}: {@code work} nanoseconds of busy work split over
 * the kernel threads, back to back (as the ops of a transformer forward). At work 0 this is the pure hand-off
 * cost; the ideal time is {@code work / THREADS}. Compare the schedulers in one sitting:
 * {@code ./clipvr jmh ParallelBenchmark} and {@code ./clipvr jmh ParallelBenchmark -jvmArgsAppend -Dclipvr.parallel=forkjoin}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ParallelBenchmark {
    /** Total busy work of one region, in nanoseconds. */
    @Param({"0", "20000", "200000"}) public long work;

    final long[] sink = new long[64];

    @Benchmark public long[] region() {
        int n = Parallel.THREADS;
        long perChunk = work / n;
        Parallel.forRange(n, 1L << 20, (from, to) -> {
            long until = System.nanoTime() + perChunk * (to - from), spins = 0;
            while (System.nanoTime() < until) spins++;
            sink[from * 8] += spins;                        // one cache line per chunk
        });
        return sink;
    }
}
