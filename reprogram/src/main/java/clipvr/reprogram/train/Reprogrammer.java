package clipvr.reprogram.train;

import clipvr.autograd.GradMode;
import clipvr.autograd.Var;
import clipvr.reprogram.head.AttrVrHead;
import clipvr.reprogram.head.ClassHead;
import clipvr.reprogram.head.DecoupledHead;
import clipvr.reprogram.head.LabelHead;
import clipvr.reprogram.head.MappedHead;
import clipvr.reprogram.mapping.BayesianMapping;
import clipvr.reprogram.mapping.LabelMapping;
import clipvr.reprogram.mapping.OutputMapping;
import clipvr.reprogram.mapping.MappingKind;
import clipvr.reprogram.head.PrmEstimator;
import clipvr.reprogram.input.InputTransform;
import clipvr.reprogram.input.PaddingPrompt;
import clipvr.reprogram.input.SampleSpecificMask;
import clipvr.reprogram.input.SharedMaskPrompt;
import clipvr.reprogram.input.WatermarkPrompt;
import clipvr.reprogram.method.DecoupledVisualPrompts;
import clipvr.reprogram.method.ImageEncoder;
import clipvr.reprogram.method.StateDict;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;

/**
 * One method assembled from the pieces of {@code clipvr.reprogram.{input, head, method}} around a frozen encoder: the
 * factory for every {@link Method}, with one forward interface for the trainer.
 * <ul>
 *   <li>zero-shot: encoder → {@link LabelHead} (no parameters);</li>
 *   <li>VP / AR / SMM / SMM baselines: prompt → encoder → {@link LabelHead};</li>
 *   <li>AttrVR: {@link PaddingPrompt} → encoder → {@link AttrVrHead} (k, α from the config); with
 *       {@code --label-mapping}, a {@link MappedHead} over an {@link AttrVrHead} of the source classes' descriptions;</li>
 *   <li>DVP-cse / DVP-cls: K {@link PaddingPrompt}s → one encoder pass over the K·B prompted images → {@link DecoupledHead}
 *       with Ω from a {@link PrmEstimator}.</li>
 * </ul>
 * State names (checkpoint tensors): {@code prompt.<name>} for a single prompt (e.g. {@code prompt.program},
 * {@code prompt.priority.bn1.running_mean}), {@code prompts.<k>.program} for DVP, {@code prm.weights} = ω [C, M]
 * (float64; Ω = its block matrix), {@code label_mapping.source_of} [C] (float64 source-class indices; with
 * {@code --label-mapping}: the head is a {@link MappedHead} instead of the {@link LabelHead}).
 */
public final class Reprogrammer {
    private final Method method;
    private final ImageEncoder encoder;
    private final InputTransform prompt;            // single-prompt methods, else null
    private final ClassHead head;                   // label / AttrVR head, else null
    private final List<PaddingPrompt> prompts;      // DVP, else empty
    private final DecoupledHead decoupled;          // DVP, else null
    private final PrmEstimator prm;                 // DVP, else null
    private clipvr.tensor.Device device = clipvr.tensor.Device.CPU;

    private Reprogrammer(Method method, ImageEncoder encoder, InputTransform prompt, ClassHead head,
                         List<PaddingPrompt> prompts, DecoupledHead decoupled, PrmEstimator prm) {
        this.method = method;
        this.encoder = encoder;
        this.prompt = prompt;
        this.head = head;
        this.prompts = prompts;
        this.decoupled = decoupled;
        this.prm = prm;
    }

