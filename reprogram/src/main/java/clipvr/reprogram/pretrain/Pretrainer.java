package clipvr.reprogram.pretrain;

import clipvr.autograd.GradMode;
import clipvr.autograd.Var;
import clipvr.clip.io.SafetensorsWriter;
import clipvr.clip.io.StorageDType;
import clipvr.clip.model.Clip;
import clipvr.clip.model.ClipModels;
import clipvr.clip.text.ClipTokenizer;
import clipvr.clip.zeroshot.ZeroShotClassifier;
import clipvr.reprogram.train.RunFiles;
import clipvr.reprogram.train.Seeds;
import clipvr.reprogram.train.TrainingDivergedException;
import clipvr.tensor.Backends;
import clipvr.tensor.DType;
import clipvr.tensor.Device;
import clipvr.tensor.Tensor;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * {@code clipvr pretrain}: contrastive image-text pretraining of a CLIP from scratch, every weight trainable
 * (docs/pretraining.md). Reads like nanoGPT's train.py:
 * <pre>
 *   model  = Clip(config, init from (seed, "init"))
 *   for epoch e, for step s over the shuffled images (seed, "shuffle", e), full batches only:
 *       images   ← Augmentation(image i; generator (seed, "augment", e, i))            [B, 3, R, R]
 *       captions ← Captions.draw(class of i; generator (seed, "caption", e, i))       [B][77]
 *       loss     ← ContrastiveLoss(exp(t) · norm(I)·norm(T)ᵀ)                         [B, B] → scalar
 *                  (with --replicas N: the batch in N shards, one core each, DataParallel)
 *       backward; AdamW (decay on matrices only), warm-up + cosine, clip, clamp t
 *   after every epoch: zero-shot check, atomic checkpoint + model + results.json
 * </pre>
 * Every random draw comes from a stream derived from (seed, purpose, coordinates), so a run — and a resumed run —
 * gives the same bits whatever the thread count.
 */
public final class Pretrainer {
    public static final String CONFIG = "config.json", RESULTS = "results.json", CHECKPOINT = "checkpoint.safetensors",
            MODEL = "model.safetensors";

    /**
     * @param export      also write the final model here (null: only RUNDIR/model.safetensors)
     * @param exportDtype storage precision of the export (F16 for the shipped clipvr-mini)
     * @param device      where the model, the loss and the optimiser run (the CPU by default); augmentation stays on
     *                    the host and each step uploads its images, and checkpoints download the weights
     */
    public record Options(boolean resume, boolean progress, PrintStream log, Path export, StorageDType exportDtype, Hooks hooks,
                          Device device) {
        public Options {
            if (device == null) device = Device.CPU;
        }
        public Options(boolean resume, boolean progress, PrintStream log, Path export, StorageDType exportDtype, Hooks hooks) {
            this(resume, progress, log, export, exportDtype, hooks, Device.CPU);
        }
        public Options(boolean resume, boolean progress, PrintStream log, Path export, StorageDType exportDtype) {
            this(resume, progress, log, export, exportDtype, null);
        }
        public static Options quiet() { return new Options(false, false, null, null, StorageDType.F32, null); }
        public Options withResume(boolean r) { return new Options(r, progress, log, export, exportDtype, hooks, device); }
        public Options withHooks(Hooks h) { return new Options(resume, progress, log, export, exportDtype, h, device); }
        public Options withDevice(Device d) { return new Options(resume, progress, log, export, exportDtype, hooks, d); }
    }

    /** Test hooks. */
    public interface Hooks {
        /** After epoch {@code epoch}'s checkpoint was written. Throwing here simulates a kill between epochs. */
        default void afterCheckpoint(int epoch) {}
    }

    private final PretrainConfig config;
    private final Path runDir;
    private final Options options;
    private final ClipTokenizer tok;
    private final ImageCorpus train;
    private final ImageCorpus test;
    private final Captions captions;
    private final Augmentation augmentation;
    private final boolean[] mayFlip;
    private final Clip model;
    private final PretrainOptimizer optim;
    private final DataParallel parallel;
    private final int stepsPerEpoch;
    private PretrainResults results;

