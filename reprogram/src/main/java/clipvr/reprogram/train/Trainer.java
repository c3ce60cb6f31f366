package clipvr.reprogram.train;

import clipvr.autograd.GradMode;
import clipvr.autograd.Var;
import clipvr.autograd.loss.CrossEntropy;
import clipvr.clip.io.SafetensorsWriter;
import clipvr.clip.model.Clip;
import clipvr.clip.model.ClipModels;
import clipvr.clip.text.ClipTokenizer;
import clipvr.clip.zeroshot.Accuracy;
import clipvr.clip.zeroshot.LabelSeparability;
import clipvr.reprogram.data.Dataset;
import clipvr.reprogram.data.Datasets;
import clipvr.reprogram.data.DescriptionFile;
import clipvr.reprogram.data.FewShot;
import clipvr.reprogram.data.Split;
import clipvr.reprogram.head.MappedHead;
import clipvr.reprogram.mapping.BayesianMapping;
import clipvr.reprogram.mapping.FrequencyMatrix;
import clipvr.reprogram.mapping.LabelMapping;
import clipvr.reprogram.mapping.OutputMapping;
import clipvr.reprogram.mapping.MappingKind;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One trainer for every {@link Method}: few-shot data, the method's preprocessing, the papers' optimisation, DVP's
 * epoch schedule, evaluation, and an atomically written, resumable run directory (docs/training.md).
 *
 * <p>Epoch e (0-based) of a training method: shuffle with {@code (seed, "shuffle", e)}, load batches with per-item
 * augmentation generators {@code (seed, "augment", e, index)}, forward, mean CE, backward, step (cosine schedules step
 * every iteration, multi-step schedules every epoch); every {@code eval_every} epochs and after the last one, evaluate
 * on the test split (and the validation split); then write the checkpoint. DVP: epoch 0 only collects the PRM's top-k
 * counts (forward passes with the zero-initialised prompts, no step, no evaluation); after every epoch Ω is
 * re-estimated from that epoch's counts and used for that epoch's evaluation and the next epoch's training.
 */
public final class Trainer {

    /** Test hooks. */
    public interface Hooks {
        /** After the optimiser step of (epoch, iteration), before the finiteness check of the parameters. */
        default void afterStep(int epoch, int iteration, Reprogrammer model) {}

        /** After epoch {@code epoch}'s checkpoint was written. Throwing here simulates a kill between epochs. */
        default void afterCheckpoint(int epoch) {}
    }

    /**
     * @param resume   continue the run in {@code runDir} (its config.json is authoritative; given settings must agree)
     * @param progress show a progress bar on stderr
     * @param log      where per-epoch lines go (null: nowhere)
     * @param hooks    test hooks (null: none)
     */
    public record Options(boolean resume, boolean progress, PrintStream log, Hooks hooks) {
        public static Options quiet() { return new Options(false, false, null, null); }
        public Options withResume(boolean r) { return new Options(r, progress, log, hooks); }
        public Options withHooks(Hooks h) { return new Options(resume, progress, log, h); }
    }

    private final TrainConfig config;
    private final Path runDir;
    private final Options options;
    private final Hooks hooks;
    private final Dataset train;
    private final Dataset test;
    private final List<String> classNames;
    private final TextFeatures text;
    private final Reprogrammer model;
    private final Preprocessing prep;
    private final int[] trainIdx;
    private final int[] valIdx;
    private final int[] testIdx;
    private final Map<String, DescriptionFile> descriptionFiles;
    private Optimisation optim;
    private RunResults results;
    private TensorCache testCache;
    private TensorCache valCache;