    /** Builds {@code config}'s method on {@code encoder} with the text side {@code text}. */
    public static Reprogrammer build(TrainConfig config, ImageEncoder encoder, TextFeatures text, int numClasses) {
        Method m = config.methodEnum();
        int r = encoder.resolution();
        DType dt = DType.F32;
        return switch (m) {
            case ZEROSHOT -> new Reprogrammer(m, encoder, null, new LabelHead(text.table("label"), config.logitScale()), List.of(), null, null);
            case VP -> single(m, encoder, WatermarkPrompt.withInner(r, config.inner(), dt), labelHead(config, text, numClasses));
            case AR -> single(m, encoder, new PaddingPrompt(r, config.inputSize(), dt), labelHead(config, text, numClasses));
            case SMM -> single(m, encoder, new SampleSpecificMask(r, config.maskLayers(), config.patch(), 3, dt,
                    Seeds.rng(config.seed(), "mask-init")), labelHead(config, text, numClasses));
            case SMM_PAD -> single(m, encoder, SharedMaskPrompt.pad(r, config.inputSize(), dt), labelHead(config, text, numClasses));
            case SMM_NARROW -> single(m, encoder, SharedMaskPrompt.of(SharedMaskPrompt.Kind.NARROW, r, dt), labelHead(config, text, numClasses));
            case SMM_MEDIUM -> single(m, encoder, SharedMaskPrompt.of(SharedMaskPrompt.Kind.MEDIUM, r, dt), labelHead(config, text, numClasses));
            case SMM_FULL -> single(m, encoder, SharedMaskPrompt.of(SharedMaskPrompt.Kind.FULL, r, dt), labelHead(config, text, numClasses));
            case ATTRVR -> single(m, encoder, new PaddingPrompt(r, config.inputSize(), dt), attrVrHead(config, text, numClasses));
            case DVP_CSE, DVP_CLS -> {
                DecoupledHead h;
                if (m == Method.DVP_CSE) {
                    List<Tensor> tables = new ArrayList<>();
                    for (int i = 1; i <= config.causes(); i++) tables.add(text.table("cse_" + i));
                    h = DecoupledHead.byCause(tables, numClasses, config.logitScale());
                } else {
                    h = DecoupledHead.byCluster(text.table("des"), text.clusterOf(), config.clusters(), numClasses, config.logitScale());
                }
                List<PaddingPrompt> ps = new ArrayList<>();
                for (int k = 0; k < h.branches(); k++) ps.add(new PaddingPrompt(r, config.inputSize(), dt));
                yield new Reprogrammer(m, encoder, null, null, List.copyOf(ps), h,
                        new PrmEstimator(numClasses, h.descriptionsPerClass(), config.topk()));
            }
        };
    }

    /**
     * The label head, or with {@code --label-mapping} a {@link MappedHead}: CLIP zero-shot over the source classes and a
     * one-to-one mapping. RLM draws its mapping here from (seed, "label-mapping"); ILM and FLM start from the identity
     * prefix, which the trainer replaces with the frequency mapping before the first step.
     */
    static ClassHead labelHead(TrainConfig config, TextFeatures text, int numClasses) {
        if (config.mappingKind() == null) return new LabelHead(text.table("label"), config.logitScale());
        return mapped(config, new LabelHead(text.table("source"), config.logitScale()), numClasses);
    }

    /**
     * AttrVR's head over the target classes, or with {@code --label-mapping} over the source classes (whose
     * descriptions fill the {@code des}/{@code dist} tables, m rows per class) followed by the mapping.
     */
    static ClassHead attrVrHead(TrainConfig config, TextFeatures text, int numClasses) {
        Tensor des = text.table("des"), dist = config.alpha() == 1.0 ? null : text.table("dist");
        if (config.mappingKind() == null) return new AttrVrHead(des, dist, numClasses, config.topk(), config.alpha(), config.logitScale());
        int s = des.size(0) / config.m();                                                     // [S·m, E] → S source classes
        return mapped(config, new AttrVrHead(des, dist, s, config.topk(), config.alpha(), config.logitScale()), numClasses);
    }

    /**
     * {@code source} [B, S] followed by the run's initial mapping (RLM: drawn from (seed, "label-mapping"); BLM, BLM+:
     * uniform; ILM, FLM: the identity prefix; the trainer replaces the last four before the first step).
     */
    private static MappedHead mapped(TrainConfig config, ClassHead source, int numClasses) {
        int s = source.numClasses();
        OutputMapping initial = switch (config.mappingKind()) {
            case RLM -> LabelMapping.random(s, numClasses, Seeds.derive(config.seed(), "label-mapping"));
            case BLM, BLMP -> BayesianMapping.uniform(s, numClasses);
            case ILM, FLM -> LabelMapping.identity(s, numClasses);
        };
        return new MappedHead(source, initial);
    }

    private static Reprogrammer single(Method m, ImageEncoder e, InputTransform p, ClassHead h) {
        if (p.outputSize() != e.resolution())
            throw new IllegalArgumentException(m + ": prompt output " + p.outputSize() + " != encoder resolution " + e.resolution());
        return new Reprogrammer(m, e, p, h, List.of(), null, null);
    }

