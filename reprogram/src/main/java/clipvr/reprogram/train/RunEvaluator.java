package clipvr.reprogram.train;

import clipvr.clip.io.Checkpoint;
import clipvr.clip.io.SafetensorsReader;
import clipvr.clip.model.Clip;
import clipvr.clip.model.ClipModels;
import clipvr.clip.zeroshot.Accuracy;
import clipvr.reprogram.data.Dataset;
import clipvr.reprogram.data.Datasets;
import clipvr.tensor.DType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a finished (or stopped) run: its config, its cached text features and its checkpoint (or the best
 * epoch's state), on any split of a dataset with the run's classes.
 */
public final class RunEvaluator {
    private RunEvaluator() {}

    /** What was evaluated and the accuracy. */
    public record Result(TrainConfig config, String checkpoint, int epoch, String split, List<String> classNames, Accuracy accuracy) {
        public Map<String, Object> summary() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", config.method());
            m.put("checkpoint", checkpoint);
            m.put("epoch", epoch);
            m.put("split", split);
            m.putAll(accuracy.summary(classNames));
            return m;
        }
    }

    /**
     * A run loaded for inference: the config, the method with its trained state (eval mode), the class names in label
     * order, the epoch of the checkpoint, and the method's evaluation preprocessing.
     */
    public record LoadedRun(TrainConfig config, Reprogrammer model, List<String> classNames, String checkpoint, int epoch,
                            Preprocessing preprocessing) {}

    /**
     * Loads a run directory's config, cached text features and checkpoint onto its CLIP weights.
     *
     * @param runDir  the run directory
     * @param which   {@code last} (checkpoint.safetensors) or {@code best} (best.safetensors)
     * @param weights the CLIP weights (null: the run's path; the SHA-256 must match config.json)
     */
    public static LoadedRun load(Path runDir, String which, Path weights) {
        Path cfgFile = runDir.resolve(RunFiles.CONFIG);
        if (!Files.isRegularFile(cfgFile)) throw new IllegalArgumentException("--run " + runDir + ": no " + RunFiles.CONFIG + " (not a run directory)");
        TrainConfig config = RunFiles.readJson(cfgFile, TrainConfig.class);
        Path w = weights != null ? weights : Path.of(config.weights());
        if (!Files.exists(w)) throw new IllegalArgumentException("--weights: the run's weights " + w + " are missing; pass --weights PATH");
        String sha = RunFiles.sha256(w);
        if (!sha.equals(config.weightsSha256()))
            throw new IllegalArgumentException("--weights " + w + ": SHA-256 " + sha + " differs from the run's " + config.weightsSha256());
        String file = switch (which) {
            case "last" -> RunFiles.CHECKPOINT;
            case "best" -> RunFiles.BEST;
            default -> throw new IllegalArgumentException("--checkpoint must be last or best, got " + which);
        };
        Path ckFile = runDir.resolve(file);
        if (!Files.isRegularFile(ckFile)) throw new IllegalArgumentException("--run " + runDir + ": no " + file + " yet");
        TextFeatures text = TextFeatures.load(runDir.resolve(RunFiles.TEXT_FEATURES), config);
        if (text == null) throw new IllegalArgumentException("--run " + runDir + ": " + RunFiles.TEXT_FEATURES + " is missing or was made for other settings");
        Path info = runDir.resolve(RunFiles.CHECKPOINT_JSON);
        if (!Files.isRegularFile(info)) throw new IllegalArgumentException("--run " + runDir + ": no " + RunFiles.CHECKPOINT_JSON + " (class names)");
        @SuppressWarnings("unchecked")
        List<String> classes = (List<String>) RunFiles.readJson(info, Map.class).get("class_names");
        if (classes == null) throw new IllegalArgumentException("--run " + runDir + ": " + RunFiles.CHECKPOINT_JSON + " has no class_names");
        Clip clip = ClipModels.load(w, DType.F32);
        Reprogrammer model = Reprogrammer.build(config, new ClipImageEncoder(clip), text, classes.size()).to(clipvr.tensor.Device.fromProperty());
        Checkpoint ck = SafetensorsReader.read(ckFile);
        model.load(RunFiles.tensors(ck.tensors()));
        model.train(false);
        int epoch = Integer.parseInt(ck.metadata().getOrDefault("epoch", "-1"));
        Preprocessing prep = Preprocessing.forMethod(config.methodEnum(), config.resolution(), config.inputSize());
        return new LoadedRun(config, model, List.copyOf(classes), file, epoch, prep);
    }

    /**
     * @param runDir     the run directory
     * @param data       dataset spec (null: the run's)
     * @param split      {@code train} or {@code test}
     * @param limit      class-balanced subset size, or null
     * @param which      {@code last} (checkpoint.safetensors) or {@code best} (best.safetensors)
     * @param weights    the CLIP weights (null: the run's path; the SHA-256 must match config.json)
     * @param progress   show a progress bar
     */
    public static Result evaluate(Path runDir, String data, String split, Integer limit, String which, Path weights, boolean progress) {
        LoadedRun run = load(runDir, which, weights);
        TrainConfig config = run.config();
        Dataset ds = Datasets.open(data != null ? data : config.data(), split);
        if (!run.classNames().equals(ds.classNames()))
            throw new IllegalArgumentException("--data: the dataset's " + ds.numClasses() + " classes differ from the run's " + run.classNames().size()
                    + " (" + run.classNames().subList(0, Math.min(5, run.classNames().size())) + " ...)");
        int[] idx = Trainer.balancedOrder(ds, limit);
        Accuracy acc = Trainer.evaluate(run.model(), new TensorCache(ds, idx, run.preprocessing(), config.batch()), ds.numClasses(), progress ? "evaluate" : null);
        return new Result(config, run.checkpoint(), run.epoch(), split, ds.classNames(), acc);
    }
}