    private Trainer(TrainConfig config, Path runDir, Options options, Clip clip, ClipTokenizer tok) {
        this.config = config;
        this.runDir = runDir;
        this.options = options;
        this.hooks = options.hooks() == null ? new Hooks() {} : options.hooks();
        Method method = config.methodEnum();
        this.train = Datasets.open(config.data(), Split.TRAIN);
        this.test = Datasets.open(config.data(), Split.TEST);
        this.classNames = train.classNames();
        if (!classNames.equals(test.classNames()))
            throw new IllegalArgumentException("--data " + config.data() + ": train and test splits have different classes");
        boolean describesSources = config.sourceDescriptions() != null;        // AttrVR over the source classes
        List<String> described = describesSources ? TextFeatures.sourceClassNames(config) : classNames;
        this.descriptionFiles = !method.usesDescriptions() ? Map.of() : describesSources
                ? DescriptionSources.loadMerged(config.descriptions(), config.sourceDescriptions(), method.descriptionKinds(config.causes()), described)
                : DescriptionSources.load(config.descriptions(), config.dataset(), method.descriptionKinds(config.causes()));
        if (!descriptionFiles.isEmpty())
            DescriptionSources.validate(descriptionFiles, described, config.m(), s -> tok.encode(s).size() + 2);
        Path cache = runDir.resolve(RunFiles.TEXT_FEATURES);
        TextFeatures tf = TextFeatures.load(cache, config);
        if (tf == null) {
            tf = TextFeatures.compute(config, clip, tok, classNames, descriptionFiles);
            tf.save(cache, config);
        }
        this.text = tf;
        warnOfInseparableLabels(config, tf, classNames);
        this.model = Reprogrammer.build(config, new ClipImageEncoder(clip), text, classNames.size()).to(Device.fromProperty());
        this.prep = Preprocessing.forMethod(method, config.resolution(), config.inputSize(), Preprocessing.Augment.parse(config.augment()));
        int[] pool = new int[train.size()];
        for (int i = 0; i < pool.length; i++) pool[i] = i;
        int[] val = new int[0];
        if (config.valFraction() > 0) {
            Split.Parts parts = Split.holdOut(pool, train, config.valFraction(), config.seed());
            pool = parts.train();
            val = parts.validation();
        }
        int[] poolLabels = Arrays.stream(pool).map(train::label).toArray();
        int[] chosen = FewShot.sample(poolLabels, classNames.size(), config.shots(), config.seed());
        int[] tr = new int[chosen.length];
        for (int i = 0; i < chosen.length; i++) tr[i] = pool[chosen[i]];
        this.trainIdx = tr;
        this.valIdx = val;
        this.testIdx = balancedOrder(test, config.testLimit());
        if (trainIdx.length == 0 && method.trains()) throw new IllegalArgumentException("--data " + config.data() + ": no training images");
        if (testIdx.length == 0) throw new IllegalArgumentException("--data " + config.data() + ": no test images");
    }

    /**
     * Prints a warning when the label head (or, with --label-mapping, the source head) has classes whose text
     * embeddings nearly coincide, so that their logits differ little for any prompted image (clipvr-mini's MNIST '4' and '9').
     */
    private static void warnOfInseparableLabels(TrainConfig config, TextFeatures tf, List<String> classNames) {
        String remedy = "--label-mapping ilm onto better-separated source classes, or a method that scores descriptions "
                + "(attrvr, dvp-cse, dvp-cls), avoids the head; ./clipvr labels prints its cosine matrix";
        if (tf.tables().containsKey("label") && config.labelMapping() == null) {      // a mapping replaces the label head
            String w = LabelSeparability.of(classNames, tf.table("label")).warning("the label head ("
                    + String.join(" | ", config.templates()) + ")", LabelSeparability.WARN_AT, remedy);
            if (w != null) System.err.println(w);
        }
        if (tf.tables().containsKey("source")) {
            String w = LabelSeparability.of(TextFeatures.sourceClassNames(config), tf.table("source")).warning(
                    "the source head of --label-mapping (" + (config.sourceTemplates() == null ? TrainConfig.LABEL_TEMPLATE
                            : "the templates of " + String.join(",", config.sourceTemplates())) + ")", LabelSeparability.WARN_AT, "the mapping may send target classes to source classes it cannot tell apart");
            if (w != null) System.err.println(w);
        }
    }

    // ------------------------------------------------------------------ entry points

    /**
     * Trains (or evaluates, for zero-shot) the run {@code settings} describes into {@code runDir}; with
     * {@link Options#resume()} continues a stopped run bit-identically. Returns the final results.
     */
    public static RunResults run(TrainConfig.Builder settings, Path runDir, Options options) {
        // One writer per run directory, taken before the "already holds a run" check so that two runs started at the
        // same moment cannot both pass it; the OS drops the lock when the process dies, so a killed run can resume.
        try (clipvr.clip.io.RunLock lock = clipvr.clip.io.RunLock.acquire(runDir, "train")) {
            clipvr.clip.io.AtomicFiles.removeStaleTemporaries(runDir); // left by a writer killed mid-write
            return runLocked(settings, runDir, options);
        }
    }

