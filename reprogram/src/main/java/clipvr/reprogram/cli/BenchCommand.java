package clipvr.reprogram.cli;

import clipvr.autograd.GradMode;
import clipvr.autograd.Var;
import clipvr.autograd.loss.CrossEntropy;
import clipvr.clip.io.ClipConfig;
import clipvr.clip.model.Clip;
import clipvr.clip.model.ClipModels;
import clipvr.clip.text.ClipTokenizer;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code clipvr bench --weights W [--batch 32] [--what image|text|train-step]}: throughput of the image
 * encoder, the text encoder, or one visual-reprogramming training step (forward + backward to the
 * pixels through the frozen model), as the median of timed repetitions after warm-up.
 * {@code clipvr bench --what pretrain-step [--res 32 --patch 4 ...]}: one step of {@code clipvr pretrain}
 * (forward of both towers, symmetric contrastive loss, backward, AdamW) on a randomly initialised CLIP,
 * with the flags and defaults of ../shared/bench/torch_pretrain_bench.py.
 * Every result line ends with the peak heap and the peak resident set size of its timed runs, and the bytes the JVM's
 * threads allocated per timed run (a count that does not depend on the machine's load, unlike the times).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure images/s (or prompts/s) and effective GFLOP/s; median of --reps runs after warm-up.")
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--weights", description = "CLIP checkpoint (e.g. from clipvr init); not used by pretrain-step") Path weights;
    @Option(names = "--batch", description = "batch size (default 32; pretrain-step: 256)") Integer batchFlag;
    int batch;
    @Option(names = "--what", defaultValue = "image", description = "image, text, train-step or pretrain-step (default ${DEFAULT-VALUE})") String what;
    @Option(names = "--reps", defaultValue = "5", description = "timed repetitions (default ${DEFAULT-VALUE})") int reps;
    @Option(names = "--warmup", defaultValue = "2", description = "untimed warm-up runs (default ${DEFAULT-VALUE})") int warmup;
    @Option(names = "--vocab", description = "tokenizer vocabulary for --what text") Path vocab;
    @Option(names = "--prompt-tokens", description = "text: instead of typical prompts, synthetic prompts of exactly this many tokens (SOT ... EOT), as torch_clip_bench.py (14)") Integer promptTokens;
    @Mixin PretrainStepBench.Flags pretrain = new PretrainStepBench.Flags();

    @picocli.CommandLine.Mixin DeviceOption deviceOption = new DeviceOption();
    clipvr.tensor.Device device = clipvr.tensor.Device.CPU;

    @Override public Integer call() {
        batch = batchFlag != null ? batchFlag : what.equals("pretrain-step") ? 256 : 32;
        if (pretrain.threads != null) {
            if (pretrain.threads < 1) throw new IllegalArgumentException("--threads must be >= 1, got " + pretrain.threads);
            System.setProperty("clipvr.threads", Integer.toString(pretrain.threads));   // read when the kernels first load
        }
        if (batch <= 0 || reps <= 0 || warmup < 0) throw new IllegalArgumentException("--batch and --reps must be positive, --warmup >= 0");
        device = deviceOption.resolve();
        System.out.println(DeviceOption.describe(device) + ", " + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " cores, max heap "
                + Main.maxHeapBytes() / (1 << 20) + " MiB");
        if (pretrain.threads != null && pretrain.threads != clipvr.tensor.kernels.Parallel.THREADS)
            System.out.println("note: kernels already run " + clipvr.tensor.kernels.Parallel.THREADS
                    + " threads; pass CLIPVR_JAVA_OPTS=-Dclipvr.threads=" + pretrain.threads);
        if (what.equals("pretrain-step")) {
            PretrainStepBench.run(this, pretrain);
            return 0;
        }
        if (weights == null) throw new IllegalArgumentException("--weights is needed for --what " + what);
        long t0 = System.nanoTime();
        Clip model = ClipModels.load(weights, DType.F32);
        System.out.printf(Locale.ROOT, "load: %.2f s (%s)%n", (System.nanoTime() - t0) / 1e9, model.config.describe());
        model.freeze();
        model.to(device);
        switch (what) {
            case "image" -> image(model);
            case "text" -> text(model);
            case "train-step" -> trainStep(model);
            default -> throw new IllegalArgumentException("--what must be image, text or train-step, got '" + what + "'");
        }
        return 0;
    }

    void image(Clip model) {
        Tensor px = pixels(model);
        double[] s = time(() -> { try (var g = GradMode.noGrad()) { model.encodeImage(Var.constant(px)); } });
        report("image forward", s, batch, imageGflops(model.config));
    }

    void trainStep(Clip model) {
        Tensor px = pixels(model);
        Tensor text = Tensor.randn(DType.F32, new SplittableRandom(2), 10, model.embedDim()).to(device);
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) labels[i] = i % 10;
        double[] fwd = time(() -> { try (var g = GradMode.noGrad()) { model.encodeImage(Var.constant(px)); } });
        report("image forward", fwd, batch, imageGflops(model.config));
        double[] step = time(() -> {
            Var in = Var.param(px);
            Var loss = CrossEntropy.loss(model.logits(model.encodeImage(in), Var.constant(text)), labels);
            loss.backward();
        });
        report("train step (forward + backward to pixels, weights frozen)", step, batch, 0);
        System.out.printf(Locale.ROOT, "train step / forward = %.2f%n", median(step) / median(fwd));
    }

    void text(Clip model) {
        int[][] ids = promptTokens != null ? syntheticPrompts(promptTokens, model.config.contextLength()) : typicalPrompts(model);
        int maxLen = 0;
        double meanLen = 0, gflop = 0;
        for (int[] row : ids) {
            int eot = 0;
            for (int j = 0; j < row.length; j++) if (row[j] > row[eot]) eot = j;
            maxLen = Math.max(maxLen, eot + 1);
            meanLen += eot + 1;
        }
        meanLen /= ids.length;
        // inference packs the prompts (no padded positions) unless -Dclipvr.kernels=reference pads to the longest
        for (int[] row : ids) {
            int eot = 0;
            for (int j = 0; j < row.length; j++) if (row[j] > row[eot]) eot = j;
            gflop += textGflops(model.config, clipvr.tensor.kernels.Gemm.useReference() ? maxLen : eot + 1);
        }
        double[] s = time(() -> { try (var g = GradMode.noGrad()) { model.encodeText(ids); } });
        System.out.printf(Locale.ROOT, "prompts: %d, tokens per prompt mean %.1f, longest %d of %d positions%n",
                ids.length, meanLen, maxLen, model.config.contextLength());
        report("text forward", s, batch, gflop / ids.length);
        System.out.printf(Locale.ROOT, "(a full 77-position pass is %.2f GFLOP per prompt)%n", textGflops(model.config, model.config.contextLength()));
    }

    /** Zero-shot prompts: 4 templates × 14 class names, cycled to --batch (12 tokens on average, 6 to 19). */
    int[][] typicalPrompts(Clip model) {
        ClipTokenizer tok = clipvr.reprogram.train.Trainer.loadTokenizer(Paths2.vocab(vocab, weights));
        String[] classes = {"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
                "speed limit 30 km/h sign", "a handwritten digit seven", "ankle boot", "golden retriever puppy"};
        String[] templates = {"a photo of a %s.", "a blurry photo of the %s.", "a black and white photo of a small %s.",
                "This is a photo of %s, seen from the side in daylight."};
        List<String> prompts = new ArrayList<>();
        for (int i = 0; prompts.size() < batch; i++) prompts.add(String.format(templates[i % templates.length], classes[i % classes.length]));
        return tok.tokenizeAll(prompts, model.config.contextLength(), false);
    }

    /** As torch_clip_bench.py: SOT, n - 2 random word ids, EOT (then zero padding to the context). */
    int[][] syntheticPrompts(int n, int ctx) {
        if (n < 2 || n > ctx) throw new IllegalArgumentException("--prompt-tokens must be in [2, " + ctx + "], got " + n);
        SplittableRandom rng = new SplittableRandom(0);
        int[][] ids = new int[batch][ctx];
        for (int[] row : ids) {
            row[0] = 49406;
            for (int j = 1; j < n - 1; j++) row[j] = rng.nextInt(1, 49405);
            row[n - 1] = 49407;
        }
        return ids;
    }

    Tensor pixels(Clip model) {
        int r = model.resolution();
        return Tensor.randn(DType.F32, new SplittableRandom(1), batch, 3, r, r).to(device);
    }

    /** Warm-up runs, then {@code reps} timed runs; the peaks reported by {@link #report} cover the timed runs only. */
    double[] time(Runnable run) {
        for (int i = 0; i < warmup; i++) { run.run(); DeviceOption.finish(device); }
        resetPeaks();
        long allocated0 = allocatedBytes();
        double[] s = new double[reps];
        Thread sampler = Thread.ofPlatform().daemon().start(BenchCommand::sampleHeap);
        try {
            for (int i = 0; i < reps; i++) {
                long t = System.nanoTime();
                run.run();
                DeviceOption.finish(device);              // device kernels run asynchronously
                s[i] = (System.nanoTime() - t) / 1e9;
            }
        } finally {
            sampler.interrupt();
            try { sampler.join(); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        }
        long allocated1 = allocatedBytes();
        allocatedPerRun = allocated0 < 0 || allocated1 < 0 ? -1 : (double) (allocated1 - allocated0) / reps;
        return s;
    }

    static double median(double[] s) {
        double[] c = s.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : 0.5 * (c[c.length / 2 - 1] + c[c.length / 2]);
    }

    void report(String name, double[] seconds, int items, double gflopPerItem) {
        double m = median(seconds);
        String unit = what.equals("text") ? "prompts/s" : "images/s";
        System.out.printf(Locale.ROOT, "%s: median %.3f s per batch of %d -> %.2f %s%s, peak heap %.0f MB, peak RSS %s, allocated %s per batch   (runs: %s)%n",
                name, m, items, items / m, unit,
                gflopPerItem > 0 ? String.format(Locale.ROOT, ", %.1f effective GFLOP/s (%.2f GFLOP per item)", items * gflopPerItem / m, gflopPerItem) : "",
                peakHeapMb(), peakRssMb(), allocatedPerRun < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f MB", allocatedPerRun / 1e6),
                Arrays.toString(Arrays.stream(seconds).map(x -> Math.round(x * 1000) / 1000.0).toArray()));
    }

    /** Same count as ../shared/bench/numpy_vit_bench.py: linear layers, attention products, patch embedding, projection. */
    static double imageGflops(ClipConfig c) {
        int t = c.grid() * c.grid() + 1, w = c.visionWidth(), p = c.visionPatchSize();
        double perLayer = 2.0 * t * w * (3.0 * w + w + 2.0 * c.visionMlpWidth()) + 2.0 * 2.0 * t * t * w;
        return (perLayer * c.visionLayers() + 2.0 * (t - 1) * 3 * p * p * w + 2.0 * w * c.embedDim()) / 1e9;
    }

    /** Text tower FLOPs for {@code len} computed positions (linear layers + attention products + projection). */
    static double textGflops(ClipConfig c, int len) {
        int w = c.textWidth();
        double perLayer = 2.0 * len * w * (3.0 * w + w + 2.0 * c.textMlpWidth()) + 2.0 * 2.0 * len * len * w;
        return (perLayer * c.textLayers() + 2.0 * w * c.embedDim()) / 1e9;
    }

    /** Collects garbage, then restarts the heap pools' and (where Linux allows) the process's peak-RSS counters. */
    static void resetPeaks() {
        System.gc();
        PEAK_HEAP.set(0);
        try { java.nio.file.Files.writeString(Path.of("/proc/self/clear_refs"), "5"); } catch (Exception | Error e) { /* not Linux: whole-run peak */ }
    }

    /** The process's peak resident set (VmHWM, Linux) in MB, or "n/a". */
    static String peakRssMb() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status")))
                if (line.startsWith("VmHWM:")) return String.format(Locale.ROOT, "%.0f MB", Long.parseLong(line.replaceAll("\\D", "")) * 1024 / 1e6);
        } catch (Exception | Error e) { /* not Linux */ }
        return "n/a";
    }

    /** Bytes allocated on the JVM heap per timed run of the last {@link #time} (all threads; -1 where not measurable). */
    double allocatedPerRun = -1;

    /**
     * Heap bytes allocated so far by the live threads (HotSpot's per-thread counters, which GC does not reset), or -1
     * where the JVM does not count them. The kernels' worker threads live for the whole process, so a difference of two
     * readings covers a run's allocations on every thread.
     */
    static long allocatedBytes() {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean b) || !b.isThreadAllocatedMemorySupported()
                || !b.isThreadAllocatedMemoryEnabled()) return -1;
        long sum = 0;
        for (long n : b.getThreadAllocatedBytes(b.getAllThreadIds())) if (n > 0) sum += n;
        return sum;
    }

    private static final java.util.concurrent.atomic.AtomicLong PEAK_HEAP = new java.util.concurrent.atomic.AtomicLong();

    /** Samples the used heap (live data and not yet collected garbage) every 2 ms until interrupted. */
    private static void sampleHeap() {
        var mem = ManagementFactory.getMemoryMXBean();
        while (!Thread.currentThread().isInterrupted()) {
            PEAK_HEAP.accumulateAndGet(mem.getHeapMemoryUsage().getUsed(), Math::max);
            try { Thread.sleep(2); } catch (InterruptedException e) { return; }
        }
    }

    /** The largest used heap (MB) sampled during the last timed runs: at most the committed heap, garbage included. */
    static double peakHeapMb() { return PEAK_HEAP.get() / 1e6; }
}
