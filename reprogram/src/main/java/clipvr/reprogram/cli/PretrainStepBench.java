package clipvr.reprogram.cli;

import clipvr.clip.model.Clip;
import clipvr.reprogram.pretrain.DataParallel;
import clipvr.reprogram.pretrain.PretrainConfig;
import clipvr.reprogram.pretrain.PretrainOptimizer;
import clipvr.reprogram.pretrain.Pretrainer;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import clipvr.tensor.kernels.Parallel;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code clipvr bench --what pretrain-step}: the step of {@code clipvr pretrain} ({@link Pretrainer#step}, or
 * {@link DataParallel#step} with {@code --replicas N}: both
 * towers, symmetric contrastive loss, backward; then {@link PretrainOptimizer#step}: AdamW with decay on
 * matrices) on a random small CLIP, with the flags, defaults and inputs of ../shared/bench/torch_pretrain_bench.py:
 * random pixels [B, 3, res, res], captions of exactly --ctx tokens (SOT, random word ids, EOT),
 * lr 5e-4, betas (0.9, 0.98), eps 1e-6, weight decay 0.2, no clipping.
 */
final class PretrainStepBench {
    private PretrainStepBench() {}

    /** torch_pretrain_bench.py's flags (--batch and --reps are the bench command's; --batch defaults to 256 here). */
    static final class Flags {
        @Option(names = "--res", defaultValue = "32", description = "pretrain-step: image side (default ${DEFAULT-VALUE})") int res;
        @Option(names = "--patch", defaultValue = "4", description = "pretrain-step: patch size (default ${DEFAULT-VALUE})") int patch;
        @Option(names = "--vision-width", defaultValue = "128", description = "pretrain-step (default ${DEFAULT-VALUE})") int visionWidth;
        @Option(names = "--vision-layers", defaultValue = "4", description = "pretrain-step (default ${DEFAULT-VALUE})") int visionLayers;
        @Option(names = "--text-width", defaultValue = "128", description = "pretrain-step (default ${DEFAULT-VALUE})") int textWidth;
        @Option(names = "--text-layers", defaultValue = "3", description = "pretrain-step (default ${DEFAULT-VALUE})") int textLayers;
        @Option(names = "--embed", defaultValue = "128", description = "pretrain-step: joint embedding (default ${DEFAULT-VALUE})") int embed;
        @Option(names = "--ctx", defaultValue = "24", description = "pretrain-step: tokens per caption, SOT..EOT (default ${DEFAULT-VALUE})") int ctx;
        @Option(names = "--replicas", defaultValue = "1", description = "pretrain-step: data-parallel shards, one core each (pretrain --replicas; default ${DEFAULT-VALUE})") int replicas;
        @Option(names = "--mask-ratio", defaultValue = "0", description = "pretrain-step: FLIP's patch masking, fraction of patches left out (pretrain --mask-ratio; default ${DEFAULT-VALUE})") double maskRatio;
        @Option(names = "--threads", description = "kernel threads (-Dclipvr.threads; default: all cores)") Integer threads;
    }

    static void run(BenchCommand bench, Flags f) {
        int batch = bench.batch;
        if (f.ctx < 2 || f.ctx > 77) throw new IllegalArgumentException("--ctx must be in [2, 77], got " + f.ctx);
        PretrainConfig pc = new PretrainConfig(List.of("bench"), List.of(), null, f.res, f.patch, f.visionWidth, f.visionLayers,
                f.textWidth, f.textLayers, f.embed, 1, batch, 5e-4, 0, 0.2, 0.9, 0.98, 1e-6, 0.0, 0.0, 1.0, 0.0, 0, 0L);
        Clip model = new Clip(pc.clipConfig(), DType.F32, new SplittableRandom(0));
        PretrainOptimizer optim = new PretrainOptimizer(model, pc, 1_000_000);
        DataParallel parallel = new DataParallel(model, f.replicas);
        SplittableRandom rng = new SplittableRandom(1);
        Tensor pixels = Tensor.randn(DType.F32, rng, batch, 3, f.res, f.res);
        int[][] tokens = new int[batch][77];
        for (int[] row : tokens) {
            row[0] = 49406;
            for (int j = 1; j < f.ctx - 1; j++) row[j] = rng.nextInt(1, 49405);
            row[f.ctx - 1] = 49407;
        }
        System.out.printf(Locale.ROOT, "pretrain-step res=%d patch=%d vision=%dx%d text=%dx%d ctx=%d batch=%d params=%.1fM threads=%d replicas=%d mask=%.2f%n",
                f.res, f.patch, f.visionWidth, f.visionLayers, f.textWidth, f.textLayers, f.ctx, batch,
                model.parameterCount() / 1e6, Parallel.THREADS, f.replicas, f.maskRatio);
        int[][] keep = null;
        if (f.maskRatio > 0) {
            PretrainConfig masked = pc.withMasking(f.maskRatio, 0);
            keep = new int[batch][];
            for (int i = 0; i < batch; i++) keep[i] = Pretrainer.drawPatches(masked.patches(), masked.keptPatches(), rng);
        }
        int[][] kept = keep;
        int[] count = {0};
        double[] s = bench.time(() -> {
            optim.zeroGrad();
            parallel.step(pixels, tokens, kept);
            optim.step(count[0]++);
        });
        bench.report("pretrain step (both towers, contrastive loss, backward, AdamW)", s, batch, 0);
    }
}
