package clipvr.reprogram.cli;

import clipvr.clip.io.StorageDType;
import clipvr.clip.model.Clip;
import clipvr.clip.model.ClipModels;
import clipvr.clip.model.ClipPresets;
import clipvr.tensor.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/** {@code clipvr init --arch ViT-B/32 --seed S --out FILE}: a randomly initialised checkpoint (tests, benchmarks). */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Write a randomly initialised CLIP checkpoint (safetensors, OpenAI names). Random weights: not for accuracy.")
public final class InitCommand implements Callable<Integer> {
    @Option(names = "--arch", required = true, description = "ViT-B/32, ViT-B/16, ViT-L/14, ViT-L/14@336px or tiny")
    String arch;
    @Option(names = "--seed", defaultValue = "0", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--dtype", defaultValue = "F32", description = "storage dtype: F32, F16 or BF16 (default ${DEFAULT-VALUE})")
    StorageDType dtype;
    @Option(names = "--out", required = true, description = "output .safetensors file")
    Path out;

    @Override public Integer call() {
        if (dtype != StorageDType.F32 && dtype != StorageDType.F16 && dtype != StorageDType.BF16)
            throw new IllegalArgumentException("--dtype must be F32, F16 or BF16, got " + dtype);
        Clip model = new Clip(ClipPresets.of(arch), DType.F32, new SplittableRandom(seed));
        ClipModels.save(model, out, dtype, Map.of("clipvr.arch", arch, "clipvr.seed", Long.toString(seed),
                "clipvr.note", "random initialisation: not a trained model"));
        System.err.printf("wrote %s: %s, %,d parameters, seed %d%n", out, arch, model.parameterCount(), seed);
        return 0;
    }
}