    Pretrainer(PretrainConfig config, Path runDir, Options options, ClipTokenizer tok) {
        this.config = config;
        this.runDir = runDir;
        this.options = options;
        this.tok = tok;
        log("loading %s (train split%s) at %d px ...", config.data(), config.limit() == null ? "" : ", " + config.limit() + " per dataset", config.resolution());
        this.train = ImageCorpus.load(config.data(), "train", config.limit(), config.resolution());
        this.test = config.evalLimit() > 0 ? ImageCorpus.load(config.data(), "test", config.evalLimit(), config.resolution()) : null;
        this.captions = new Captions(train, tok);
        this.augmentation = new Augmentation(config.resolution(), config.cropScale(), config.jitter());
        this.mayFlip = new boolean[config.data().size()];
        for (int d = 0; d < mayFlip.length; d++) mayFlip[d] = !config.noFlip().contains(config.data().get(d));
        this.stepsPerEpoch = train.size() / config.batch();
        if (stepsPerEpoch == 0)
            throw new IllegalArgumentException("--batch " + config.batch() + " is larger than the " + train.size() + " training images");
        this.model = new Clip(config.clipConfig(), DType.F32, new SplittableRandom(Seeds.derive(config.seed(), "init")));
        model.to(options.device());                          // initialised on the host (same bits everywhere), then moved
        this.optim = new PretrainOptimizer(model, config, stepsPerEpoch * config.epochs());
        this.parallel = new DataParallel(model, config.replicas());          // --replicas 1: step(model, ...) itself
    }

    /** Runs (or, with {@link Options#resume()}, continues) the pretraining run in {@code runDir}. */
    public static PretrainResults run(PretrainConfig config, Path vocab, Path runDir, Options options) {
        // one writer per run directory (see Trainer.run)
        try (clipvr.clip.io.RunLock lock = clipvr.clip.io.RunLock.acquire(runDir, "pretrain")) {
            clipvr.clip.io.AtomicFiles.removeStaleTemporaries(runDir); // left by a writer killed mid-write
            return runLocked(config, vocab, runDir, options);
        }
    }

    private static PretrainResults runLocked(PretrainConfig config, Path vocab, Path runDir, Options options) {
        Path cfgFile = runDir.resolve(CONFIG);
        if (Files.exists(cfgFile) && !options.resume())
            throw new IllegalArgumentException("--out " + runDir + " already holds a pretraining run; pass --resume to continue it, or choose another --out");
        if (options.resume() && Files.exists(cfgFile)) {
            PretrainConfig stored = RunFiles.readJson(cfgFile, PretrainConfig.class);
            if (!stored.equals(config))
                throw new IllegalArgumentException("--resume: settings differ from the run's config.json (" + cfgFile + "): run " + stored + " vs given " + config);
        }
        try {
            Files.createDirectories(runDir);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("--out " + runDir + ": cannot create the directory: " + e.getMessage(), e);
        }
        RunFiles.writeJson(cfgFile, config);
        Pretrainer p = new Pretrainer(config, runDir, options, clipvr.reprogram.train.Trainer.loadTokenizer(vocab));
        return p.loop();
    }

    // ------------------------------------------------------------------ the loop

