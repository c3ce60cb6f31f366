package clipvr.reprogram.train;

import clipvr.autograd.GradMode;
import clipvr.autograd.Var;
import clipvr.clip.io.Checkpoint;
import clipvr.clip.io.RawTensor;
import clipvr.clip.io.SafetensorsReader;
import clipvr.clip.io.SafetensorsWriter;
import clipvr.clip.model.Clip;
import clipvr.clip.text.ClipTokenizer;
import clipvr.clip.zeroshot.Templates;
import clipvr.clip.zeroshot.ZeroShotClassifier;
import clipvr.reprogram.cluster.KMeans;
import clipvr.reprogram.data.DescriptionFile;
import clipvr.tensor.Tensor;
import clipvr.tensor.ops.Indexing;
import com.fasterxml.jackson.core.type.TypeReference;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text side of a run, computed once with the frozen text tower and cached in {@code text_features.safetensors}:
 * <ul>
 *   <li>{@code label} [C, E]: the label template(s) per class ({@code _} → space), each L2-normalised, averaged,
 *       re-normalised (zero-shot, VP, AR, SMM);</li>
 *   <li>{@code des}, {@code dist}, {@code cse_<i>} [C·m, E]: m sampled sentences per class (class-major), each encoded
 *       alone (no template) and L2-normalised (AttrVR, DVP);</li>
 *   <li>{@code cluster_of} [C·m] (DVP-cls): the k-means cluster of every {@code des} row;</li>
 *   <li>{@code source} [S, E] (with {@code --label-mapping}): the frozen source classifier, CLIP zero-shot over the
 *       source classes with the label template "This is a photo of {}." (computed like {@code label}); AttrVR with
 *       {@code --label-mapping} has no such table: its {@code des} and {@code dist} tables [S·m, E] hold the source
 *       classes' sentences instead of the target classes' ({@code --source-descriptions}).</li>
 * </ul>
 * The sampled sentences per file and class (the classes the tables describe) are kept in {@link #texts()}.
 */
public record TextFeatures(Map<String, Tensor> tables, Map<String, List<List<String>>> texts, int[] clusterOf) {

    /** Metadata key holding the sampled texts (JSON) in the cache file. */
    static final String META_TEXTS = "clipvr.texts";
    /** Metadata key holding the settings the cache depends on. */
    static final String META_KEY = "clipvr.key";

    public Tensor table(String name) {
        Tensor t = tables.get(name);
        if (t == null) throw new IllegalStateException("text features: no table '" + name + "' (have " + tables.keySet() + ")");
        return t;
    }

    /** What the cached features depend on; a cache with another key is recomputed. */
    static String cacheKey(TrainConfig c) {
        return String.join("|", c.method(), c.weightsSha256() == null ? "" : c.weightsSha256(), String.valueOf(c.seed()),
                String.valueOf(c.m()), String.valueOf(c.causes()), String.valueOf(c.clusters()), String.valueOf(c.kmeansInit()),
                String.join("\u0001", c.templates()), String.valueOf(c.descriptions()), String.valueOf(c.dataset()),
                String.valueOf(c.labelMapping()), String.valueOf(c.sourceClasses()),
                String.valueOf(c.sourceDescriptions()), String.valueOf(c.sourceTemplates()));
    }

    /** The source class names of a label-mapping run (bundled CIFAR-100 or the {@code --source-classes} file). */
    public static List<String> sourceClassNames(TrainConfig c) {
        if (c.sourceClasses() == null) throw new IllegalStateException("no label mapping configured");
        if (c.sourceClasses().equals(TrainConfig.BUNDLED_CIFAR100)) return clipvr.reprogram.data.ClassNames.bundled("cifar100");
        Path f = Path.of(c.sourceClasses());
        if (!Files.isRegularFile(f)) throw new IllegalArgumentException("--source-classes: file not found: " + f);
        List<String> names = clipvr.reprogram.data.ClassNames.read(f);
        if (names.isEmpty()) throw new IllegalArgumentException("--source-classes " + f + ": no class names");
        return names;
    }

    /**
     * The templates that score each source class: the label template for all of them, or with
     * {@code --source-templates K1,K2,...} the pretraining templates ({@link Templates#forDatasetKey}) of the first key
     * whose bundled class list names the class. A class that no key names is an error naming it.
     */
    public static List<List<String>> sourceTemplates(TrainConfig c, List<String> sources) {
        if (c.sourceTemplates() == null) return sources.stream().map(s -> List.of(TrainConfig.LABEL_TEMPLATE)).toList();
        Map<String, List<String>> names = new LinkedHashMap<>();
        for (String key : c.sourceTemplates()) names.put(key, clipvr.reprogram.data.ClassNames.bundled(key));
        List<List<String>> out = new ArrayList<>();
        for (String s : sources) {
            String key = names.entrySet().stream().filter(e -> e.getValue().contains(s)).map(Map.Entry::getKey).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("--source-templates " + String.join(",", c.sourceTemplates())
                            + ": source class '" + s + "' is in none of these datasets' class lists"));
            out.add(Templates.forDatasetKey(key));
        }
        return out;
    }

    /** The source head [S, E]: row s is the normalised mean of source class s's filled templates (CLIP's zero-shot weights). */
    static Tensor sourceHead(Clip model, ClipTokenizer tok, List<String> sources, List<List<String>> templates) {
        List<Tensor> rows = new ArrayList<>();
        for (int s = 0; s < sources.size(); s++)
            rows.add(ZeroShotClassifier.build(model, tok, List.of(sources.get(s)), templates.get(s), 64).weights());   // [1, E]
        return Indexing.cat(rows, 0);                                                                              // [S, E]
    }

    /**
     * Computes the text side for {@code config}: the label embeddings for label-head methods, the sampled description
     * tables for AttrVR and DVP (one generator per file, seeded by (seed, "descriptions", file index)), and the
     * DVP-cls clustering (k-means++, {@code kmeans_init} restarts, seeded by the run seed). With
     * {@code --source-descriptions}, {@code files} describe the source classes and the tables are sampled over them.
     */
    public static TextFeatures compute(TrainConfig config, Clip model, ClipTokenizer tok, List<String> classNames,
                                       Map<String, DescriptionFile> files) {
        Method method = config.methodEnum();
        Map<String, Tensor> tables = new LinkedHashMap<>();
        Map<String, List<List<String>>> texts = new LinkedHashMap<>();
        int[] clusterOf = null;
        List<String> described = classNames;                                  // the classes the description tables cover
        if (config.labelMapping() != null) {
            List<String> sources = sourceClassNames(config);
            if (!config.mappingKind().bayesian() && sources.size() < classNames.size())
                throw new IllegalArgumentException("--source-classes: " + sources.size() + " source classes cannot map "
                        + classNames.size() + " target classes one-to-one (need at least as many)");
            if (config.sourceDescriptions() != null) described = sources;
            else tables.put("source", sourceHead(model, tok, sources, sourceTemplates(config, sources)));
        }
        if (!method.usesDescriptions()) {
            tables.put("label", ZeroShotClassifier.build(model, tok, classNames, config.templates(), 64).weights());
        } else {
            int fileIndex = 0;
            for (var e : files.entrySet()) {
                List<String> flat = e.getValue().sample(described, config.m(), Seeds.rng(config.seed(), "descriptions", fileIndex++));
                tables.put(e.getKey(), encodeSentences(model, tok, flat));
                List<List<String>> perClass = new ArrayList<>();
                for (int c = 0; c < described.size(); c++) perClass.add(List.copyOf(flat.subList(c * config.m(), (c + 1) * config.m())));
                texts.put(e.getKey(), perClass);
            }
            if (method == Method.DVP_CLS) {
                Tensor des = tables.get("des");
                if (config.clusters() > des.size(0))
                    throw new IllegalArgumentException("--clusters " + config.clusters() + " exceeds the " + des.size(0) + " sampled descriptions");
                clusterOf = KMeans.fit(des, config.clusters(), KMeans.Options.DEFAULT.withSeed(config.seed()).withNInit(config.kmeansInit())).labels();
            }
        }
        return new TextFeatures(tables, texts, clusterOf);
    }

    /** Encodes each sentence alone (duplicates once) and L2-normalises: [n, E], in the order given. */
    public static Tensor encodeSentences(Clip model, ClipTokenizer tok, List<String> sentences) {
        List<String> unique = new ArrayList<>(new java.util.LinkedHashSet<>(sentences));
        Map<String, Integer> at = new HashMap<>();
        for (int i = 0; i < unique.size(); i++) at.put(unique.get(i), i);
        List<Tensor> parts = new ArrayList<>();
        try (var s = GradMode.noGrad()) {
            for (int i = 0; i < unique.size(); i += 64) {
                List<String> chunk = unique.subList(i, Math.min(unique.size(), i + 64));
                int[][] ids;
                try {
                    ids = tok.tokenizeAll(chunk, model.config.contextLength(), false);
                } catch (RuntimeException ex) {
                    throw new IllegalArgumentException("--descriptions: a sentence does not fit CLIP's context of "
                            + model.config.contextLength() + " tokens (" + ex.getMessage() + ")", ex);
                }
                parts.add(Clip.normalize(model.encodeText(ids)).data());
            }
        }
        Tensor enc = Indexing.cat(parts, 0);                                                   // [unique, E]
        int[] rows = sentences.stream().mapToInt(at::get).toArray();
        return Indexing.indexSelect(enc, 0, rows).contiguous();                                // [n, E]
    }

    /** Writes the cache file (atomically). */
    public void save(Path file, TrainConfig config) {
        Map<String, RawTensor> raw = new LinkedHashMap<>(RunFiles.raw(tables));
        if (clusterOf != null) {
            double[] c = new double[clusterOf.length];
            for (int i = 0; i < c.length; i++) c[i] = clusterOf[i];
            raw.put("cluster_of", RunFiles.raw("cluster_of", Tensor.of(c, c.length)));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", RunFiles.FORMAT);
        meta.put(META_KEY, cacheKey(config));
        try {
            meta.put(META_TEXTS, RunFiles.JSON.writeValueAsString(texts));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        SafetensorsWriter.write(file, raw, meta);
    }

    /** Reads the cache if it exists and was made for {@code config}; null otherwise. */
    public static TextFeatures load(Path file, TrainConfig config) {
        if (!Files.isRegularFile(file)) return null;
        Checkpoint ck = SafetensorsReader.read(file);
        if (!cacheKey(config).equals(ck.metadata().get(META_KEY))) return null;
        Map<String, Tensor> all = RunFiles.tensors(ck.tensors());
        int[] clusterOf = null;
        Tensor c = all.remove("cluster_of");
        if (c != null) {
            double[] d = c.toDoubleArray();
            clusterOf = new int[d.length];
            for (int i = 0; i < d.length; i++) clusterOf[i] = (int) d[i];
        }
        Map<String, Tensor> tables = new LinkedHashMap<>();
        for (String k : List.of("source", "label", "des", "dist")) if (all.containsKey(k)) tables.put(k, all.remove(k));
        all.keySet().stream().sorted().forEach(k -> tables.put(k, all.get(k)));
        Map<String, List<List<String>>> texts;
        try {
            texts = RunFiles.JSON.readValue(ck.metadata().getOrDefault(META_TEXTS, "{}"), new TypeReference<LinkedHashMap<String, List<List<String>>>>() {});
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": unreadable " + META_TEXTS + ": " + e.getOriginalMessage(), e);
        }
        return new TextFeatures(tables, texts, clusterOf);
    }
}
