package clipvr.reprogram.cli;

import clipvr.clip.io.StorageDType;
import clipvr.reprogram.pretrain.PretrainConfig;
import clipvr.reprogram.pretrain.Pretrainer;
import clipvr.reprogram.train.RunFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code clipvr pretrain --out RUNDIR [...]}: contrastive image-text pretraining of a CLIP from scratch. The defaults
 * are clipvr-mini's recipe (weights/clipvr-mini.md); unset options of a {@code --resume} come from the run's config.json.
 */
@Command(name = "pretrain", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Pretrains a CLIP from scratch (every weight trainable) on image-caption pairs made from labelled datasets:",
                "each image gets a caption drawn afresh every epoch from its dataset's templates or its class descriptions.",
                "Symmetric contrastive loss, AdamW (weight decay on matrices only), warm-up + cosine, per-epoch atomic checkpoints,",
                "--resume bit-identical (docs/pretraining.md). Writes RUNDIR/model.safetensors (OpenAI names), read by every command."})
public final class PretrainCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "run directory") Path out;
    @Option(names = "--resume", description = "continue the run in --out after its last completed epoch") boolean resume;
    @Option(names = "--export", description = "also write the final model to this .safetensors file") Path export;
    @Option(names = "--export-dtype", defaultValue = "F16", description = "precision of --export: F32, F16 or BF16 (default ${DEFAULT-VALUE})") StorageDType exportDtype;
    @Option(names = "--vocab", description = "tokenizer vocabulary (default: ../shared/clip or the bundled one)") Path vocab;
    @Option(names = "--data", split = ",", description = "training datasets, their train splits (default cifar10,gtsrb)") List<String> data;
    @Option(names = "--no-flip", split = ",", description = "datasets never flipped horizontally (default gtsrb: a flipped 'turn left' sign is 'turn right')") List<String> noFlip;
    @Option(names = "--limit", description = "at most N class-balanced training images per dataset (default: all)") Integer limit;
    @Option(names = "--resolution", description = "input size in pixels (default 32)") Integer resolution;
    @Option(names = "--patch", description = "patch size (default 4)") Integer patch;
    @Option(names = "--vision-width", description = "image-tower width, a multiple of 64 (default 128)") Integer visionWidth;
    @Option(names = "--vision-layers", description = "image-tower depth (default 4)") Integer visionLayers;
    @Option(names = "--text-width", description = "text-tower width, a multiple of 64 (default 128)") Integer textWidth;
    @Option(names = "--text-layers", description = "text-tower depth (default 3)") Integer textLayers;
    @Option(names = "--embed", description = "joint embedding size (default 128)") Integer embed;
    @Option(names = "--epochs", description = "epochs (default 10)") Integer epochs;
    @Option(names = "--batch", description = "pairs per step (default 256)") Integer batch;
    @Option(names = "--lr", description = "peak learning rate (default 5e-4)") Double lr;
    @Option(names = "--warmup", description = "linear warm-up steps (default 200)") Integer warmup;
    @Option(names = "--weight-decay", description = "AdamW weight decay on matrices (default 0.2)") Double weightDecay;
    @Option(names = "--beta1", description = "AdamW beta1 (default 0.9)") Double beta1;
    @Option(names = "--beta2", description = "AdamW beta2 (default 0.98)") Double beta2;
    @Option(names = "--eps", description = "AdamW epsilon (default 1e-6)") Double eps;
    @Option(names = "--grad-clip", description = "clip the global gradient norm (default 1.0; 0: off)") Double gradClip;
    @Option(names = "--description-prob", description = "probability that a caption is a class description instead of a template (default 0.3)") Double descriptionProb;
    @Option(names = "--crop-scale", description = "RandomResizedCrop's minimum area fraction (default 0.6)") Double cropScale;
    @Option(names = "--jitter", description = "colour jitter strength (default 0.1; 0: off)") Double jitter;
    @Option(names = "--eval-limit", description = "zero-shot check after every epoch on N test images per dataset (default 1000; 0: off)") Integer evalLimit;
    @Option(names = "--seed", description = "seed of every random stream (default 0)") Long seed;
    @Option(names = "--mask-ratio", description = "FLIP's patch masking: fraction of each training image's patches left out of the image tower (default 0: off; 0.5 about halves the image tower's cost)") Double maskRatio;
    @Option(names = "--unmasked-epochs", description = "with --mask-ratio: the last N epochs train on whole images (default 0)") Integer unmaskedEpochs;
    @Option(names = "--replicas", description = "data-parallel shards per batch, one CPU core each (default 1; try the number of cores: faster for small models; changes rounding, so a run's bits depend on it)") Integer replicas;
    @Option(names = "--quiet", description = "no progress bar and no per-epoch lines") boolean quiet;

    @picocli.CommandLine.Mixin DeviceOption deviceOption = new DeviceOption();

    /** clipvr-mini's recipe. */
    static PretrainConfig defaults() {
        return new PretrainConfig(List.of("cifar10", "gtsrb"), List.of("gtsrb"), null, 32, 4, 128, 4, 128, 3, 128,
                10, 256, 5e-4, 200, 0.2, 0.9, 0.98, 1e-6, 1.0, 0.3, 0.6, 0.1, 1000, 0L);
    }

    @Override public Integer call() {
        clipvr.tensor.Device device = deviceOption.resolve();       // not part of config.json: a run may resume elsewhere
        Path cfgFile = out.resolve(Pretrainer.CONFIG);
        PretrainConfig base = resume && Files.exists(cfgFile) ? RunFiles.readJson(cfgFile, PretrainConfig.class) : defaults();
        PretrainConfig c = new PretrainConfig(or(data, base.data()), or(noFlip, base.noFlip()), limit != null ? limit : base.limit(),
                or(resolution, base.resolution()), or(patch, base.patch()), or(visionWidth, base.visionWidth()), or(visionLayers, base.visionLayers()),
                or(textWidth, base.textWidth()), or(textLayers, base.textLayers()), or(embed, base.embed()),
                or(epochs, base.epochs()), or(batch, base.batch()), or(lr, base.lr()), or(warmup, base.warmup()),
                or(weightDecay, base.weightDecay()), or(beta1, base.beta1()), or(beta2, base.beta2()), or(eps, base.eps()),
                or(gradClip, base.gradClip()), or(descriptionProb, base.descriptionProb()), or(cropScale, base.cropScale()),
                or(jitter, base.jitter()), or(evalLimit, base.evalLimit()), or(seed, base.seed()),
                or(replicas, base.replicas()), or(maskRatio, base.maskRatio()), or(unmaskedEpochs, base.unmaskedEpochs()));
        if (exportDtype != StorageDType.F32 && exportDtype != StorageDType.F16 && exportDtype != StorageDType.BF16)
            throw new IllegalArgumentException("--export-dtype must be F32, F16 or BF16, got " + exportDtype);
        Path v = Paths2.vocab(vocab, null);
        var o = new Pretrainer.Options(resume, !quiet, quiet ? null : System.err, export, exportDtype).withDevice(device);
        var r = Pretrainer.run(c, v, out, o);
        System.err.printf("pretraining %s: %d/%d epochs, %.0f s; model: %s%n", r.status, r.epochsCompleted, c.epochs(), r.wallSeconds,
                out.resolve(Pretrainer.MODEL));
        return 0;
    }

    private static <T> T or(T given, T stored) { return given != null ? given : stored; }
}
