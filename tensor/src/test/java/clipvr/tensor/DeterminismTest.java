package clipvr.tensor;

import clipvr.tensor.kernels.Parallel;
import clipvr.tensor.ops.Convolution;
import clipvr.tensor.ops.Windows;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The same op on the same inputs gives bit-identical results on every run, and the multi-threaded result equals
 * the single-threaded one: {@link Parallel} splits work into chunks that depend only on n and the thread count,
 * and every output element is computed start to finish by one thread (no cross-thread reductions). Sizes are
 * chosen above the parallel threshold (n·cost ≥ 32768) so the pool really is used. The single-threaded run
 * happens on a ForkJoinPool worker, where {@code Parallel.forRange} runs inline. Repeating each op ~100 times
 * also spans JIT warm-up, so the interpreted and compiled SIMD code must give the same bits.
 */
class DeterminismTest {

    /** Exact bit patterns of the values (so −0.0 ≠ +0.0). */
    static long[] bits(Tensor t) {
        return java.util.Arrays.stream(t.toDoubleArray()).mapToLong(Double::doubleToRawLongBits).toArray();
    }

    @Test void sameOpSameInputsIsBitIdenticalAcrossRunsAndThreadCounts() throws Exception {
        assumeTrue(Parallel.THREADS >= 2, "needs at least 2 kernel threads, have " + Parallel.THREADS);
        for (DType dt : DType.values()) {
            var rng = new SplittableRandom(42);
            Tensor x = Tensor.randn(dt, rng, 32, 1024), w = Tensor.randn(dt, rng, 1024, 32), bias = Tensor.randn(dt, rng, 1024);
            Tensor img = Tensor.randn(dt, rng, 2, 3, 32, 32), kern = Tensor.randn(dt, rng, 8, 3, 4, 4);
            Map<String, Supplier<Tensor>> ops = new LinkedHashMap<>();
            ops.put("matmul", () -> x.matmul(w));
            ops.put("matmulT of a transposed view", () -> x.matmulT(w.mT()));
            ops.put("softmax", () -> x.softmax(-1));
            ops.put("logSoftmax over axis 0", () -> x.logSoftmax(0));
            ops.put("layerNorm", () -> x.layerNorm(bias, bias, 1e-5));
            ops.put("sum rows", () -> x.sum(1, false));
            ops.put("sum columns", () -> x.sum(0, true));
            ops.put("var", () -> x.var(new int[]{1}, true, false));
            ops.put("max", () -> x.max(1, false));
            ops.put("gelu", () -> x.gelu());
            ops.put("quickGelu", () -> x.quickGelu());
            ops.put("exp", () -> x.exp());
            ops.put("sigmoid", () -> x.sigmoid());
            ops.put("tanh", () -> x.tanh());
            ops.put("broadcast add", () -> x.add(bias));
            ops.put("transpose copy", () -> x.mT().contiguous());
            ops.put("conv2d", () -> Convolution.conv2d(img, kern, null, new Windows.Geometry(4, 4, 2, 2, 1, 1)).contiguous());
            // SMM's mask network: 3x3, stride 1, pad 1 (direct kernels); the weight gradient reduces vector lanes
            Windows.Geometry same = new Windows.Geometry(3, 3, 1, 1, 1, 1);
            Tensor mk = Tensor.randn(dt, rng, 8, 3, 3, 3), mg = Tensor.randn(dt, rng, 2, 8, 32, 32);
            ops.put("conv2d 3x3 weight gradient", () -> Convolution.conv2dBackwardWeight(mg, img, new int[]{8, 3, 3, 3}, same));
            try (ForkJoinPool single = new ForkJoinPool(1)) {
                for (var op : ops.entrySet()) {
                    long[] first = bits(op.getValue().get());
                    // enough repetitions that the kernels get JIT-compiled in between: the interpreted and
                    // compiled Vector API paths must agree too (reduceLanes(ADD) and lanewise(EXP) did not)
                    int reps = dt == DType.F64 || op.getKey().startsWith("matmul") || op.getKey().equals("conv2d") ? 3 : 100;   // weight gradient: 100
                    for (int rep = 0; rep < reps; rep++)
                        assertArrayEquals(first, bits(op.getValue().get()), op.getKey() + " " + dt + " run " + rep);
                    long[] serial = single.submit(() -> bits(op.getValue().get())).get();
                    assertArrayEquals(first, serial, op.getKey() + " " + dt + ": 1 thread vs " + Parallel.THREADS);
                }
            }
        }
    }
}