    private static RunResults runLocked(TrainConfig.Builder settings, Path runDir, Options options) {
        Path cfgFile = runDir.resolve(RunFiles.CONFIG);
        boolean hasRun = Files.exists(cfgFile) || Files.exists(runDir.resolve(RunFiles.CHECKPOINT));
        TrainConfig stored = null;
        if (hasRun && !options.resume())
            throw new IllegalArgumentException("--out " + runDir + " already holds a run; pass --resume to continue it, or choose another --out");
        if (options.resume() && Files.exists(cfgFile)) {
            stored = RunFiles.readJson(cfgFile, TrainConfig.class);
            fillFrom(settings, stored);
        }
        if (settings.method == null) throw new IllegalArgumentException("--method is required (one of " + Method.names() + ")");
        if (settings.weights == null) throw new IllegalArgumentException("--weights is required");
        if (settings.data == null) throw new IllegalArgumentException("--data is required");
        Path weights = Path.of(settings.weights).toAbsolutePath().normalize();
        if (!Files.exists(weights)) throw new IllegalArgumentException("--weights: not found: " + weights);
        settings.weights = weights.toString();
        if (settings.dataset == null) settings.dataset = DescriptionSources.datasetKey(settings.data);
        if (settings.descriptions == null) settings.descriptions = DescriptionSources.BUNDLED;
        else if (!settings.descriptions.equals(DescriptionSources.BUNDLED))
            settings.descriptions = Path.of(settings.descriptions).toAbsolutePath().normalize().toString();
        if (settings.sourceClasses != null && !settings.sourceClasses.equals(TrainConfig.BUNDLED_CIFAR100)) {
            Path sc = Path.of(settings.sourceClasses).toAbsolutePath().normalize();
            if (!Files.isRegularFile(sc)) throw new IllegalArgumentException("--source-classes: file not found: " + sc);
            settings.sourceClasses = sc.toString();
        }
        if (settings.vocab == null) throw new IllegalArgumentException("--vocab: no vocabulary given");
        settings.vocab = Path.of(settings.vocab).toAbsolutePath().normalize().toString();
        settings.weightsSha256 = RunFiles.sha256(weights);
        if (stored != null && !stored.weightsSha256().equals(settings.weightsSha256))
            throw new IllegalArgumentException("--weights " + weights + ": SHA-256 " + settings.weightsSha256
                    + " differs from the run's " + stored.weightsSha256() + " (config.json); resuming needs the same weights");
        Clip clip = ClipModels.load(weights, DType.F32);
        TrainConfig config = settings.build(clip.resolution(), clip.logitScale());
        if (stored != null) {
            List<String> diffs = differences(stored, config);
            if (!diffs.isEmpty())
                throw new IllegalArgumentException("--resume: settings differ from the run's config.json: " + String.join("; ", diffs));
        }
        ClipTokenizer tok = loadTokenizer(Path.of(config.vocab()));
        try {
            Files.createDirectories(runDir);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("--out " + runDir + ": cannot create the directory: " + e.getMessage(), e);
        }
        RunFiles.writeJson(cfgFile, config);
        Trainer t = new Trainer(config, runDir, options, clip, tok);
        return t.loop();
    }

    /** Loads OpenAI's gz vocabulary or a Hugging Face vocab.json (merges.txt beside it). */
    public static ClipTokenizer loadTokenizer(Path vocab) {
        return ClipTokenizer.load(vocab);
    }

    /** Indices interleaved class by class, the first {@code limit} (all when null): a class-balanced subset. */
    public static int[] balancedOrder(Dataset ds, Integer limit) {
        int c = ds.numClasses();
        List<List<Integer>> byClass = new ArrayList<>();
        for (int k = 0; k < c; k++) byClass.add(new ArrayList<>());
        for (int i = 0; i < ds.size(); i++) byClass.get(ds.label(i)).add(i);
        int n = limit == null ? ds.size() : Math.min(limit, ds.size());
        int[] out = new int[n];
        int at = 0;
        for (int round = 0; at < n; round++)
            for (int k = 0; k < c && at < n; k++)
                if (round < byClass.get(k).size()) out[at++] = byClass.get(k).get(round);
        return out;
    }

    // ------------------------------------------------------------------ the loop

