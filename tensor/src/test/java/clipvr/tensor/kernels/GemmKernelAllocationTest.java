package clipvr.tensor.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The GEMM micro-kernel, once the JIT has compiled it, allocates nothing: its 24 accumulators stay in vector registers.
 *
 * <p>No correctness test can see the failure this guards against. When C2 stops inlining inside a large Vector API
 * method (its node-count cutoff, or a call site it judges cold), the vectors that reach a call it did not inline are
 * boxed on the heap, and the kernel still computes the right numbers, several times more slowly and with garbage to
 * collect. That happened to {@link GemmKernel}: with both write-backs of C (beta == 0 and beta != 0) in one method and
 * helper calls per store, a pretraining step allocated about 0.9 GB/s inside the kernel (JFR). The workload here is
 * the same mix: mostly beta == 0, now and then beta == 1, as when a k loop or a gradient accumulates into C, and one
 * product in four with a transposed A (a weight gradient dW = dYᵀ·X), whose packing uses masked vector copies.
 */
class GemmKernelAllocationTest {
    /** Bytes per product allowed once compiled (the boxing kernel allocated 56 kB). */
    static final long BUDGET = 256;

    @Test
    void compiledMicroKernelAllocatesNothing() {
        var threads = ManagementFactory.getThreadMXBean();
        assumeTrue(threads instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter on this JVM");
        var mx = (com.sun.management.ThreadMXBean) threads;
        assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled(), "allocation counter off");

        // whole micro-tiles only (MR x NR as this machine's blocking uses them), so every tile goes through the full kernels
        int M = 16 * GemmKernel.MR, N = 2 * GemmKernel.NR, K = 64;
        Random r = new Random(7);
        float[] a = new float[M * K], b = new float[K * N], c = new float[M * N];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();

        long perCall = Long.MAX_VALUE;
        long deadline = System.nanoTime() + 120_000_000_000L;   // C2 compiles within seconds; the rest is slack for CI
        int rounds = 0;
        while (perCall > BUDGET && System.nanoTime() < deadline) {
            for (int i = 0; i < 200; i++) call(i, M, N, K, a, b, c);      // warm-up (and recompilation, if any)
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 64; i++) call(i, M, N, K, a, b, c);
            perCall = (mx.getCurrentThreadAllocatedBytes() - before) / 64;
            rounds++;
        }
        assertTrue(perCall <= BUDGET, "the compiled GEMM micro-kernel still allocates " + perCall + " bytes per " + M + "x" + N
                + "x" + K + " product after " + rounds + " rounds of warm-up: vectors are being boxed (check C2's inlining of"
                + " GemmKernel.tileStore / tileUpdate with -XX:+UnlockDiagnosticVMOptions -XX:+PrintInlining)");
    }

    /**
     * One single-threaded product; one call in 16 accumulates into C (beta = 1), the others overwrite it; one in 4 reads
     * A as transposed (the same M·K floats taken as a K x M matrix).
     */
    private static void call(int i, int M, int N, int K, float[] a, float[] b, float[] c) {
        float beta = i % 16 == 0 ? 1f : 0f;
        boolean transA = i % 4 == 1;
        if (beta == 1f) java.util.Arrays.fill(c, 0f);   // keep C bounded
        GemmSimd.serial(transA, false, M, N, K, 1f, a, 0, transA ? M : K, b, 0, N, beta, c, 0, N);
    }
}