    public Method method() { return method; }
    public ImageEncoder encoder() { return encoder; }
    public InputTransform prompt() { return prompt; }
    public List<PaddingPrompt> prompts() { return prompts; }
    public DecoupledHead decoupledHead() { return decoupled; }
    public PrmEstimator prm() { return prm; }

    /** The label-mapping head, or null when the method uses another head. */
    public MappedHead mappedHead() { return head instanceof MappedHead h ? h : null; }

    /** Source logits [B, S] of the label-mapping head's frozen classifier, without a graph. */
    public Tensor sourceLogits(Tensor images) {
        MappedHead h = mappedHead();
        if (h == null) throw new IllegalStateException(method + ": no label mapping");
        try (var s = GradMode.noGrad()) {
            return h.sourceLogits(encoder.encodeImage(encoderInputs(Var.constant(images.to(device))))).data();   // host in, device out
        }
    }

    /** Class logits z [B, C] and, for DVP, the description logits F [B, C·M] of the same pass (else null). */
    public record Output(Var logits, Var descriptionLogits) {}

    /** images [B, 3, r, r] (as {@link Preprocessing} makes them) → logits; records a graph when grad mode is on. */
    public Output forward(Var images) {
        return head(encoder.encodeImage(encoderInputs(images)), images.size(0));
    }

    /** The prompted encoder inputs [N, 3, R, R]: N = B, or K·B for DVP (K prompted copies, prompt-major). */
    Var encoderInputs(Var images) {
        if (decoupled != null) return DecoupledVisualPrompts.promptedBatch(prompts, images);  // [K·B, 3, R, R]
        return prompt == null ? images : prompt.apply(images);
    }

    /** The head on encoder features v [N, E] of a batch of {@code b} images. */
    Output head(Var v, int b) {
        if (decoupled != null) {
            List<Var> branches = DecoupledVisualPrompts.branches(v, prompts.size(), b);          // K × [B, E]
            Var f = decoupled.descriptionLogits(branches);                                       // [B, C·M]
            return new Output(decoupled.classLogits(f), f);
        }
        return new Output(head.logits(v), null);
    }

    /**
     * Encoder inputs per graph during training ({@code -Dclipvr.microBatch}, default 64). The K prompted copies
     * of a DVP batch go through the frozen encoder as one [K·B] batch, in chunks of this size. A ViT-B/32
     * graph saves about 18 MB per image for backward (the graph keeps only what backward reads), so 64
     * inputs hold ~1.2 GB; a DVP-cse batch (3 × 64 prompted images) in one graph would need ~3.5 GB.
     */
    public static final int MICRO_BATCH = Integer.getInteger("clipvr.microBatch", 64);

    /**
     * One training forward + backward with memory bounded by {@link #MICRO_BATCH} encoder inputs per graph.
     * When the prompted batch is larger, the exact gradient is assembled in three passes: (1) the encoder
     * features without a graph, (2) the head and loss on those features as a leaf, giving dL/dfeatures,
     * (3) per chunk, the encoder again with a graph, back-propagating that chunk's dL/dfeatures to the
     * encoder input; the summed input gradient then flows once through the prompt's graph. The price is one
     * extra forward pass; the gradients equal the single-graph ones up to float summation order.
     *
     * @return the forward output (values only) and the loss value
     */
    public Output trainStep(Var images, java.util.function.Function<Var, Var> loss, double[] lossValue) {
        return trainStep(images, loss, lossValue, MICRO_BATCH);
    }

