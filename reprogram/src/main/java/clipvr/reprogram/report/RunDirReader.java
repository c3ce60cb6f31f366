package clipvr.reprogram.report;

import clipvr.reprogram.data.BadInputException;

import clipvr.clip.io.Checkpoint;
import clipvr.clip.io.RawTensor;
import clipvr.clip.io.SafetensorsReader;
import clipvr.reprogram.report.RunData.CheckpointData;
import clipvr.reprogram.report.RunData.Epoch;
import clipvr.reprogram.report.RunData.Prompt;
import clipvr.reprogram.report.RunData.PromptKind;
import clipvr.reprogram.report.RunData.SmmNet;
import clipvr.reprogram.report.RunData.Summary;
import clipvr.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads a training run directory for the report: {@code results.json} (required), and when present
 * {@code checkpoint.safetensors} and {@code checkpoint.json}. Tolerant of missing optional parts: whatever is
 * absent or unreadable is left out and recorded in {@link RunData#notes()}. Field names are accepted in
 * snake_case and camelCase ({@code train_loss} / {@code trainLoss}).
 */
public final class RunDirReader {
    public static final String RESULTS = "results.json";
    public static final String CHECKPOINT = "checkpoint.safetensors";
    public static final String CHECKPOINT_JSON = "checkpoint.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private RunDirReader() {}

    /** Reads {@code dir}; {@code fallbackClassNames} (e.g. the dataset's) are used when the run names none. */
    public static RunData read(Path dir, List<String> fallbackClassNames) {
        if (!Files.isDirectory(dir)) throw new BadInputException("run directory " + dir + " does not exist");
        Path resultsFile = dir.resolve(RESULTS);
        if (!Files.isRegularFile(resultsFile))
            throw new BadInputException("run directory " + dir + " has no " + RESULTS + " (missing file " + resultsFile + ")");
        List<String> notes = new ArrayList<>();
        JsonNode results = readJson(resultsFile);
        if (!results.isObject()) throw new BadInputException(resultsFile + ": expected a JSON object");
        results = newerEmbeddedResults(dir.resolve(CHECKPOINT), results, notes);

        JsonNode config = results.path("config");
        if (!config.isObject()) {
            config = JsonNodeFactory.instance.objectNode();
            notes.add(RESULTS + " has no \"config\" object.");
        }
        Path ckJsonFile = dir.resolve(CHECKPOINT_JSON);
        JsonNode ckJson = JsonNodeFactory.instance.objectNode();
        if (Files.isRegularFile(ckJsonFile)) {
            ckJson = readJson(ckJsonFile);
        } else {
            notes.add("No " + CHECKPOINT_JSON + " in the run directory: description texts are not shown.");
        }

        // ---- class names
        List<String> classNames = strings(first(config, "classNames", "class_names", "classes"));
        if (classNames == null) classNames = strings(first(ckJson, "classNames", "class_names", "classes"));
        if (classNames == null) classNames = strings(first(ckJson.path("config"), "classNames", "class_names", "classes"));
        if (classNames == null && fallbackClassNames != null && !fallbackClassNames.isEmpty()) classNames = List.copyOf(fallbackClassNames);

        // ---- epochs and summaries (raw accuracies first; scaled to % below)
        List<Epoch> epochs = new ArrayList<>();
        JsonNode ep = results.path("epochs");
        if (ep.isArray()) {
            int i = 0;
            for (JsonNode e : ep) {
                Double n = num(e, "epoch");
                Map<String, Double> lrs = new LinkedHashMap<>();
                JsonNode lg = e.get("lrs");
                if (lg != null && lg.isObject()) lg.fields().forEachRemaining(f -> { if (f.getValue().isNumber()) lrs.put(f.getKey(), f.getValue().asDouble()); });
                JsonNode phase = e.get("phase");
                epochs.add(new Epoch(n == null ? i : (int) Math.round(n), phase == null || phase.isNull() ? null : phase.asText(),
                        num(e, "train_loss", "trainLoss", "loss"),
                        num(e, "train_accuracy", "train_acc", "trainAcc", "trainAccuracy"),
                        num(e, "test_accuracy", "test_acc", "testAcc", "testAccuracy"),
                        num(e, "val_accuracy", "val_acc", "valAcc", "valAccuracy"),
                        num(e, "lr", "learning_rate"), lrs,
                        num(e, "images_per_second", "images_per_s", "imagesPerS", "images_per_sec", "throughput")));
                i++;
            }
        } else {
            notes.add(RESULTS + " has no \"epochs\" array: no training curves.");
        }
        // per-class maps may name the classes when nothing else did
        if (classNames == null) {
            for (String key : List.of("best", "last", "val_selected", "valSelected")) {
                JsonNode pc = results.path(key).path("per_class");
                if (pc.isMissingNode()) pc = results.path(key).path("perClass");
                if (pc.isObject() && pc.size() > 0) {
                    List<String> ks = new ArrayList<>();
                    pc.fieldNames().forEachRemaining(ks::add);
                    classNames = ks;
                    break;
                }
            }
        }
        List<Summary> summaries = new ArrayList<>();
        for (String[] key : new String[][]{{"best"}, {"last"}, {"val_selected", "valSelected"}}) {
            JsonNode s = first(results, key);
            if (s != null && s.isObject()) summaries.add(summary(key[0], s, classNames));
        }
        if (summaries.isEmpty()) notes.add(RESULTS + " has none of \"best\", \"last\", \"val_selected\": no per-class accuracy or confusion matrix.");

        // ---- accuracies: fractions → percent, decided once for the whole file
        double max = 0;
        for (Epoch e : epochs) max = Math.max(max, Math.max(nz(e.trainAcc()), Math.max(nz(e.testAcc()), nz(e.valAcc()))));
        for (Summary s : summaries) {
            max = Math.max(max, Math.max(nz(s.testAcc()), nz(s.valAcc())));
            if (s.perClass() != null) for (double v : s.perClass()) if (!Double.isNaN(v)) max = Math.max(max, v);
        }
        if (max <= 1.0 + 1e-9) {
            epochs.replaceAll(e -> new Epoch(e.epoch(), e.phase(), e.trainLoss(), pct(e.trainAcc()), pct(e.testAcc()), pct(e.valAcc()),
                    e.lr(), e.lrs(), e.imagesPerS()));
            summaries.replaceAll(s -> new Summary(s.key(), s.epoch(), pct(s.testAcc()), pct(s.valAcc()),
                    s.perClass() == null ? null : Arrays.stream(s.perClass()).map(v -> v * 100).toArray(), s.confusion()));
        }

        // ---- checkpoint
        CheckpointData ck = null;
        Path ckFile = dir.resolve(CHECKPOINT);
        if (Files.isRegularFile(ckFile)) {
            ck = readCheckpoint(ckFile, config, ckJson, classNames, notes);
        } else {
            notes.add("No " + CHECKPOINT + " in the run directory (" + ckFile + "): learned prompts, masks and PRM are not shown.");
        }

        // ---- class count from whatever has one
        if (classNames == null) {
            int c = 0;
            if (ck != null && ck.omega() != null) c = ck.omega().length;
            for (Summary s : summaries) {
                if (s.perClass() != null) c = Math.max(c, s.perClass().length);
                if (s.confusion() != null) c = Math.max(c, s.confusion().length);
            }
            List<String> names = new ArrayList<>();
            for (int i = 0; i < c; i++) names.add("class " + i);
            classNames = names;
            if (c > 0) notes.add("No class names in the run: classes are numbered.");
        }
        return new RunData(dir, results, config, List.copyOf(classNames), List.copyOf(epochs), List.copyOf(summaries), ck, notes);
    }

    // ---------------------------------------------------------------------------------------------------------

    /**
     * A live run writes checkpoint.safetensors (with its results embedded) and then results.json, each atomically.
     * A reader that lands between the two sees a results.json one epoch older than the checkpoint; the results
     * embedded in the checkpoint then describe the same state as its tensors, so they are used instead.
     */
    static JsonNode newerEmbeddedResults(Path ckFile, JsonNode results, List<String> notes) {
        if (!Files.isRegularFile(ckFile)) return results;
        try {
            String embedded = SafetensorsReader.read(ckFile).metadata().get("clipvr.results");
            if (embedded == null) return results;
            JsonNode e = JSON.readTree(embedded);
            int done = results.path("epochs_completed").asInt(-1), ckDone = e.path("epochs_completed").asInt(-1);
            if (!e.isObject() || ckDone <= done) return results;
            notes.add(RESULTS + " (epoch " + done + ") is older than " + CHECKPOINT + " (epoch " + ckDone + "): the run was "
                    + "writing; the results embedded in the checkpoint are shown.");
            return e;
        } catch (RuntimeException | IOException ex) {
            return results; // an unreadable checkpoint is reported by readCheckpoint
        }
    }

    private static Summary summary(String key, JsonNode s, List<String> classNames) {
        Double epoch = num(s, "epoch");
        Double acc = num(s, "top1", "test_accuracy", "test_acc", "testAcc", "accuracy", "acc");
        Double val = num(s, "val_accuracy", "val_acc", "valAcc");
        double[] perClass = null;
        JsonNode pc = first(s, "per_class", "perClass", "per_class_acc");
        if (pc != null && pc.isArray()) {
            perClass = new double[pc.size()];
            for (int i = 0; i < perClass.length; i++) perClass[i] = pc.get(i).isNumber() ? pc.get(i).asDouble() : Double.NaN;
        } else if (pc != null && pc.isObject()) {
            if (classNames != null) {
                perClass = new double[classNames.size()];
                Arrays.fill(perClass, Double.NaN);
                for (int i = 0; i < perClass.length; i++) {
                    JsonNode v = pc.get(classNames.get(i));
                    if (v == null) v = pc.get(Integer.toString(i));
                    if (v != null && v.isNumber()) perClass[i] = v.asDouble();
                }
            } else {
                List<Double> vs = new ArrayList<>();
                pc.elements().forEachRemaining(v -> vs.add(v.isNumber() ? v.asDouble() : Double.NaN));
                perClass = vs.stream().mapToDouble(Double::doubleValue).toArray();
            }
        }
        double[][] confusion = null;
        JsonNode cm = first(s, "confusion", "confusion_matrix", "confusionMatrix");
        if (cm != null && cm.isArray() && cm.size() > 0) {
            confusion = new double[cm.size()][];
            for (int i = 0; i < cm.size(); i++) {
                JsonNode row = cm.get(i);
                confusion[i] = new double[row.size()];
                for (int j = 0; j < row.size(); j++) confusion[i][j] = row.get(j).isNumber() ? row.get(j).asDouble() : Double.NaN;
            }
        }
        return new Summary(key, epoch == null ? null : (int) Math.round(epoch), acc, val, perClass, confusion);
    }

    private static CheckpointData readCheckpoint(Path file, JsonNode config, JsonNode ckJson, List<String> classNames, List<String> notes) {
        Checkpoint ck;
        try {
            ck = SafetensorsReader.read(file);
        } catch (RuntimeException e) {
            notes.add("Cannot read " + file + ": " + e.getMessage());
            return null;
        }
        Map<String, RawTensor> tensors = new TreeMap<>(ck.tensors());
        Map<String, String> inventory = new LinkedHashMap<>();
        tensors.forEach((k, v) -> inventory.put(k, v.dtype() + " " + Arrays.toString(v.shape())));

        String method = text(first(config, "method"), text(first(ckJson, "method"), text(first(ckJson.path("config"), "method"), "")))
                .toLowerCase(Locale.ROOT);
        List<String> branchNames = strings(first(ckJson, "causes", "branches", "cause_names", "branch_names"));

        // ---- SMM mask network
        SmmNet smm = null;
        String smmPrefix = null;
        for (String k : tensors.keySet()) {
            int at = k.indexOf("priority.");
            if (at >= 0 && (at == 0 || k.charAt(at - 1) == '.')) { smmPrefix = k.substring(0, at); break; }
        }
        if (smmPrefix != null) {
            Map<String, Tensor> state = new LinkedHashMap<>();
            for (var e : tensors.entrySet())
                if (e.getKey().startsWith(smmPrefix)) state.put(e.getKey().substring(smmPrefix.length()), toTensor(e.getValue()));
            Tensor delta = state.get("program");
            if (delta != null && delta.shape().length == 3) {
                int layers = state.containsKey("priority.conv5.weight") ? 6 : 5;
                int channels = state.containsKey("priority.conv6.weight") ? 3 : 1;
                Double patch = num(config, "patch", "smm_patch", "mask_patch", "patch_size");
                if (patch == null) patch = num(ckJson, "patch", "smm_patch", "mask_patch", "patch_size");
                if (patch == null) patch = num(ckJson.path("config"), "patch", "smm_patch", "mask_patch", "patch_size");
                smm = new SmmNet(smmPrefix, state, delta.shape()[1], layers, channels, patch == null ? 8 : (int) Math.round(patch), patch != null);
            } else {
                notes.add("The checkpoint has SMM mask-network weights under '" + smmPrefix + "priority.' but no '" + smmPrefix + "program' [3,R,R].");
            }
        }

        // ---- prompt patterns
        List<Prompt> prompts = new ArrayList<>();
        for (var e : tensors.entrySet()) {
            String k = e.getKey();
            String prefix;
            if (k.equals("program") || k.equals("delta") || k.equals("theta")) prefix = "";
            else if (k.endsWith(".program") || k.endsWith(".delta") || k.endsWith(".theta")) prefix = k.substring(0, k.lastIndexOf('.') + 1);
            else continue;
            RawTensor t = e.getValue();
            long[] sh = t.shape();
            if (sh.length != 3 || sh[0] != 3 || sh[1] != sh[2]) {
                notes.add("Tensor '" + k + "' has shape " + Arrays.toString(sh) + ", not [3,R,R]: not drawn.");
                continue;
            }
            RawTensor m = tensors.get(prefix + "mask");
            float[] mask = null;
            if (m != null) {
                if (m.numel() == t.numel()) mask = m.toFloatArray();
                else if (m.numel() == sh[1] * sh[2]) {             // one mask [R, R] (or [1, R, R]) for all channels
                    float[] one = m.toFloatArray();
                    mask = new float[(int) t.numel()];
                    for (int c = 0; c < 3; c++) System.arraycopy(one, 0, mask, c * one.length, one.length);
                } else {
                    notes.add("Mask '" + prefix + "mask' has shape " + Arrays.toString(m.shape()) + ", which does not fit '" + k + "': ignored.");
                }
            }
            boolean isSmm = smmPrefix != null && prefix.equals(smmPrefix);
            PromptKind kind = isSmm ? PromptKind.ADDITIVE : kindOf(method, ckJson);
            prompts.add(new Prompt(k, label(prefix, k, branchNames, isSmm, method), kind, (int) sh[1], t.toFloatArray(), mask));
        }
        if (prompts.isEmpty()) notes.add("No prompt pattern ('program' [3,R,R]) in " + file.getFileName() + ".");
        if (!prompts.isEmpty() && method.isEmpty() && smmPrefix == null)
            notes.add("The run names no method: patterns are drawn as padding prompts, sigmoid(θ)⊙M.");

        // ---- PRM ω
        int numClasses = classNames == null ? -1 : classNames.size();
        double[][] omega = null;
        String omegaName = null;
        for (var e : tensors.entrySet()) {
            String k = e.getKey().toLowerCase(Locale.ROOT);
            String last = k.substring(k.lastIndexOf('.') + 1);
            if (k.startsWith("label_mapping.")) continue;            // BLM's ω [S, C] maps source to target classes: not a PRM
            if (!(last.equals("omega") || last.equals("prm") || last.equals("reweighting") || k.startsWith("prm.") && last.equals("weights"))) continue;
            omega = blocks(e.getValue(), numClasses);
            if (omega != null) { omegaName = e.getKey(); break; }
            notes.add("Tensor '" + e.getKey() + "' " + Arrays.toString(e.getValue().shape()) + " does not look like a PRM Ω [C, M] or [C·M, C]: not shown.");
        }
        if (omega == null) {                                       // the PRM estimator's counts, normalised per class
            for (var e : tensors.entrySet()) {
                String k = e.getKey().toLowerCase(Locale.ROOT);
                if (!(k.endsWith("counts") && (k.contains("prm") || k.equals("counts")) && e.getValue().rank() == 2)) continue;
                double[][] n = matrix(e.getValue());
                for (double[] row : n) {
                    double s = Arrays.stream(row).sum();
                    if (s > 0) for (int j = 0; j < row.length; j++) row[j] /= s;
                }
                omega = n;
                omegaName = e.getKey() + " (normalised per class)";
                break;
            }
        }

        // ---- description texts
        List<List<String>> descriptions = null;
        List<List<String>> groups = null;
        JsonNode d = first(ckJson, "descriptions", "description_texts", "texts");
        if (d != null && (d.isArray() || d.isObject())) {
            Texts t = texts(d, ckJson, classNames, branchNames);
            descriptions = t.texts();
            groups = t.groups();
        } else if (!ckJson.isEmpty()) {
            notes.add(CHECKPOINT_JSON + " has no \"descriptions\": the PRM is shown without texts.");
        }
        if (omega != null && descriptions != null) {
            boolean fits = descriptions.size() == omega.length;
            for (int c = 0; fits && c < omega.length; c++) fits = descriptions.get(c).size() == omega[c].length;
            if (!fits) notes.add("The description lists in " + CHECKPOINT_JSON + " do not match Ω's shape [" + omega.length + ", "
                    + omega[0].length + "]: texts are shown where an index exists.");
        }
        return new CheckpointData(file, List.copyOf(prompts), smm, omega, omegaName, descriptions, groups, inventory);
    }

    /** Description texts [C][slots] and their cause / cluster labels (null when unknown). */
    record Texts(List<List<String>> texts, List<List<String>> groups) {}

    private static final Pattern CAUSE_TABLE = Pattern.compile("cse_(\\d+)");

    /**
     * The texts per class in ω's column order. Accepted forms of {@code descriptions}:
     * <ul>
     *   <li>the trainer's tables, {@code {"des": [[…] per class], "dist": …, "cse_1": …, "cse_2": …}}: for DVP-cse
     *       the cause tables concatenated per class in cause order (slot r = k·m + j, as {@code DecoupledHead.byCause}),
     *       else {@code des} with each slot's cluster from {@code cluster_of} [C·m] (DVP-cls);</li>
     *   <li>class name → list of texts (or of {@code {"text", "cause"|"cluster"|"group"}} objects), or class name →
     *       cause → list;</li>
     *   <li>a list per class.</li>
     * </ul>
     */
    static Texts texts(JsonNode d, JsonNode ckJson, List<String> classNames, List<String> branchNames) {
        List<List<String>> texts = new ArrayList<>(), groups = new ArrayList<>();
        boolean anyGroup = false;
        boolean tables = d.isObject() && d.size() > 0 && (classNames == null || !classNames.stream().allMatch(d::has));
        for (var it = d.elements(); tables && it.hasNext(); ) {
            JsonNode v = it.next();
            tables = v.isArray() && (v.isEmpty() || v.get(0).isArray());
        }
        if (tables) {
            List<String> causes = new ArrayList<>();
            d.fieldNames().forEachRemaining(k -> { if (CAUSE_TABLE.matcher(k).matches()) causes.add(k); });
            causes.sort(Comparator.comparingInt(k -> Integer.parseInt(k.substring(4))));
            List<String> use = !causes.isEmpty() ? causes : d.has("des") ? List.of("des") : List.of(d.fieldNames().next());
            int numClasses = 0;
            for (String k : use) numClasses = Math.max(numClasses, d.get(k).size());
            for (int c = 0; c < numClasses; c++) {
                List<String> ts = new ArrayList<>(), gs = new ArrayList<>();
                for (int k = 0; k < use.size(); k++) {
                    JsonNode rows = d.get(use.get(k));
                    if (c >= rows.size()) continue;
                    String g = causes.isEmpty() ? null
                            : branchNames != null && k < branchNames.size() ? branchNames.get(k) : "cause " + (k + 1);
                    for (JsonNode x : rows.get(c)) { ts.add(textOf(x)); gs.add(g); }
                }
                texts.add(ts);
                groups.add(gs);
            }
            anyGroup = !causes.isEmpty();
        } else {
            List<JsonNode> perClass = new ArrayList<>();
            if (d.isArray()) d.forEach(perClass::add);
            else if (classNames != null && classNames.stream().allMatch(d::has)) classNames.forEach(c -> perClass.add(d.get(c)));
            else d.elements().forEachRemaining(perClass::add);
            for (JsonNode pc : perClass) {
                List<String> ts = new ArrayList<>(), gs = new ArrayList<>();
                if (pc.isArray()) {
                    for (JsonNode x : pc) {
                        String g = x.isObject() ? text(first(x, "cause", "cluster", "group", "branch"), null) : null;
                        ts.add(textOf(x));
                        gs.add(g);
                        anyGroup |= g != null;
                    }
                } else if (pc.isObject()) {                         // cause → texts (slot r = k·m + j)
                    var f = pc.fields();
                    while (f.hasNext()) {
                        var g = f.next();
                        for (JsonNode x : g.getValue()) { ts.add(textOf(x)); gs.add(g.getKey()); }
                        anyGroup = true;
                    }
                } else {
                    ts.add(pc.asText());
                    gs.add(null);
                }
                texts.add(ts);
                groups.add(gs);
            }
        }
        JsonNode clusterOf = first(ckJson, "cluster_of", "clusterOf", "branch_of", "group_of");
        if (!anyGroup && clusterOf != null && clusterOf.isArray()) {   // flat [C·m] or [C][m] cluster ids
            int flat = 0;
            for (int c = 0; c < groups.size(); c++) {
                JsonNode row = clusterOf.size() == groups.size() && clusterOf.get(c).isArray() ? clusterOf.get(c) : null;
                for (int j = 0; j < groups.get(c).size(); j++, flat++) {
                    JsonNode v = row != null ? row.get(j) : clusterOf.get(flat);
                    if (v == null || v.isNull()) continue;
                    groups.get(c).set(j, v.isIntegralNumber() ? "cluster " + v.asInt() : v.asText());
                    anyGroup = true;
                }
            }
        }
        return new Texts(texts, anyGroup ? groups : null);
    }

    private static String textOf(JsonNode x) {
        return x.isObject() ? x.path("text").asText(x.toString()) : x.asText();
    }

    /** ω [C, M] from a [C, M] tensor, or from the dense block-structured Ω [C·M, C]. */
    static double[][] blocks(RawTensor t, int numClasses) {
        if (t.rank() != 2) return null;
        double[][] m = matrix(t);
        int rows = m.length, cols = m[0].length;
        boolean dense;
        if (numClasses >= 0) {
            if (rows == numClasses) return m;
            dense = cols == numClasses && rows % cols == 0;
        } else {
            dense = rows > cols && rows % cols == 0 && isBlockDiagonal(m, rows / cols);
        }
        if (!dense) return numClasses >= 0 ? null : m;
        int mm = rows / cols;
        double[][] w = new double[cols][mm];
        for (int i = 0; i < cols; i++) for (int r = 0; r < mm; r++) w[i][r] = m[i * mm + r][i];
        return w;
    }

    private static boolean isBlockDiagonal(double[][] m, int blk) {
        for (int r = 0; r < m.length; r++)
            for (int c = 0; c < m[r].length; c++)
                if (c != r / blk && m[r][c] != 0) return false;
        return true;
    }

    static double[][] matrix(RawTensor t) {
        long[] sh = t.shape();
        int rows = Math.toIntExact(sh[0]), cols = Math.toIntExact(sh[1]);
        double[] v = t.toDoubleArray();
        double[][] m = new double[rows][cols];
        for (int i = 0; i < rows; i++) System.arraycopy(v, i * cols, m[i], 0, cols);
        return m;
    }

    private static PromptKind kindOf(String method, JsonNode ckJson) {
        String k = text(first(ckJson, "prompt_kind", "promptKind"), "").toLowerCase(Locale.ROOT);
        if (k.contains("pad") || k.contains("sigmoid")) return PromptKind.SIGMOID_PADDING;
        if (k.contains("watermark") || k.contains("additive")) return PromptKind.ADDITIVE;
        String m = method.replace('_', '-');
        if (m.equals("vp") || m.startsWith("vp-") || m.contains("watermark") || m.startsWith("smm")
                || Set.of("pad", "narrow", "medium", "full").contains(m)) return PromptKind.ADDITIVE;
        return PromptKind.SIGMOID_PADDING;
    }

    private static String label(String prefix, String name, List<String> branchNames, boolean smm, String method) {
        if (smm) return "SMM pattern δ";
        String p = prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix;
        String idx = p.substring(p.lastIndexOf('.') + 1);
        if (idx.matches("\\d+")) {
            int i = Integer.parseInt(idx);
            if (branchNames != null && i < branchNames.size()) return "branch " + i + ": " + branchNames.get(i);
            String m = method.replace('_', '-');
            if (m.startsWith("dvp-cse")) return "branch " + i + ": cause " + (i + 1);    // prompts.k ↔ description table cse_(k+1)
            if (m.startsWith("dvp-cls")) return "branch " + i + ": cluster " + i;
            return "branch " + i;
        }
        return p.isEmpty() ? name : p;
    }

    static Tensor toTensor(RawTensor r) { return clipvr.clip.model.ClipModels.toTensor(r, clipvr.tensor.DType.F32); }

    // ---- JSON helpers

    static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadInputException(file + ": invalid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The first present, non-null field among {@code names}, or null. */
    static JsonNode first(JsonNode n, String... names) {
        if (n == null) return null;
        for (String k : names) {
            JsonNode v = n.get(k);
            if (v != null && !v.isNull()) return v;
        }
        return null;
    }

    static Double num(JsonNode n, String... names) {
        JsonNode v = first(n, names);
        if (v == null) return null;
        if (v.isNumber()) return v.asDouble();
        if (v.isTextual()) {
            try { return Double.parseDouble(v.asText().strip()); } catch (NumberFormatException e) { return null; }
        }
        return null;
    }

    private static String text(JsonNode v, String dflt) {
        return v == null || v.isContainerNode() ? dflt : v.asText();
    }

    private static List<String> strings(JsonNode v) {
        if (v == null || !v.isArray() || v.isEmpty()) return null;
        List<String> out = new ArrayList<>();
        for (JsonNode x : v) out.add(x.asText());
        return List.copyOf(out);
    }

    private static double nz(Double v) { return v == null || v.isNaN() ? 0 : v; }

    private static Double pct(Double v) { return v == null ? null : v * 100; }
}