    private RunResults loop() {
        Method method = config.methodEnum();
        int iters = Math.max(1, (trainIdx.length + config.batch() - 1) / config.batch());
        optim = method.trains() ? Optimisation.build(config, model, iters) : null;
        long t0 = System.nanoTime();
        double wallBefore = 0;
        Path ckFile = runDir.resolve(RunFiles.CHECKPOINT);
        if (options.resume() && Files.exists(ckFile)) {
            results = readCheckpoint(ckFile);
            wallBefore = results.wallSeconds;
            if (options.log() != null)
                options.log().printf(Locale.ROOT, "resuming %s after epoch %d of %d%n", runDir, results.epochsCompleted - 1, config.epochs());
        } else {
            results = new RunResults();
            results.config = config;
            results.trainImages = trainIdx.length;
            results.valImages = valIdx.length;
            results.testImages = testIdx.length;
            results.iterationsPerEpoch = method.trains() ? iters : 0;
            results.effectiveParameters = model.effectiveParameterCount();
        }
        if (!method.trains()) {
            if (results.epochsCompleted == 0) {
                long e0 = System.nanoTime();
                Accuracy acc = evaluate(testIdx, test, "test", true);
                Accuracy val = valIdx.length > 0 ? evaluate(valIdx, train, "val", false) : null;
                double secs = (System.nanoTime() - e0) / 1e9;
                results.epochs.add(new RunResults.EpochRecord(0, "eval", null, null, null, null, null, secs, acc.top1(), acc.top5(),
                        val == null ? null : val.top1()));
                noteEvaluation(0, acc, val);
                results.epochsCompleted = 1;
            }
            results.status = "completed";
            results.wallSeconds = wallBefore + (System.nanoTime() - t0) / 1e9;
            writeCheckpoint(0, false);
            return results;
        }
        for (int epoch = results.epochsCompleted; epoch < config.epochs(); epoch++) {
            boolean prmOnly = method.isDvp() && epoch == 0;
            long e0 = System.nanoTime();
            EpochStats st;
            try {
                st = trainEpoch(epoch, prmOnly, iters);
            } catch (TrainingDivergedException ex) {
                results.status = "diverged";
                results.error = ex.getMessage();
                results.wallSeconds = wallBefore + (System.nanoTime() - t0) / 1e9;
                RunFiles.writeJson(runDir.resolve(RunFiles.RESULTS), results);
                throw ex;
            }
            if (model.prm() != null) model.decoupledHead().setReweighting(model.prm().estimate());
            boolean evalNow = !prmOnly && ((epoch + 1) % config.evalEvery() == 0 || epoch == config.epochs() - 1);
            Accuracy acc = null, val = null;
            if (evalNow) {
                acc = evaluate(testIdx, test, "test", true);
                if (valIdx.length > 0) val = evaluate(valIdx, train, "val", false);
            }
            double secs = (System.nanoTime() - e0) / 1e9;
            results.epochs.add(new RunResults.EpochRecord(epoch, prmOnly ? "prm" : "train", st.loss, st.accuracy, st.lr, st.lrs,
                    st.imagesPerSecond, secs, acc == null ? null : acc.top1(), acc == null ? null : acc.top5(),
                    val == null ? null : val.top1()));
            boolean newBest = acc != null && noteEvaluation(epoch, acc, val);
            results.epochsCompleted = epoch + 1;
            results.status = epoch == config.epochs() - 1 ? "completed" : "running";
            results.wallSeconds = wallBefore + (System.nanoTime() - t0) / 1e9;
            writeCheckpoint(epoch, newBest);
            logEpoch(epoch, st, acc, val, secs);
            hooks.afterCheckpoint(epoch);
        }
        if (results.epochsCompleted >= config.epochs() && !"completed".equals(results.status)) {
            results.status = "completed";
            RunFiles.writeJson(runDir.resolve(RunFiles.RESULTS), results);
        }
        return results;
    }

    private record EpochStats(double loss, double accuracy, double lr, Map<String, Double> lrs, double imagesPerSecond) {}