    private PretrainResults loop() {
        Path ck = runDir.resolve(CHECKPOINT);
        if (options.resume() && Files.exists(ck)) {
            results = readCheckpoint(ck);
            log("resuming %s after epoch %d of %d", runDir, results.epochsCompleted, config.epochs());
        } else {
            results = new PretrainResults();
            results.config = config;
            results.parameters = model.parameterCount();
            results.trainImages = train.size();
            results.stepsPerEpoch = stepsPerEpoch;
        }
        results.machine = machine(options.device());
        log("%s; %s, %,d parameters; %,d images, %d steps of %d per epoch", backend(options.device()), config.clipConfig().describe(),
                model.parameterCount(), train.size(), stepsPerEpoch, config.batch());
        long t0 = System.nanoTime();
        double wallBefore = results.wallSeconds;
        for (int epoch = results.epochsCompleted; epoch < config.epochs(); epoch++) {
            long e0 = System.nanoTime();
            PretrainResults.Epoch rec;
            try {
                rec = trainEpoch(epoch);
            } catch (TrainingDivergedException ex) {
                results.status = "diverged";
                results.error = ex.getMessage();
                results.wallSeconds = wallBefore + (System.nanoTime() - t0) / 1e9;
                RunFiles.writeJson(runDir.resolve(RESULTS), results);
                throw ex;
            }
            Map<String, Double> zs = test == null ? Map.of() : zeroShot(model, tok, test);
            rec = new PretrainResults.Epoch(rec.epoch(), rec.steps(), rec.loss(), rec.lr(), rec.logitScale(), rec.gradNorm(),
                    rec.imagesPerSecond(), (System.nanoTime() - e0) / 1e9, zs);
            results.epochs.add(rec);
            results.epochsCompleted = epoch + 1;
            results.status = epoch == config.epochs() - 1 ? "completed" : "running";
            results.wallSeconds = wallBefore + (System.nanoTime() - t0) / 1e9;
            writeCheckpoint(epoch);
            if (options.hooks() != null) options.hooks().afterCheckpoint(epoch);
            log("epoch %d/%d loss %.4f lr %.3g scale %.1f |g| %.2f %.1f img/s %.0fs zero-shot %s", epoch + 1, config.epochs(), rec.loss(),
                    rec.lr(), rec.logitScale(), rec.gradNorm(), rec.imagesPerSecond(), rec.seconds(), format(zs));
        }
        if (options.export() != null) {
            ClipModels.save(model, options.export(), options.exportDtype(), modelMetadata());
            log("wrote %s (%s)", options.export(), options.exportDtype());
        }
        return results;
    }

