package clipvr.reprogram.train;

import clipvr.reprogram.data.ClassNames;
import clipvr.reprogram.input.PromptGeometry;
import clipvr.reprogram.mapping.MappingKind;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every setting of a run, defaults resolved ({@code config.json}). Build one with {@link Builder}: unset values get
 * the papers' defaults for the method (docs/training.md, "Defaults").
 *
 * @param method          {@link Method#cliName()}
 * @param weights         CLIP checkpoint path (absolute)
 * @param weightsSha256   SHA-256 of the weights file (hex; of the sorted file list for a directory)
 * @param vocab           tokenizer vocabulary path
 * @param data            dataset spec for {@code Datasets.open}
 * @param dataset         dataset key used for description files and per-dataset defaults (e.g. {@code eurosat})
 * @param descriptions    description directory, or {@code "bundled"} for the files in the jar; null when unused
 * @param shots           training images per class
 * @param epochs          all epochs, DVP's PRM-only epoch 0 included
 * @param seed            the one seed every random stream derives from
 * @param batch           images per step
 * @param optimizer       {@code sgd} (CLIP VR family) or {@code adam} (SMM)
 * @param lr              learning rate (SMM: of δ)
 * @param momentum        SGD momentum
 * @param weightDecay     weight decay (SGD and Adam, L2 form)
 * @param schedule        {@code cosine} (per iteration, T_max = epochs·iterations) or {@code multistep} (per epoch)
 * @param milestones      MultiStepLR milestones (epochs)
 * @param gamma           MultiStepLR factor for δ
 * @param maskLr          SMM mask-network lr
 * @param maskGamma       SMM mask-network MultiStepLR factor
 * @param maskLayers      SMM mask-network depth (5 or 6)
 * @param patch           SMM patch size
 * @param evalEvery       evaluate every N epochs (and after the last)
 * @param valFraction     stratified validation hold-out from the training pool (0 = none)
 * @param testLimit       class-balanced test subset size, or null for the whole test split
 * @param m               descriptions sampled per class and file
 * @param topk            AttrVR / PRM top-k
 * @param alpha           AttrVR DesAttr weight
 * @param causes          DVP-cse cause files
 * @param clusters        DVP-cls clusters K
 * @param kmeansInit      k-means restarts (n_init)
 * @param templates       label templates (zero-shot ensembles; the trained methods use "This is a photo of {}.")
 * @param resolution      encoder resolution R
 * @param inputSize       prompt input size r
 * @param inner           side of the part of the R×R input that a frame prompt leaves free ({@code --inner}): the resized
 *                        target image of AR, AttrVR, DVP and SMM-pad (= {@code inputSize}), the centre inside VP's
 *                        watermark border (R − 2·pad); null for the methods without a frame. Default (and the value
 *                        filled in when a config.json written before this field is read): {@link #defaultInner}
 * @param labelMapping    {@code ilm}, {@code flm} or {@code rlm}: CLIP zero-shot over the source classes plus a one-to-one
 *                        label mapping replaces the label head (SMM spec §5.4); {@code blm} or {@code blmp} (BLM+): the
 *                        same source head plus a Bayesian-guided reweighting matrix ω [S, C]; null: the label head
 * @param blmLap          BLM / BLM+ Laplace smoothing λ ({@code --blm-lap}, default 1 as BayesianLM's {@code cfg.py});
 *                        null for the other mappings
 * @param blmTopkRatio    BLM+'s top-k as a fraction of the target classes, k = max(1, ⌊ratio·C⌋)
 *                        ({@code --blm-topk-ratio}, default 0.15 as BayesianLM's {@code cfg.py}); null otherwise
 * @param sourceClasses   the source classes of the label mapping: {@link #BUNDLED_CIFAR100} or an absolute file path;
 *                        null without a label mapping
 * @param sourceDescriptions AttrVR with a label mapping: the dataset keys (e.g. {@code [cifar10, gtsrb]}) whose
 *                        {@code <key>_des.json} and {@code <key>_dist.json} (in {@code descriptions}) describe the
 *                        source classes; AttrVR's head then scores the source classes' descriptions and the mapping
 *                        reads one source class per target class. Null otherwise
 * @param sourceTemplates a label mapping's source head scored with pretraining templates ({@code --source-templates}):
 *                        dataset keys (e.g. {@code [cifar10, gtsrb]}); each source class gets the zero-shot templates
 *                        ({@code Templates.forDatasetKey}) of the first key whose bundled class list names it, the
 *                        captions a clipvr-mini model was pretrained on. Null: the label template for every source class
 * @param augment         the training augmentation ({@code --augment}): {@code papers} (the reference code's, default; also
 *                        what a config.json written before this field reads as), {@code mild} or {@code none}
 *                        ({@link Preprocessing.Augment})
 * @param logitScale      the temperature of every cosine-logit head, logits = s·cos(v, t) ({@code --logit-scale}). Default:
 *                        the model's own exp(logit_scale), which is what the reference code reads
 *                        ({@code model.logit_scale.exp()}, spec §1.1): 100 for OpenAI's released models (the papers'
 *                        "100·cos"), 17.3 for clipvr-mini. A config.json written before this field reads as 100, the
 *                        constant those runs used.
 */
@JsonPropertyOrder(alphabetic = false)
public record TrainConfig(
        @JsonProperty("method") String method,
        @JsonProperty("weights") String weights,
        @JsonProperty("weights_sha256") String weightsSha256,
        @JsonProperty("vocab") String vocab,
        @JsonProperty("data") String data,
        @JsonProperty("dataset") String dataset,
        @JsonProperty("descriptions") String descriptions,
        @JsonProperty("shots") int shots,
        @JsonProperty("epochs") int epochs,
        @JsonProperty("seed") long seed,
        @JsonProperty("batch") int batch,
        @JsonProperty("optimizer") String optimizer,
        @JsonProperty("lr") double lr,
        @JsonProperty("momentum") double momentum,
        @JsonProperty("weight_decay") double weightDecay,
        @JsonProperty("schedule") String schedule,
        @JsonProperty("milestones") int[] milestones,
        @JsonProperty("gamma") double gamma,
        @JsonProperty("mask_lr") double maskLr,
        @JsonProperty("mask_gamma") double maskGamma,
        @JsonProperty("mask_layers") int maskLayers,
        @JsonProperty("patch") int patch,
        @JsonProperty("eval_every") int evalEvery,
        @JsonProperty("val_fraction") double valFraction,
        @JsonProperty("test_limit") Integer testLimit,
        @JsonProperty("m") int m,
        @JsonProperty("topk") int topk,
        @JsonProperty("alpha") double alpha,
        @JsonProperty("causes") int causes,
        @JsonProperty("clusters") int clusters,
        @JsonProperty("kmeans_init") int kmeansInit,
        @JsonProperty("templates") List<String> templates,
        @JsonProperty("resolution") int resolution,
        @JsonProperty("input_size") int inputSize,
        @JsonProperty("inner") Integer inner,
        @JsonProperty("label_mapping") String labelMapping,
        @JsonProperty("blm_lap") Double blmLap,
        @JsonProperty("blm_topk_ratio") Double blmTopkRatio,
        @JsonProperty("source_classes") String sourceClasses,
        @JsonProperty("source_descriptions") List<String> sourceDescriptions,
        @JsonProperty("source_templates") List<String> sourceTemplates,
        @JsonProperty("augment") String augment,
        @JsonProperty("logit_scale") Double logitScale) {

    /** {@link #sourceClasses()} for the bundled CIFAR-100 names (CLIP's, in label order). */
    public static final String BUNDLED_CIFAR100 = "bundled:cifar100";

    public TrainConfig {
        if (inner == null && method != null) inner = defaultInner(Method.parse(method), resolution);   // config.json from before --inner
        if (logitScale == null) logitScale = clipvr.reprogram.head.CosineLogits.LOGIT_SCALE;          // config.json from before --logit-scale
        if (augment == null) augment = Preprocessing.Augment.PAPERS.cliName();                        // config.json from before --augment
    }

    /** The methods with a frame prompt, whose frame {@code --inner} sizes. */
    public static final List<Method> FRAME_METHODS = List.of(Method.VP, Method.AR, Method.ATTRVR, Method.DVP_CSE,
            Method.DVP_CLS, Method.SMM_PAD);

    /**
     * The papers' frame at resolution R ({@link PromptGeometry}): AR, AttrVR, DVP {@code R − 2·round(16R/224)} (192 at
     * 224, 28 at 32); VP {@code R − 2·round(30R/224)} (164, 24); SMM-pad {@code R − 2·round(48R/224)} (128, 18); null for
     * the methods without a frame.
     */
    public static Integer defaultInner(Method method, int resolution) {
        if (!FRAME_METHODS.contains(method)) return null;
        PromptGeometry geo = PromptGeometry.forResolution(resolution);
        return switch (method) {
            case VP -> geo.vpInner();
            case SMM_PAD -> geo.padInner();
            default -> geo.arInner();
        };
    }

    /** BLM+'s k for S source and C target classes: max(1, ⌊ratio·C⌋), at most S. */
    public int blmTopK(int sources, int targets) {
        if (blmTopkRatio == null) throw new IllegalStateException("no BLM+ top-k ratio: --label-mapping is " + labelMapping);
        return Math.min(sources, Math.max(1, (int) Math.floor(blmTopkRatio * targets)));
    }

    /** The label-mapping kind, or null for the label head. */
    public MappingKind mappingKind() {
        return labelMapping == null ? null : MappingKind.parse(labelMapping);
    }


    /** The label template of the VR papers' code. */
    public static final String LABEL_TEMPLATE = "This is a photo of {}.";

    /** DVP-cls K per dataset (DVP-code cfg.py {@code dataset_clusters}); 3 for any other dataset. */
    public static final Map<String, Integer> DATASET_CLUSTERS = Map.ofEntries(
            Map.entry("caltech101", 3), Map.entry("dtd", 3), Map.entry("eurosat", 1), Map.entry("fgvc", 3),
            Map.entry("food101", 2), Map.entry("oxford_flowers", 3), Map.entry("oxford_pets", 3),
            Map.entry("stanford_cars", 3), Map.entry("sun397", 3), Map.entry("ucf101", 2), Map.entry("resisc45", 3));

    public Method methodEnum() { return Method.parse(method); }

    /** The methods whose label head {@code --label-mapping} may replace. */
    public static final List<Method> LABEL_MAPPING_METHODS = List.of(Method.VP, Method.AR, Method.SMM, Method.SMM_PAD,
            Method.SMM_NARROW, Method.SMM_MEDIUM, Method.SMM_FULL, Method.ATTRVR);

    /** The SMM default milestones [int(0.5·E), int(0.72·E)]. */
    public static int[] defaultMilestones(int epochs) { return new int[]{(int) (0.5 * epochs), (int) (0.72 * epochs)}; }

    /** Mutable settings; null means "the default for the method". */
    public static final class Builder {
        public Method method;
        public String weights, weightsSha256, vocab, data, dataset, descriptions;
        public Integer shots, epochs, batch, evalEvery, testLimit, m, topk, causes, clusters, kmeansInit, maskLayers, patch;
        /** {@code --inner}: side of the free centre of the frame methods' input (null: {@link #defaultInner}). */
        public Integer inner;
        public Long seed;
        public Double lr, momentum, weightDecay, gamma, maskLr, maskGamma, valFraction, alpha;
        public int[] milestones;
        public List<String> templates;
        /** {@code ilm}, {@code flm}, {@code rlm}, {@code blm}, {@code blmp} or {@code blm+} (case-insensitive) or null. */
        public String labelMapping;
        /** {@code --blm-lap}, {@code --blm-topk-ratio} (null: BayesianLM's 1 and 0.15). */
        public Double blmLap, blmTopkRatio;
        /** {@link #BUNDLED_CIFAR100}, a class-names file, or null (the bundled names when a label mapping is set). */
        public String sourceClasses;
        /** {@code --source-descriptions}: dataset keys of the source classes' description files (AttrVR with a label mapping). */
        public List<String> sourceDescriptions;
        /** {@code --source-templates}: dataset keys whose templates score the source classes they name (label mapping, no descriptions). */
        public List<String> sourceTemplates;
        /** {@code --augment}: papers, mild or none (null: papers). */
        public String augment;
        /** {@code --logit-scale}: the heads' temperature (null: the model's exp(logit_scale)). */
        public Double logitScale;

        /** {@link #build(int, double)} for a model whose exp(logit_scale) is 100 (OpenAI's released CLIPs). */
        public TrainConfig build(int resolution) { return build(resolution, clipvr.reprogram.head.CosineLogits.LOGIT_SCALE); }

        /**
         * Resolves every default and checks ranges; errors name the flag. {@code modelLogitScale} is the model's
         * exp(logit_scale), the default of {@code --logit-scale}.
         */
        public TrainConfig build(int resolution, double modelLogitScale) {
            if (method == null) throw new IllegalArgumentException("--method is required (one of " + Method.names() + ")");
            int sh = or(shots, 16);
            int ep = or(epochs, method.trains() ? 200 : 0);
            positive("--shots", sh);
            if (!method.trains() && ep > 0)
                throw new IllegalArgumentException("--epochs " + ep + ": " + method + " does not train (it evaluates once); leave --epochs out");
            if (method.trains()) positive("--epochs", ep);
            else if (ep < 0) throw new IllegalArgumentException("--epochs must be >= 0, got " + ep);
            if (method.isDvp() && ep < 2)
                throw new IllegalArgumentException("--epochs " + ep + ": DVP needs at least 2 (epoch 0 only estimates the PRM)");
            int b = or(batch, sh == 1 ? 16 : 64);
            positive("--batch", b);
            boolean smm = method.family() == Method.Family.SMM;
            double l = or(lr, smm ? 0.01 : 40.0);
            if (!(l >= 0) || Double.isInfinite(l)) throw new IllegalArgumentException("--lr must be a finite number >= 0, got " + l);
            double mom = or(momentum, 0.9);
            if (!(mom >= 0 && mom < 1)) throw new IllegalArgumentException("--momentum must be in [0, 1), got " + mom);
            double wd = or(weightDecay, 0.0);
            if (!(wd >= 0)) throw new IllegalArgumentException("--weight-decay must be >= 0, got " + wd);
            int[] ms = milestones != null ? milestones.clone() : defaultMilestones(ep);
            for (int x : ms) if (x < 0) throw new IllegalArgumentException("--milestones must be >= 0, got " + x);
            double g = or(gamma, 0.1), mg = or(maskGamma, 0.1), mlr = or(maskLr, 0.01);
            if (!(g > 0) || !(mg > 0)) throw new IllegalArgumentException("--gamma and --mask-gamma must be > 0");
            if (!(mlr >= 0)) throw new IllegalArgumentException("--mask-lr must be >= 0, got " + mlr);
            int layers = or(maskLayers, 5);
            if (layers != 5 && layers != 6) throw new IllegalArgumentException("--mask-layers must be 5 or 6, got " + layers);
            int p = or(patch, 8);
            if (smm && method == Method.SMM) {
                if (p != 1 && p != 2 && p != 4 && p != 8 && p != 16 && p != 32)
                    throw new IllegalArgumentException("--patch must be one of 1, 2, 4, 8, 16, 32, got " + p);
                if (p == 32 && layers != 6) throw new IllegalArgumentException("--patch 32 needs --mask-layers 6");
                if (resolution % p != 0) throw new IllegalArgumentException("--patch " + p + " does not divide the resolution " + resolution);
            }
            int every = or(evalEvery, 1);
            positive("--eval-every", every);
            double vf = or(valFraction, 0.0);
            if (!(vf >= 0 && vf < 1)) throw new IllegalArgumentException("--val-fraction must be in [0, 1), got " + vf);
            if (testLimit != null) positive("--test-limit", testLimit);
            int mm = or(m, 20), k = or(topk, 3);
            positive("--m", mm);
            if (k < 1 || k > mm) throw new IllegalArgumentException("--topk must be in [1, --m = " + mm + "], got " + k);
            double a = or(alpha, 0.5);
            if (!(a >= 0 && a <= 1)) throw new IllegalArgumentException("--alpha must be in [0, 1], got " + a);
            int cs = or(causes, 3);
            positive("--causes", cs);
            String ds = dataset == null ? null : dataset.toLowerCase(Locale.ROOT);
            int kc = or(clusters, ds != null && DATASET_CLUSTERS.containsKey(ds) ? DATASET_CLUSTERS.get(ds) : 3);
            positive("--clusters", kc);
            int ninit = or(kmeansInit, 10);
            positive("--kmeans-init", ninit);
            List<String> tpl = templates != null ? List.copyOf(templates) : List.of(LABEL_TEMPLATE);
            if (tpl.isEmpty()) throw new IllegalArgumentException("--templates: no templates");
            String lm = null, src = null;
            MappingKind kind = null;
            if (labelMapping != null) {
                kind = MappingKind.parse(labelMapping);
                lm = kind.cliName();
                if (!LABEL_MAPPING_METHODS.contains(method))
                    throw new IllegalArgumentException("--label-mapping " + lm + ": not available for --method " + method
                            + " (only for " + LABEL_MAPPING_METHODS.stream().map(Method::cliName).toList() + ")");
                src = sourceClasses != null ? sourceClasses : BUNDLED_CIFAR100;
            } else if (sourceClasses != null) {
                throw new IllegalArgumentException("--source-classes needs --label-mapping ilm|flm|rlm|blm|blmp");
            }
            Double lap = null, topk = null;
            if (kind != null && kind.bayesian()) {
                lap = or(blmLap, 1.0);
                if (!(lap >= 0) || Double.isInfinite(lap)) throw new IllegalArgumentException("--blm-lap must be a finite number >= 0, got " + lap);
                if (kind == MappingKind.BLMP) {
                    topk = or(blmTopkRatio, 0.15);
                    if (!(topk > 0 && topk <= 1)) throw new IllegalArgumentException("--blm-topk-ratio must be in (0, 1], got " + topk);
                } else if (blmTopkRatio != null) {
                    throw new IllegalArgumentException("--blm-topk-ratio is only for --label-mapping blmp (BLM+)");
                }
            } else if (blmLap != null || blmTopkRatio != null) {
                throw new IllegalArgumentException((blmLap != null ? "--blm-lap" : "--blm-topk-ratio") + " needs --label-mapping blm or blmp");
            }
            List<String> srcDesc = null;
            if (method == Method.ATTRVR && lm != null) {
                if (sourceDescriptions == null || sourceDescriptions.isEmpty())
                    throw new IllegalArgumentException("--label-mapping " + lm + " with --method attrvr needs --source-descriptions KEY[,KEY...]:"
                            + " the datasets whose <KEY>_des.json and <KEY>_dist.json describe the --source-classes (e.g. cifar10,gtsrb),"
                            + " because AttrVR's head scores descriptions of the source classes");
                srcDesc = datasetKeys("--source-descriptions", sourceDescriptions);
            } else if (sourceDescriptions != null) {
                throw new IllegalArgumentException("--source-descriptions is only for --method attrvr with --label-mapping ilm|flm|rlm|blm|blmp");
            }
            List<String> srcTpl = null;
            if (sourceTemplates != null) {
                if (lm == null || srcDesc != null)
                    throw new IllegalArgumentException("--source-templates is only for --label-mapping ilm|flm|rlm|blm|blmp with a label head ("
                            + LABEL_MAPPING_METHODS.stream().filter(x -> x != Method.ATTRVR).map(Method::cliName).toList()
                            + "); AttrVR's source head scores descriptions");
                srcTpl = datasetKeys("--source-templates", sourceTemplates);
                if (srcTpl.isEmpty()) throw new IllegalArgumentException("--source-templates: no dataset key");
                for (String key : srcTpl) {
                    try {
                        ClassNames.bundled(key);                               // the class list each key's templates are matched by
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("--source-templates: '" + key + "' has no bundled class list (" + e.getMessage() + ")", e);
                    }
                }
            }
            Integer in = defaultInner(method, resolution);
            if (inner != null) {
                if (in == null)
                    throw new IllegalArgumentException("--inner " + inner + ": --method " + method + " has no frame (only for "
                            + FRAME_METHODS.stream().map(Method::cliName).toList() + ")");
                if (inner < 1 || inner >= resolution)
                    throw new IllegalArgumentException("--inner must be in [1, " + (resolution - 1) + "] (below the model's input size "
                            + resolution + ", so that a frame remains), got " + inner);
                in = inner;
            }
            int inputSize = method == Method.VP || in == null ? resolution : in;   // VP prompts the full R image in place
            double scale = or(logitScale, modelLogitScale);
            if (!(scale > 0) || Double.isInfinite(scale))
                throw new IllegalArgumentException("--logit-scale must be a finite number > 0, got " + scale);
            return new TrainConfig(method.cliName(), weights, weightsSha256, vocab, data, dataset,
                    method.usesDescriptions() ? descriptions : null, sh, ep, or(seed, 0L), b,
                    smm ? "adam" : "sgd", l, smm ? 0.0 : mom, wd, smm ? "multistep" : "cosine", ms, g, mlr, mg, layers, p,
                    every, vf, testLimit, mm, k, a, cs, kc, ninit, tpl, resolution, inputSize, in, lm, lap, topk, src, srcDesc, srcTpl,
                    Preprocessing.Augment.parse(augment == null ? "papers" : augment).cliName(), scale);
        }

        /** Dataset keys as given to a flag: stripped, lower case, '-' as '_'; none empty or repeated. */
        private static List<String> datasetKeys(String flag, List<String> given) {
            List<String> keys = new ArrayList<>();
            for (String g : given) {
                String key = g.strip().toLowerCase(Locale.ROOT).replace('-', '_');
                if (key.isEmpty()) throw new IllegalArgumentException(flag + ": empty dataset key in " + given);
                if (keys.contains(key)) throw new IllegalArgumentException(flag + ": '" + key + "' given twice");
                keys.add(key);
            }
            return List.copyOf(keys);
        }

        private static void positive(String flag, int v) {
            if (v <= 0) throw new IllegalArgumentException(flag + " must be positive, got " + v);
        }

        private static <T> T or(T v, T d) { return v != null ? v : d; }
    }

    @Override public boolean equals(Object o) {
        return o instanceof TrainConfig c && RunFiles.JSON.valueToTree(this).equals(RunFiles.JSON.valueToTree(c));
    }

    @Override public int hashCode() { return RunFiles.JSON.valueToTree(this).hashCode(); }
}
