package clipvr.bench;

import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import clipvr.tensor.ops.Convolution;
import clipvr.tensor.ops.Windows;
import org.openjdk.jmh.annotations.*;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Float32 op throughput at CLIP ViT-B/32 shapes (batch 32: 1600 tokens x 768, MLP 3072, 32x12 heads of
 * 50x50 scores) and the SMM mask network's first conv. Run: {@code ./clipvr jmh OpsBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class OpsBenchmark {
    Tensor tokens, gamma, beta, scores, hidden, image, patchWeight, maskInput, maskWeight, maskBias;

    @Setup public void setup() {
        var r = new SplittableRandom(0);
        tokens = Tensor.randn(DType.F32, r, 1600, 768);                 // [B·T, D]
        gamma = Tensor.randn(DType.F32, r, 768);
        beta = Tensor.randn(DType.F32, r, 768);
        scores = Tensor.randn(DType.F32, r, 32 * 12 * 50, 50);          // attention rows
        hidden = Tensor.randn(DType.F32, r, 1600, 3072);                // MLP hidden
        image = Tensor.randn(DType.F32, r, 32, 3, 224, 224);
        patchWeight = Tensor.randn(DType.F32, r, 768, 3, 32, 32);
        maskInput = Tensor.randn(DType.F32, r, 16, 3, 224, 224);
        maskWeight = Tensor.randn(DType.F32, r, 8, 3, 3, 3);
        maskBias = Tensor.randn(DType.F32, r, 8);
    }

    /** layer_norm over 768 features for 1600 tokens. */
    @Benchmark public Tensor layerNorm() { return tokens.layerNorm(gamma, beta, 1e-5); }

    /** softmax over 18,400 rows of 50 attention scores. */
    @Benchmark public Tensor softmax() { return scores.softmax(-1); }

    /** GELU (erf form) on the [1600, 3072] MLP hidden layer. */
    @Benchmark public Tensor gelu() { return hidden.gelu(); }

    /** QuickGELU (CLIP's activation) on the same tensor. */
    @Benchmark public Tensor quickGelu() { return hidden.quickGelu(); }

    /** ViT-B/32 patch embedding: [32,3,224,224] * [768,3,32,32], stride 32 (im2col + GEMM). */
    @Benchmark public Tensor conv2dPatchEmbed() {
        return Convolution.conv2d(image, patchWeight, null, new Windows.Geometry(32, 32, 32, 32, 0, 0));
    }

    /** SMM mask network's first layer: [16,3,224,224] * [8,3,3,3], stride 1, padding 1. */
    @Benchmark public Tensor conv2dMask3x3() {
        return Convolution.conv2d(maskInput, maskWeight, maskBias, Windows.Geometry.square(3, 1, 1));
    }
}