    private PretrainResults.Epoch trainEpoch(int epoch) {
        int n = train.size(), b = config.batch();
        int[] order = Seeds.permutation(n, Seeds.rng(config.seed(), "shuffle", epoch));
        model.train(true);
        double lossSum = 0, lr0 = optim.lrAt(epoch * stepsPerEpoch);
        Tensor lastNorm = Tensor.scalar(DType.F64, 0);     // a device scalar on a device: read once, after the epoch
        long tStart = System.nanoTime();
        ProgressBar pb = options.progress() ? new ProgressBarBuilder()
                .setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, config.epochs()))
                .setInitialMax((long) stepsPerEpoch * b).setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).setUnit(" img", 1).showSpeed().build() : null;
        try {
            for (int it = 0; it < stepsPerEpoch; it++) {
                int[] idx = Arrays.copyOfRange(order, it * b, (it + 1) * b);
                Tensor pixels = images(idx, epoch);                                    // [B, 3, R, R] on the host
                int[][] tokens = captions(idx, epoch);                                 // [B][77]
                int[][] keep = keep(idx, epoch);                                       // [B][K] or null (no masking)
                optim.zeroGrad();
                double loss = parallel.step(pixels, tokens, keep);
                if (!Double.isFinite(loss))
                    throw new TrainingDivergedException(epoch, it, "pretraining diverged at epoch " + epoch + ", step " + it + ": the loss is "
                            + loss + "; the run stopped and the last good checkpoint (after epoch " + (epoch - 1) + ") is kept. Lower --lr or set --grad-clip.", null);
                lastNorm = optim.update(epoch * stepsPerEpoch + it);
                lossSum += loss;
                if (pb != null) {
                    pb.stepBy(b);
                    double secs = (System.nanoTime() - tStart) / 1e9;
                    pb.setExtraMessage(String.format(Locale.ROOT, "loss %.4f %.1f img/s", lossSum / (it + 1), (it + 1) * b / secs));
                }
            }
        } finally {
            if (pb != null) pb.close();
        }
        double secs = (System.nanoTime() - tStart) / 1e9;
        return new PretrainResults.Epoch(epoch, stepsPerEpoch, lossSum / stepsPerEpoch, lr0, model.logitScale(), lastNorm.item(),
                stepsPerEpoch * b / Math.max(secs, 1e-9), secs, Map.of());
    }

    /**
     * One contrastive step's forward and backward (gradients accumulate into every trainable weight); returns the loss.
     * pixels [B, 3, R, R] CLIP-normalised, tokens [B][77] (caption i describes image i). On a device the pixels
     * (an input) are uploaded here, and the loss (an output) is read back.
     */
    public static double step(Clip model, Tensor pixels, int[][] tokens) { return step(model, pixels, tokens, null); }

    /** {@link #step(Clip, Tensor, int[][])} with FLIP's patch masking: image b encodes only its patches keep[b] (null: all). */
    public static double step(Clip model, Tensor pixels, int[][] tokens, int[][] keep) {
        Var image = model.encodeImage(Var.constant(pixels.to(model.device())), keep);  // [B, E]
        Var text = model.encodeText(tokens);                                      // [B, E]
        Var loss = ContrastiveLoss.symmetric(model.logits(image, text));          // [B, B] → []
        double value = loss.item();
        if (Double.isFinite(value)) loss.backward();
        return value;
    }

    /** Augmented images of {@code idx} for {@code epoch}, built in parallel from per-image generators. */
    Tensor images(int[] idx, int epoch) {
        int r = config.resolution(), per = 3 * r * r;
        float[] all = new float[idx.length * per];
        IntStream.range(0, idx.length).parallel().forEach(k -> {
            int i = idx[k];
            float[] chw = augmentation.apply(train.image(i), mayFlip[train.datasetOf()[i]], Seeds.rng(config.seed(), "augment", epoch, i));
            System.arraycopy(chw, 0, all, k * per, per);
        });
        return Tensor.of(all, idx.length, 3, r, r);
    }

    /**
     * FLIP's patch masking: for each image of {@code idx} the {@link PretrainConfig#keptPatches} patches it keeps this
     * epoch, drawn without replacement from its generator (seed, "mask", epoch, image), in ascending order; null when
     * the epoch trains on whole images.
     */
    int[][] keep(int[] idx, int epoch) {
        if (!config.masks(epoch)) return null;
        int[][] out = new int[idx.length][];
        for (int j = 0; j < idx.length; j++)
            out[j] = drawPatches(config.patches(), config.keptPatches(), Seeds.rng(config.seed(), "mask", epoch, idx[j]));
        return out;
    }

    /** k of the patches 0 … n-1, drawn without replacement from {@code rng} (a partial Fisher-Yates), ascending. */
    public static int[] drawPatches(int n, int k, SplittableRandom rng) {
        int[] perm = IntStream.range(0, n).toArray();
        for (int i = 0; i < k; i++) {                                          // perm[0..k) is the draw
            int r = i + rng.nextInt(n - i), tmp = perm[i];
            perm[i] = perm[r];
            perm[r] = tmp;
        }
        int[] kept = Arrays.copyOf(perm, k);
        Arrays.sort(kept);
        return kept;
    }

    /** One caption per image of {@code idx}, drawn afresh each epoch. */
    int[][] captions(int[] idx, int epoch) {
        int[][] out = new int[idx.length][];
        for (int k = 0; k < idx.length; k++)
            out[k] = captions.draw(train.labels()[idx[k]], config.descriptionProb(), Seeds.rng(config.seed(), "caption", epoch, idx[k]));
        return out;
    }

    // ------------------------------------------------------------------ zero-shot check

    /** Top-1 zero-shot accuracy per dataset of {@code corpus} (template ensembles, CLIP's test transform). */
    public static Map<String, Double> zeroShot(Clip model, ClipTokenizer tok, ImageCorpus corpus) {
        Map<String, Double> out = new LinkedHashMap<>();
        model.train(false);
        try (var s = GradMode.noGrad()) {
            for (int d = 0; d < corpus.datasets().size(); d++) {
                String spec = corpus.datasets().get(d);
                List<String> templates = clipvr.clip.zeroshot.Templates.forDatasetKey(clipvr.reprogram.train.DescriptionSources.datasetKey(spec));
                ZeroShotClassifier zs = ZeroShotClassifier.build(model, tok, corpus.classNames().get(d), templates, 256);
                int dd = d;
                int[] idx = IntStream.range(0, corpus.size()).filter(i -> corpus.datasetOf()[i] == dd).toArray();
                long correct = 0;
                int r = corpus.resolution(), per = 3 * r * r;
                for (int from = 0; from < idx.length; from += 256) {
                    int to = Math.min(idx.length, from + 256);
                    float[] px = new float[(to - from) * per];
                    for (int k = from; k < to; k++) {
                        float[] chw = clipvr.clip.image.Normalize.CLIP.applyInPlace(clipvr.clip.image.ToTensor.apply(corpus.image(idx[k])));
                        System.arraycopy(chw, 0, px, (k - from) * per, per);
                    }
                    Tensor logits = zs.logits(model.encodeImage(Var.constant(Tensor.of(px, to - from, 3, r, r).to(model.device()))).data());
                    int[] pred = logits.argmax(1);
                    for (int k = from; k < to; k++) if (pred[k - from] == corpus.labels()[idx[k]] - corpus.offsets()[d]) correct++;
                }
                out.put(spec, idx.length == 0 ? 0.0 : (double) correct / idx.length);
            }
        }
        model.train(true);
        return out;
    }

    // ------------------------------------------------------------------ checkpoints

    /**
     * Writes the epoch's checkpoint files (each atomically). A failure (full disk, read-only or vanished directory)
     * becomes one message naming the cause and what to do; the files already in the directory stay intact.
     */
    private void writeCheckpoint(int epoch) {
        try {
            writeCheckpointFiles(epoch);
        } catch (java.io.UncheckedIOException | clipvr.clip.io.CheckpointException e) {
            throw new java.io.UncheckedIOException("cannot save the checkpoint of epoch " + epoch + " in " + runDir + ": "
                    + e.getMessage() + ". Every file in the run directory is written atomically, so the last complete "
                    + "checkpoint is intact: fix the cause, then continue with 'clipvr pretrain --out " + runDir + " --resume'",
                    e.getCause() instanceof java.io.IOException io ? io : new java.io.IOException(e.getMessage(), e));
        }
    }

    private void writeCheckpointFiles(int epoch) {
        Map<String, Tensor> all = new LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> all.put("model." + k, v.to(Device.CPU)));      // downloaded from a device here
        optim.state().forEach((k, v) -> all.put(k, v.to(Device.CPU)));
        all.put("epoch", Tensor.scalar(DType.F64, epoch));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "clipvr-pretrain/1");
        meta.put("epoch", Integer.toString(epoch));
        try {
            meta.put("clipvr.results", RunFiles.JSON.writeValueAsString(results));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        SafetensorsWriter.write(runDir.resolve(CHECKPOINT), RunFiles.raw(all), meta);
        ClipModels.save(model, runDir.resolve(MODEL), StorageDType.F32, modelMetadata());
        RunFiles.writeJson(runDir.resolve(RESULTS), results);
    }

    /** Deterministic metadata (no times or paths): rerunning the command reproduces the file bit for bit. */
    private Map<String, String> modelMetadata() {
        Map<String, String> meta = new LinkedHashMap<>();
        try {
            meta.put("clipvr.pretrain.config", RunFiles.JSON.writer().withoutFeatures(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(config));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        meta.put("clipvr.pretrain.epochs_completed", Integer.toString(results.epochsCompleted));
        meta.put("clipvr.note", "pretrained from scratch by clipvr pretrain on " + config.data()
                + "; a small model of clipvr's own, not OpenAI CLIP");
        return meta;
    }

    private PretrainResults readCheckpoint(Path file) {
        var saved = RunFiles.readCheckpoint(file, PretrainResults.class, "clipvr pretraining checkpoint");
        Map<String, Tensor> weights = new LinkedHashMap<>();
        saved.tensors().forEach((k, v) -> { if (k.startsWith("model.")) weights.put(k.substring(6), v.to(model.device())); });
        var lr = model.loadStateDict(weights, true);
        if (!lr.missing().isEmpty() || !lr.unexpected().isEmpty())
            throw new IllegalArgumentException("--resume: " + file + ": model tensors do not match the config: missing " + lr.missing() + ", unexpected " + lr.unexpected());
        optim.load(saved.tensors());
        PretrainResults r = saved.results();
        r.status = "running";
        r.error = null;
        return r;
    }

    // ------------------------------------------------------------------ small helpers

    /** The start-up line naming the backend that runs the model. */
    private static String backend(Device d) { return d.isCpu() ? Backends.describe() : "backend: " + Backends.of(d).name(); }

    private static Map<String, Object> machine(Device device) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jdk", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
        m.put("backend", backend(device));
        return m;
    }

    private static String format(Map<String, Double> zs) {
        if (zs.isEmpty()) return "off";
        StringBuilder sb = new StringBuilder();
        zs.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(k).append(' ').append(String.format(Locale.ROOT, "%.1f%%", 100 * v)));
        return sb.toString();
    }

    private void log(String fmt, Object... args) {
        if (options.log() != null) options.log().println(String.format(Locale.ROOT, fmt, args));
    }

    public Clip model() { return model; }
}
