package clipvr.bench;

import clipvr.autograd.Var;
import clipvr.autograd.ops.Attention;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import org.openjdk.jmh.annotations.*;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Attention forward + backward at the clipvr-mini pretraining step's vision shapes: 256 images × 2 heads × 65 tokens ×
 * head width 64, heads as strided views of one projection (as MultiheadAttention makes them). Compare the fused CPU
 * kernel with its composition in one sitting: {@code ./clipvr jmh AttentionBenchmark} and
 * {@code ./clipvr jmh AttentionBenchmark -jvmArgsAppend -Dclipvr.attention=composition}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class AttentionBenchmark {
    Tensor q, k, v, g;

    @Setup public void setup() {
        var rng = new SplittableRandom(1);
        int b = 256, h = 2, t = 65, d = 64;
        q = Tensor.randn(DType.F32, rng, b * t, h * d).reshape(b, t, h, d).permute(0, 2, 1, 3);   // [B, H, T, d] views
        k = Tensor.randn(DType.F32, rng, b * t, h * d).reshape(b, t, h, d).permute(0, 2, 1, 3);
        v = Tensor.randn(DType.F32, rng, b * t, h * d).reshape(b, t, h, d).permute(0, 2, 1, 3);
        g = Tensor.randn(DType.F32, rng, b, h, t, d);
    }

    /** softmax(q·kᵀ/8)·v and its backward to q, k and v. */
    @Benchmark public Tensor forwardBackward() {
        Var vq = Var.param(q), vk = Var.param(k), vv = Var.param(v);
        Attention.attention(vq, vk, vv, null, 0.125).backward(g);
        return vq.grad();
    }
}