    private EpochStats trainEpoch(int epoch, boolean prmOnly, int iters) {
        int[] perm = Seeds.permutation(trainIdx.length, Seeds.rng(config.seed(), "shuffle", epoch));
        int[] order = new int[trainIdx.length];
        for (int i = 0; i < order.length; i++) order[i] = trainIdx[perm[i]];
        if (model.prm() != null) model.prm().reset();
        MappingKind kind = config.mappingKind();
        if (kind != null && (kind.recomputedEachEpoch() || (kind == MappingKind.FLM && epoch == 0)))
            model.mappedHead().setMapping(frequencyMapping(kind, epoch));
        model.train(true);
        double lr0 = optim.lr();
        Map<String, Double> lrs0 = optim.lrs();
        double lossSum = 0;
        long correct = 0, seen = 0;
        long tStart = System.nanoTime();
        ProgressBar pb = options.progress() ? new ProgressBarBuilder()
                .setTaskName(String.format(Locale.ROOT, "epoch %d/%d%s", epoch + 1, config.epochs(), prmOnly ? " (PRM)" : ""))
                .setInitialMax(order.length).setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).setUnit(" img", 1).showSpeed().build() : null;
        try {
            for (int it = 0; it < iters; it++) {
                int from = it * config.batch(), to = Math.min(order.length, from + config.batch());
                if (from >= to) break;
                Preprocessing.Batch b = prep.load(train, Arrays.copyOfRange(order, from, to), true, config.seed(), epoch);
                int n = b.labels().length;
                double loss;
                Tensor logits;
                if (prmOnly) {
                    try (var s = GradMode.noGrad()) {
                        Reprogrammer.Output out = model.forward(Var.constant(b.pixels().to(model.device())));
                        model.prm().record(out.descriptionLogits().data().to(Device.CPU), b.labels());
                        logits = out.logits().data();
                        loss = lossOf(out.logits(), b.labels(), epoch, it).item();
                    }
                } else {
                    optim.zeroGrad();
                    double[] lossValue = new double[1];
                    int e = epoch, i = it;
                    Reprogrammer.Output out = model.trainStep(Var.constant(b.pixels().to(model.device())), z -> lossOf(z, b.labels(), e, i), lossValue);
                    loss = lossValue[0];
                    if (model.prm() != null) model.prm().record(out.descriptionLogits().data().to(Device.CPU), b.labels());
                    optim.step();
                    hooks.afterStep(epoch, it, model);
                    checkParameters(epoch, it);
                    logits = out.logits().data();
                }
                lossSum += loss * n;
                correct += countCorrect(logits, b.labels());
                seen += n;
                if (pb != null) {
                    pb.stepBy(n);
                    double secs = (System.nanoTime() - tStart) / 1e9;
                    pb.setExtraMessage(String.format(Locale.ROOT, "loss %.4f acc %.1f%% %.1f img/s", lossSum / seen, 100.0 * correct / seen, seen / secs));
                }
            }
        } finally {
            if (pb != null) pb.close();
        }
        if (!prmOnly) optim.endEpoch();
        double secs = (System.nanoTime() - tStart) / 1e9;
        return new EpochStats(lossSum / seen, (double) correct / seen, lr0, lrs0, seen / Math.max(secs, 1e-9));
    }

    /**
     * ILM / FLM (spec §5.4), BLM / BLM+ (BayesianLM {@code mapping.py}): the frozen model with the current prompt over
     * the whole training set, no gradient, eval mode (SMM's batch-norm statistics are not touched), with epoch
     * {@code epoch}'s training augmentation (the same per-item streams (seed, "augment", epoch, index) as that epoch's
     * steps); d[s, t] counts argmax source s per label t (BLM+: sums the top-k softmax probabilities); ILM/FLM take
     * the greedy one-to-one mapping of d, BLM/BLM+ the reweighting matrix ω of d.
     */
    private OutputMapping frequencyMapping(MappingKind kind, int epoch) {
        MappedHead head = model.mappedHead();
        FrequencyMatrix d = new FrequencyMatrix(head.numSources(), head.numClasses());
        model.train(false);
        for (int from = 0; from < trainIdx.length; from += config.batch()) {
            int to = Math.min(trainIdx.length, from + config.batch());
            Preprocessing.Batch b = prep.load(train, Arrays.copyOfRange(trainIdx, from, to), true, config.seed(), epoch);
            Tensor logits = model.sourceLogits(b.pixels()).to(Device.CPU);                       // [B, S]
            if (kind == MappingKind.BLMP) d.recordTopKProbabilities(logits, b.labels(), config.blmTopK(head.numSources(), head.numClasses()));
            else d.record(logits, b.labels());
        }
        return kind.bayesian() ? d.bayesian(config.blmLap()) : d.mapping();
    }

    private static Var lossOf(Var logits, int[] labels, int epoch, int it) {
        Var l;
        try {
            l = CrossEntropy.loss(logits, labels);
        } catch (IllegalArgumentException ex) {
            throw new TrainingDivergedException(epoch, it, "training diverged at epoch " + epoch + ", iteration " + it
                    + ": " + ex.getMessage() + "; the run stopped and the last good checkpoint (after epoch " + (epoch - 1)
                    + ") is kept. Lower --lr.", ex);
        }
        if (!Double.isFinite(l.item()))
            throw new TrainingDivergedException(epoch, it, "training diverged at epoch " + epoch + ", iteration " + it
                    + ": the loss is " + l.item() + "; the run stopped and the last good checkpoint (after epoch " + (epoch - 1)
                    + ") is kept. Lower --lr.", null);
        return l;
    }

    private void checkParameters(int epoch, int it) {
        for (var e : model.namedParameters().entrySet()) {
            double s = e.getValue().data().sum().item();
            if (!Double.isFinite(s))
                throw new TrainingDivergedException(epoch, it, "training diverged at epoch " + epoch + ", iteration " + it
                        + ": parameter '" + e.getKey() + "' is not finite after the update (lr " + optim.lr() + ");"
                        + " the run stopped and the last good checkpoint (after epoch " + (epoch - 1) + ") is kept. Lower --lr.", null);
        }
    }

    static long countCorrect(Tensor logits, int[] labels) {
        int[] pred = logits.argmax(1);
        long c = 0;
        for (int i = 0; i < labels.length; i++) if (pred[i] == labels[i]) c++;
        return c;
    }

    /** Updates best / last / val-selected; returns whether this epoch is a new best. */
    private boolean noteEvaluation(int epoch, Accuracy acc, Accuracy val) {
        RunResults.Evaluation ev = RunResults.Evaluation.of(epoch, acc, classNames);
        results.last = ev;
        boolean newBest = results.best == null || ev.top1() > results.best.top1();
        if (newBest) results.best = ev;
        if (val != null && (results.valSelected == null || val.top1() > results.valSelected.valAccuracy()))
            results.valSelected = new RunResults.ValSelected(epoch, val.top1(), acc.top1(), acc.top5());
        return newBest;
    }

    // ------------------------------------------------------------------ evaluation

    /** Evaluates {@code model} on items {@code idx} of {@code ds} with the test transform. */
    private Accuracy evaluate(int[] idx, Dataset ds, String name, boolean isTest) {
        TensorCache cache = isTest ? testCache : valCache;
        if (cache == null) {
            cache = new TensorCache(ds, idx, prep, config.batch());
            if (isTest) testCache = cache; else valCache = cache;
        }
        return evaluate(model, cache, classNames.size(), options.progress() ? name : null);
    }

    /** Accuracy of {@code model} over a prepared evaluation set, in eval mode (restores train mode afterwards off). */
    public static Accuracy evaluate(Reprogrammer model, TensorCache data, int numClasses, String progressName) {
        model.train(false);
        Accuracy acc = new Accuracy(numClasses);
        ProgressBar pb = progressName != null ? new ProgressBarBuilder().setTaskName(progressName).setInitialMax(data.size())
                .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(System.err))
                .setUnit(" img", 1).showSpeed().build() : null;
        try {
            for (int b = 0; b < data.batches(); b++) {
                Preprocessing.Batch batch = data.batch(b);
                acc.add(model.logits(batch.pixels()), batch.labels());
                if (pb != null) {
                    pb.stepBy(batch.labels().length);
                    pb.setExtraMessage(String.format(Locale.ROOT, "top1 %.1f%%", 100 * acc.top1()));
                }
            }
        } finally {
            if (pb != null) pb.close();
        }
        return acc;
    }

    // ------------------------------------------------------------------ checkpoints

    /**
     * Writes the epoch's checkpoint files (each atomically). A failure (full disk, read-only or vanished directory)
     * becomes one message naming the cause and what to do; the files already in the directory stay intact.
     */
    private void writeCheckpoint(int epoch, boolean newBest) {
        try {
            writeCheckpointFiles(epoch, newBest);
        } catch (java.io.UncheckedIOException | clipvr.clip.io.CheckpointException e) {
            throw new java.io.UncheckedIOException("cannot save the checkpoint of epoch " + epoch + " in " + runDir + ": "
                    + e.getMessage() + ". Every file in the run directory is written atomically, so the last complete "
                    + "checkpoint is intact: fix the cause, then continue with 'clipvr train --out " + runDir + " --resume'",
                    e.getCause() instanceof java.io.IOException io ? io : new java.io.IOException(e.getMessage(), e));
        }
    }

    private void writeCheckpointFiles(int epoch, boolean newBest) {
        Map<String, Tensor> modelState = model.state();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", RunFiles.FORMAT);
        meta.put("epoch", Integer.toString(epoch));
        meta.put("method", config.method());
        if (newBest) SafetensorsWriter.write(runDir.resolve(RunFiles.BEST), RunFiles.raw(modelState), meta);
        Map<String, Tensor> all = new LinkedHashMap<>(modelState);
        if (optim != null) all.putAll(optim.state());
        all.put("epoch", Tensor.scalar(DType.F64, epoch));
        all.replaceAll((k, t) -> t.to(Device.CPU));                         // optimiser slots live with their parameters
        Map<String, String> ckMeta = new LinkedHashMap<>(meta);
        try {
            ckMeta.put("clipvr.results", RunFiles.JSON.writeValueAsString(results));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        SafetensorsWriter.write(runDir.resolve(RunFiles.CHECKPOINT), RunFiles.raw(all), ckMeta);
        RunFiles.writeJson(runDir.resolve(RunFiles.RESULTS), results);
        RunFiles.writeJson(runDir.resolve(RunFiles.CHECKPOINT_JSON), checkpointInfo(epoch, all));
    }

    private Map<String, Object> checkpointInfo(int epoch, Map<String, Tensor> tensors) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", RunFiles.FORMAT);
        m.put("method", config.method());
        m.put("epoch", epoch);
        m.put("epochs_completed", results.epochsCompleted);
        m.put("epochs", config.epochs());
        m.put("status", results.status);
        m.put("iterations_done", optim == null ? 0 : optim.schedulers().getFirst().lastEpoch());
        m.put("best_epoch", results.best == null ? null : results.best.epoch());
        m.put("resume", "random streams are derived from (seed, epoch, item), no generator state is saved: shuffle = (seed, 'shuffle', e),"
                + " augmentation = (seed, 'augment', e, dataset index), descriptions = (seed, 'descriptions', file), k-means = seed,"
                + " mask-network init = (seed, 'mask-init'), RLM = (seed, 'label-mapping');"
                + " the ILM/FLM mapping is saved as label_mapping.source_of. --resume restarts at epoch epochs_completed.");
        Map<String, Object> shapes = new LinkedHashMap<>();
        tensors.forEach((k, v) -> shapes.put(k, v.shape()));
        m.put("tensors", shapes);
        m.put("class_names", classNames);
        m.put("descriptions", text.texts());
        if (config.sourceDescriptions() != null)                         // AttrVR with a mapping: the texts describe the source classes
            m.put("description_classes", TextFeatures.sourceClassNames(config));
        if (text.clusterOf() != null) {
            m.put("cluster_of", text.clusterOf());
            int[] sizes = new int[config.clusters()];
            for (int g : text.clusterOf()) sizes[g]++;
            m.put("cluster_sizes", sizes);
        }
        if (model.mappedHead() != null) {
            Map<String, Object> lm = new LinkedHashMap<>();
            lm.put("kind", config.labelMapping());
            lm.put("source_classes", config.sourceClasses());
            List<String> sources = TextFeatures.sourceClassNames(config);
            switch (model.mappedHead().mapping()) {
                case LabelMapping one -> {
                    int[] so = one.sourceOf();
                    lm.put("source_of", so);
                    Map<String, String> named = new LinkedHashMap<>();
                    for (int t = 0; t < so.length; t++) named.put(classNames.get(t), sources.get(so[t]));
                    lm.put("target_to_source", named);
                }
                case BayesianMapping b -> {                      // ω itself is the checkpoint's label_mapping.omega [S, C]
                    double[][] w = b.omega();
                    Map<String, Map<String, Double>> top = new LinkedHashMap<>();
                    for (int t = 0; t < b.numTargets(); t++) {
                        int col = t;
                        Map<String, Double> heaviest = new LinkedHashMap<>();
                        java.util.stream.IntStream.range(0, w.length).boxed()
                                .sorted((x, y) -> w[y][col] != w[x][col] ? Double.compare(w[y][col], w[x][col]) : Integer.compare(x, y))
                                .limit(3).filter(s -> w[s][col] > 0).forEach(s -> heaviest.put(sources.get(s), w[s][col]));
                        top.put(classNames.get(t), heaviest);
                    }
                    lm.put("heaviest_sources", top);
                }
            }
            m.put("label_mapping", lm);
        }
        m.put("train_indices", trainIdx);
        m.put("val_indices", valIdx);
        return m;
    }

    private RunResults readCheckpoint(Path file) {
        var saved = RunFiles.readCheckpoint(file, RunResults.class, "clipvr checkpoint");
        model.load(saved.tensors());
        if (optim != null) optim.load(saved.tensors());
        RunResults r = saved.results();
        r.status = "running";
        r.error = null;
        return r;
    }

    private void logEpoch(int epoch, EpochStats st, Accuracy acc, Accuracy val, double secs) {
        if (options.log() == null) return;
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "epoch %d/%d %s loss %.4f acc %.2f%% lr %.4g %.1f img/s",
                epoch + 1, config.epochs(), config.methodEnum().isDvp() && epoch == 0 ? "(PRM only)" : "", st.loss, 100 * st.accuracy,
                st.lr, st.imagesPerSecond));
        if (acc != null) sb.append(String.format(Locale.ROOT, " | test %.2f%% (best %.2f%% @%d)", 100 * acc.top1(),
                100 * results.best.top1(), results.best.epoch()));
        if (val != null) sb.append(String.format(Locale.ROOT, " val %.2f%%", 100 * val.top1()));
        sb.append(String.format(Locale.ROOT, " %.1fs", secs));
        options.log().println(sb);
    }

    // ------------------------------------------------------------------ resume plumbing

    private static void fillFrom(TrainConfig.Builder b, TrainConfig c) {
        if (b.method == null) b.method = c.methodEnum();
        if (b.weights == null) b.weights = c.weights();
        if (b.vocab == null) b.vocab = c.vocab();
        if (b.data == null) b.data = c.data();
        if (b.dataset == null) b.dataset = c.dataset();
        if (b.descriptions == null) b.descriptions = c.descriptions();
        if (b.shots == null) b.shots = c.shots();
        if (b.epochs == null) b.epochs = c.epochs();
        if (b.seed == null) b.seed = c.seed();
        if (b.batch == null) b.batch = c.batch();
        if (b.lr == null) b.lr = c.lr();
        if (b.momentum == null && c.optimizer().equals("sgd")) b.momentum = c.momentum();
        if (b.weightDecay == null) b.weightDecay = c.weightDecay();
        if (b.milestones == null) b.milestones = c.milestones();
        if (b.gamma == null) b.gamma = c.gamma();
        if (b.maskLr == null) b.maskLr = c.maskLr();
        if (b.maskGamma == null) b.maskGamma = c.maskGamma();
        if (b.maskLayers == null) b.maskLayers = c.maskLayers();
        if (b.patch == null) b.patch = c.patch();
        // an explicit --inner of the run; its default is left to build() (it may equal R on tiny models, which --inner refuses)
        if (b.inner == null && !java.util.Objects.equals(c.inner(), TrainConfig.defaultInner(c.methodEnum(), c.resolution()))) b.inner = c.inner();
        if (b.evalEvery == null) b.evalEvery = c.evalEvery();
        if (b.valFraction == null) b.valFraction = c.valFraction();
        if (b.testLimit == null) b.testLimit = c.testLimit();
        if (b.m == null) b.m = c.m();
        if (b.topk == null) b.topk = c.topk();
        if (b.alpha == null) b.alpha = c.alpha();
        if (b.causes == null) b.causes = c.causes();
        if (b.clusters == null) b.clusters = c.clusters();
        if (b.kmeansInit == null) b.kmeansInit = c.kmeansInit();
        if (b.templates == null) b.templates = c.templates();
        if (b.labelMapping == null) b.labelMapping = c.labelMapping();
        if (b.augment == null) b.augment = c.augment();
        if (b.blmLap == null) b.blmLap = c.blmLap();
        if (b.blmTopkRatio == null) b.blmTopkRatio = c.blmTopkRatio();
        if (b.sourceClasses == null) b.sourceClasses = c.sourceClasses();
        if (b.sourceDescriptions == null) b.sourceDescriptions = c.sourceDescriptions();
        if (b.sourceTemplates == null) b.sourceTemplates = c.sourceTemplates();
        if (b.logitScale == null) b.logitScale = c.logitScale();
    }

    private static List<String> differences(TrainConfig a, TrainConfig b) {
        var ta = RunFiles.JSON.valueToTree(a);
        var tb = RunFiles.JSON.valueToTree(b);
        List<String> d = new ArrayList<>();
        ta.fieldNames().forEachRemaining(k -> {
            if (k.equals("weights") || k.equals("vocab")) return;        // paths may move; the weights' SHA-256 is compared
            if (!ta.get(k).equals(tb.get(k))) d.add(k + " " + ta.get(k) + " (run) vs " + tb.get(k) + " (given)");
        });
        return d;
    }

    public TrainConfig config() { return config; }
}