    /** {@link #trainStep(Var, java.util.function.Function, double[])} with an explicit micro-batch size. */
    public Output trainStep(Var images, java.util.function.Function<Var, Var> loss, double[] lossValue, int microBatch) {
        final int MICRO_BATCH = microBatch;
        Var x = encoderInputs(images);                                                          // graph to the prompts
        int n = x.size(0), b = images.size(0);
        if (n <= MICRO_BATCH) {
            Output out = head(encoder.encodeImage(x), b);
            Var l = loss.apply(out.logits());
            lossValue[0] = l.item();
            l.backward();
            return out;
        }
        Tensor features;
        try (var s = GradMode.noGrad()) {
            List<Tensor> parts = new ArrayList<>();
            for (int i = 0; i < n; i += MICRO_BATCH)
                parts.add(encoder.encodeImage(Var.constant(x.data().narrow(0, i, Math.min(MICRO_BATCH, n - i)))).data());
            features = clipvr.tensor.ops.Indexing.cat(parts, 0);                               // [N, E]
        }
        Var f = Var.param(features);
        Output out = head(f, b);
        Var l = loss.apply(out.logits());
        lossValue[0] = l.item();
        l.backward();                                                                           // dL/df in f.grad()
        if (!x.requiresGrad()) return out;
        Var input = Var.param(x.data());                                                        // the encoder input as a leaf
        for (int i = 0; i < n; i += MICRO_BATCH) {
            int len = Math.min(MICRO_BATCH, n - i);
            encoder.encodeImage(input.narrow(0, i, len)).backward(f.grad().narrow(0, i, len).contiguous());
        }
        x.backward(input.grad());                                                               // through the prompts
        return out;
    }

    /** Evaluation logits [B, C] without a graph. */
    public Tensor logits(Tensor images) {
        try (var s = GradMode.noGrad()) {
            return forward(Var.constant(images.to(device))).logits().data().to(clipvr.tensor.Device.CPU);   // host in, host out
        }
    }

    /**
     * The methods whose every piece runs on a device: all of them (SMM's mask network with its batch-norm statistics,
     * max-pool argmax and masks, and AttrVR's top-k stay there). The set and {@link #requireOnDevice} remain the place
     * to refuse a method that gains host-side state.
     */
    public static final java.util.Set<Method> ON_DEVICE = java.util.EnumSet.allOf(Method.class);

    /**
     * Throws, naming the method and the flags, when {@code method} (with {@code --label-mapping labelMapping}, null
     * when none) cannot run on {@code device}; nothing on the CPU. The CLI calls it before loading anything.
     */
    public static void requireOnDevice(Method method, String labelMapping, clipvr.tensor.Device device) {
        if (device.isCpu()) return;
        String why = "it keeps state on the host";
        String supported = ON_DEVICE.stream().map(Method::cliName).collect(java.util.stream.Collectors.joining(", "));
        if (!ON_DEVICE.contains(method))
            throw new IllegalArgumentException("--method " + method.cliName() + " does not run with --device " + device + " yet (" + why
                    + "); run it with --device cpu (the default), or choose a method that runs there: " + supported);
    }

    /**
     * Moves the method to {@code device}: the frozen encoder's weights and the trainable parameters (one counted
     * upload each). Constants (masks, text tables, Ω) are uploaded once on first use ({@link clipvr.tensor.Constants}),
     * so a training step then moves only its images and labels in and its loss out. Call before building optimisers.
     */
    public Reprogrammer to(clipvr.tensor.Device device) {
        if (device.isCpu()) return this;
        requireOnDevice(method, mappedHead() != null ? "on" : null, device);
        if (!(encoder instanceof ClipImageEncoder e))
            throw new UnsupportedOperationException("only the CLIP image encoder moves to a device, got " + encoder.getClass().getSimpleName());
        e.model().to(device);
        for (Var p : namedParameters().values()) p.setData(p.data().to(device));
        if (prompt != null) prompt.to(device);                                                  // SMM's batch-norm statistics
        this.device = device;
        return this;
    }

    /** Where the encoder and the parameters live (the CPU unless moved by {@link #to}). */
    public clipvr.tensor.Device device() { return device; }

    /** Train / eval mode (only SMM's batch norm distinguishes them). */
    public void train(boolean on) {
        if (prompt != null) prompt.train(on);
        for (PaddingPrompt p : prompts) p.train(on);
    }

    /** Every trainable parameter by state name (live Vars, updated in place by the optimisers). */
    public SequencedMap<String, Var> namedParameters() {
        SequencedMap<String, Var> out = new LinkedHashMap<>();
        if (prompt instanceof SampleSpecificMask smm) {
            out.put("prompt.program", smm.program());
            List<String> names = smm.maskNetwork().parameterNames();
            List<Var> ps = smm.maskParameters();
            for (int i = 0; i < ps.size(); i++) out.put("prompt.priority." + names.get(i), ps.get(i));
        } else if (prompt != null) {
            out.put("prompt.program", prompt.parameters().getFirst());
        }
        for (int k = 0; k < prompts.size(); k++) out.put("prompts." + k + ".program", prompts.get(k).program());
        return out;
    }

