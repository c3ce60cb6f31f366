package clipvr.bench;

import clipvr.autograd.GradMode;
import clipvr.autograd.Var;
import clipvr.autograd.loss.CrossEntropy;
import clipvr.clip.model.Clip;
import clipvr.clip.model.ClipPresets;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import org.openjdk.jmh.annotations.*;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * ViT-B/32 image encoder (random weights, float32, batch 32): inference forward, and one visual
 * reprogramming training step (forward + backward to the pixels, weights frozen).
 * Run: {@code ./clipvr jmh ClipBenchmark}. images/s = 32 / (seconds per op).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx6g"})
public class ClipBenchmark {
    @Param({"32"}) int batch;
    Clip model;
    Tensor pixels, text;
    int[] labels;

    @Setup public void setup() {
        model = new Clip(ClipPresets.of("ViT-B/32"), DType.F32, new SplittableRandom(0));
        model.freeze();
        pixels = Tensor.randn(DType.F32, new SplittableRandom(1), batch, 3, 224, 224);
        text = Tensor.randn(DType.F32, new SplittableRandom(2), 10, 512);
        labels = new int[batch];
        for (int i = 0; i < batch; i++) labels[i] = i % 10;
    }

    @Benchmark public Tensor imageForward() {
        try (var s = GradMode.noGrad()) { return model.encodeImage(Var.constant(pixels)).data(); }
    }

    @Benchmark public Tensor trainStep() {
        Var in = Var.param(pixels);
        CrossEntropy.loss(model.logits(model.encodeImage(in), Var.constant(text)), labels).backward();
        return in.grad();
    }
}