    /** SMM's δ (its own optimiser), or all parameters for the other methods. */
    public SequencedMap<String, Var> patternParameters() {
        SequencedMap<String, Var> all = namedParameters(), out = new LinkedHashMap<>();
        all.forEach((k, v) -> { if (!k.startsWith("prompt.priority.")) out.put(k, v); });
        return out;
    }

    /** SMM's mask-network parameters (empty for the other methods). */
    public SequencedMap<String, Var> maskParameters() {
        SequencedMap<String, Var> all = namedParameters(), out = new LinkedHashMap<>();
        all.forEach((k, v) -> { if (k.startsWith("prompt.priority.")) out.put(k, v); });
        return out;
    }

    /** Trainable values and buffers: prompts (with fixed masks and BN statistics) and ω. */
    public Map<String, Tensor> state() {
        Map<String, Tensor> s = StateDict.create();
        if (prompt != null) StateDict.putAll(s, "prompt", prompt.state());
        for (int k = 0; k < prompts.size(); k++) StateDict.putAll(s, "prompts." + k, prompts.get(k).state());
        if (decoupled != null) s.put("prm.weights", decoupled.classWeights());
        if (head instanceof MappedHead h) switch (h.mapping()) {
            case LabelMapping m -> s.put("label_mapping.source_of", sourceOfTensor(m));
            case BayesianMapping b -> s.put("label_mapping.omega", Tensor.of(flatten(b.omega()), b.numSources(), b.numTargets()));   // [S, C] float64
        }
        if (!device.isCpu()) s.replaceAll((k, t) -> t.to(clipvr.tensor.Device.CPU));          // checkpoints are host tensors
        return s;
    }

    /** Loads {@link #state()} (shapes checked). */
    public void load(Map<String, Tensor> state) {
        if (!device.isCpu()) {
            Map<String, Tensor> onDevice = new LinkedHashMap<>();
            state.forEach((k, t) -> onDevice.put(k, t.to(device)));
            state = onDevice;
        }
        if (prompt != null) prompt.load(StateDict.sub(state, "prompt"));
        for (int k = 0; k < prompts.size(); k++) prompts.get(k).load(StateDict.sub(state, "prompts." + k));
        if (decoupled != null) {
            Tensor w = StateDict.require(state, "prm.weights", decoupled.numClasses(), decoupled.descriptionsPerClass());
            decoupled.setReweighting(PrmEstimator.blockMatrix(w));
        }
        if (head instanceof MappedHead h) {
            if (h.mapping() instanceof BayesianMapping) {
                double[] w = StateDict.require(state, "label_mapping.omega", h.numSources(), h.numClasses()).toDoubleArray();
                double[][] omega = new double[h.numSources()][];
                for (int i = 0; i < omega.length; i++) omega[i] = java.util.Arrays.copyOfRange(w, i * h.numClasses(), (i + 1) * h.numClasses());
                h.setMapping(new BayesianMapping(omega));
            } else {
                double[] v = StateDict.require(state, "label_mapping.source_of", h.numClasses()).toDoubleArray();
                int[] m = new int[v.length];
                for (int i = 0; i < v.length; i++) m[i] = (int) v[i];
                h.setMapping(new LabelMapping(m, h.numSources()));
            }
        }
    }

    private static double[] flatten(double[][] a) {
        double[] f = new double[a.length * a[0].length];
        for (int i = 0; i < a.length; i++) System.arraycopy(a[i], 0, f, i * a[0].length, a[0].length);
        return f;
    }

    /** sourceOf [C] as a float64 tensor (exact for any class index). */
    static Tensor sourceOfTensor(LabelMapping m) {
        int[] so = m.sourceOf();
        double[] d = new double[so.length];
        for (int i = 0; i < d.length; i++) d[i] = so[i];
        return Tensor.of(d, d.length);
    }

    /** Effective trainable values (masked-out prompt entries not counted). */
    public long effectiveParameterCount() {
        long n = prompt == null ? 0 : prompt.effectiveParameterCount();
        for (PaddingPrompt p : prompts) n += p.effectiveParameterCount();
        return n;
    }
}
