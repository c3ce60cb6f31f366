package clipvr.clip.io;

import clipvr.clip.io.CheckpointException.Reason;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CLIP state-dict naming: detects the scheme of a checkpoint, converts it to canonical OpenAI names (§5.3) and back
 * to Hugging Face {@code CLIPModel} names (§7.2), and validates the result against the key set implied by the
 * inferred configuration (§5.5). Unknown keys are never dropped silently: they fail validation.
 */
public final class ClipStateDicts {

    /** Where a state dict's names come from. */
    public enum Scheme {
        /** OpenAI TorchScript archive (released {@code .pt} files): OpenAI names + 3 integer extras (§5). */
        OPENAI_TORCHSCRIPT,
        /** OpenAI names in a plain state dict / safetensors (e.g. {@code timm/vit_base_patch32_clip_224.openai}). */
        OPENAI,
        /** open_clip native CLIP: OpenAI names, maybe {@code module.}, {@code state_dict}, {@code logit_scale [1]} (§8). */
        OPEN_CLIP,
        /** Hugging Face {@code CLIPModel} (§7). */
        HF
    }

    /** The integer extras of OpenAI's TorchScript state dict (§5.3). */
    public static final List<String> OPENAI_EXTRAS = List.of("input_resolution", "context_length", "vocab_size");

    private ClipStateDicts() {}

    // ------------------------------------------------------------------------------------------------------------
    // loading

    /**
     * Reads a checkpoint file or directory, converts it to canonical names and validates it. A {@code config.json}
     * (HF) or {@code open_clip_config.json} next to the weights supplies heads / activation / epsilon.
     */
    public static ClipWeights load(Path path) {
        return load(path, ReadOptions.DEFAULT, null);
    }

    /** As {@link #load(Path)}; {@code activationOverride} (may be null) wins over anything the files say. */
    public static ClipWeights load(Path path, ReadOptions options, Activation activationOverride) {
        Checkpoint c = CheckpointReader.read(path, options);
        Path dir = c.file().toAbsolutePath().getParent();
        Path hf = dir.resolve("config.json"), oc = dir.resolve("open_clip_config.json");
        try {
            if (Files.isRegularFile(oc)) return canonicalize(c, null, readOpenClipConfig(oc), activationOverride);
            if (Files.isRegularFile(hf) && isClipConfig(hf))
                return canonicalize(c, HfClipConfig.read(hf), null, activationOverride);
            return canonicalize(c, null, null, activationOverride);
        } catch (CheckpointException e) {
            throw e.withFile(c.file());
        }
    }

    private static boolean isClipConfig(Path f) {
        try {
            JsonNode n = new ObjectMapper().readTree(f.toFile());
            return n.isObject() && (n.has("vision_config") || n.has("text_config") || "clip".equals(n.path("model_type").asText()));
        } catch (IOException e) {
            throw new CheckpointException(Reason.BAD_CONTENT, f, "cannot parse: " + e.getMessage(), e);
        }
    }

    /** open_clip config hints (§8.2): {@code model_cfg.quick_gelu}, head width and text heads. */
    public record OpenClipHints(Activation activation, Integer visionHeads, Integer textHeads) {}

    public static OpenClipHints readOpenClipConfig(Path f) {
        try {
            JsonNode m = new ObjectMapper().readTree(f.toFile()).path("model_cfg");
            Activation a = m.path("quick_gelu").asBoolean(false) ? Activation.QUICK_GELU : Activation.GELU;
            JsonNode v = m.path("vision_cfg"), t = m.path("text_cfg");
            Integer vh = v.has("width") ? v.get("width").asInt() / v.path("head_width").asInt(64) : null;
            Integer th = t.has("heads") ? t.get("heads").asInt() : t.has("width") ? 8 : null;
            return new OpenClipHints(a, vh, th);
        } catch (IOException e) {
            throw new CheckpointException(Reason.BAD_CONTENT, f, "cannot parse open_clip config: " + e.getMessage(), e);
        }
    }

    /**
     * Converts a checkpoint to validated canonical weights.
     *
     * @param hf       HF config (heads, activation, epsilon), or null
     * @param openClip open_clip config hints, or null
     * @param override activation to use regardless of the files, or null
     */
    public static ClipWeights canonicalize(Checkpoint c, HfClipConfig hf, OpenClipHints openClip, Activation override) {
        List<String> notes = new ArrayList<>(c.notes());
        Scheme scheme = detectScheme(c);
        Map<String, RawTensor> w = new LinkedHashMap<>(c.tensors());
        if (scheme == Scheme.HF) {
            w = hfToOpenAI(w, notes);
        } else {
            w = stripModulePrefix(w, notes);
        }
        Map<String, RawTensor> extras = new LinkedHashMap<>();
        for (String k : OPENAI_EXTRAS) {
            RawTensor t = w.remove(k);
            if (t != null) extras.put(k, t);
        }
        RawTensor ls = w.get("logit_scale");
        if (ls != null && ls.rank() == 1 && ls.numel() == 1) {
            w.put("logit_scale", ls.reshape());
            notes.add("reshaped logit_scale [1] -> [] (open_clip nonscalar_logit_scale)");
        }
        ClipConfig cfg = ClipConfig.infer(w);
        Activation act = Activation.QUICK_GELU;
        if (hf != null) {
            act = hf.activation();
            cfg = cfg.withHeads(hf.visionHeads(), hf.textHeads()).withLayerNormEps(hf.textLayerNormEps());
        } else if (openClip != null) {
            act = openClip.activation();
            cfg = cfg.withHeads(openClip.visionHeads() != null ? openClip.visionHeads() : cfg.visionHeads(),
                    openClip.textHeads() != null ? openClip.textHeads() : cfg.textHeads());
        } else if (scheme == Scheme.OPEN_CLIP) {
            notes.add("activation assumed QuickGELU (no open_clip_config.json); open_clip LAION-2B / DataComp "
                    + "weights use GELU - pass an activation override for those (§8.2)");
        }
        if (override != null) act = override;
        cfg = cfg.withActivation(act);
        if (c.metadata().containsKey(TorchZipReader.FALLBACK_CLASSES_KEY)) {
            // §4.6 (b): without __parameters__/__buffers__ every tensor attribute was taken; reconcile by name
            List<String> dropped = new ArrayList<>();
            Map<String, long[]> expected = expectedShapes(cfg);
            w.keySet().removeIf(k -> !expected.containsKey(k) && dropped.add(k));
            if (!dropped.isEmpty()) notes.add("ignored TorchScript tensor attributes outside the expected key set "
                    + "(§4.6 fallback b): " + TorchObjects.abbreviate(dropped));
        }
        validate(w, cfg, describe(c, scheme));
        checkExtras(extras, cfg, notes);
        return new ClipWeights(w, extras, cfg, scheme, describe(c, scheme), notes);
    }

    /** Detects the naming scheme from key names, format and file names. */
    public static Scheme detectScheme(Checkpoint c) {
        boolean hf = false;
        for (String k : c.tensors().keySet()) {
            if (k.startsWith("vision_model.") || k.startsWith("text_model.") || k.equals("visual_projection.weight")) {
                hf = true;
                break;
            }
        }
        if (hf) return Scheme.HF;
        if (c.format() == Checkpoint.Format.TORCHSCRIPT || c.tensors().containsKey("input_resolution"))
            return Scheme.OPENAI_TORCHSCRIPT;
        String file = c.file() == null ? "" : c.file().getFileName().toString();
        RawTensor ls = c.tensors().get("logit_scale");
        boolean stripped = c.notes().stream().anyMatch(n -> n.contains("'module.'") || n.contains("'state_dict'"));
        if (file.startsWith("open_clip") || stripped || (ls != null && ls.rank() == 1)
                || c.tensors().keySet().stream().anyMatch(k -> k.startsWith("module.")))
            return Scheme.OPEN_CLIP;
        return Scheme.OPENAI;
    }

    private static String describe(Checkpoint c, Scheme s) {
        return switch (s) {
            case OPENAI_TORCHSCRIPT -> "OpenAI TorchScript archive";
            case OPENAI -> "OpenAI-named state dict";
            case OPEN_CLIP -> "open_clip state dict";
            case HF -> "Hugging Face CLIPModel state dict";
        } + " " + c.describe();
    }

    private static Map<String, RawTensor> stripModulePrefix(Map<String, RawTensor> w, List<String> notes) {
        if (w.isEmpty() || !w.keySet().iterator().next().startsWith("module.")) return w;
        Map<String, RawTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, RawTensor> e : w.entrySet()) {
            String k = e.getKey().startsWith("module.") ? e.getKey().substring(7) : e.getKey();
            out.put(k, e.getValue().withName(k));
        }
        notes.add("stripped the 'module.' prefix");
        return out;
    }

    private static void checkExtras(Map<String, RawTensor> extras, ClipConfig cfg, List<String> notes) {
        Map<String, Integer> expect = Map.of("input_resolution", cfg.imageResolution(),
                "context_length", cfg.contextLength(), "vocab_size", cfg.vocabSize());
        for (Map.Entry<String, RawTensor> e : extras.entrySet()) {
            RawTensor t = e.getValue();
            if (t.numel() != 1) {
                notes.add("warning: extra '" + e.getKey() + "' has " + t.numel() + " elements, expected 1");
                continue;
            }
            long v = t.getLong(0);
            if (v != expect.get(e.getKey())) notes.add("warning: extra '" + e.getKey() + "' = " + v
                    + " but the weights imply " + expect.get(e.getKey()));
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // validation (§5.3, §5.5)

    /** The canonical key set with shapes for {@code config} (§5.3). */
    public static Map<String, long[]> expectedShapes(ClipConfig config) {
        return config.expectedShapes();
    }

    /**
     * Checks canonical weights against {@link #expectedShapes(ClipConfig)}; one exception lists every missing,
     * unexpected and misshaped tensor.
     */
    public static void validate(Map<String, RawTensor> w, ClipConfig config, String source) {
        Map<String, long[]> expected = expectedShapes(config);
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), misshaped = new ArrayList<>();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            RawTensor t = w.get(e.getKey());
            if (t == null) missing.add(e.getKey());
            else if (!Arrays.equals(t.shape(), e.getValue()))
                misshaped.add(e.getKey() + " " + Arrays.toString(t.shape()) + " (expected " + Arrays.toString(e.getValue()) + ")");
        }
        for (String k : w.keySet()) if (!expected.containsKey(k)) unexpected.add(k);
        if (missing.isEmpty() && unexpected.isEmpty() && misshaped.isEmpty()) return;
        StringBuilder m = new StringBuilder("state dict of ").append(source).append(" does not match ")
                .append(config.describe()).append(':');
        if (!missing.isEmpty()) m.append("\n  missing (").append(missing.size()).append("): ").append(missing);
        if (!unexpected.isEmpty()) m.append("\n  unexpected (").append(unexpected.size()).append("): ").append(unexpected);
        if (!misshaped.isEmpty()) m.append("\n  misshaped (").append(misshaped.size()).append("): ").append(misshaped);
        throw new CheckpointException(Reason.KEY_MISMATCH, m.toString());
    }

    // ------------------------------------------------------------------------------------------------------------
    // HF <-> OpenAI (§7.2)

    /** Renames without transforms: HF suffix ↔ OpenAI suffix, per tower-independent part of the layer. */
    private static final String[][] LAYER_RENAMES = {
            {"self_attn.out_proj.weight", "attn.out_proj.weight"}, {"self_attn.out_proj.bias", "attn.out_proj.bias"},
            {"layer_norm1.weight", "ln_1.weight"}, {"layer_norm1.bias", "ln_1.bias"},
            {"layer_norm2.weight", "ln_2.weight"}, {"layer_norm2.bias", "ln_2.bias"},
            {"mlp.fc1.weight", "mlp.c_fc.weight"}, {"mlp.fc1.bias", "mlp.c_fc.bias"},
            {"mlp.fc2.weight", "mlp.c_proj.weight"}, {"mlp.fc2.bias", "mlp.c_proj.bias"}};

    private static final String[][] GLOBAL_RENAMES = {
            {"vision_model.embeddings.patch_embedding.weight", "visual.conv1.weight"},
            {"vision_model.embeddings.class_embedding", "visual.class_embedding"},
            {"vision_model.embeddings.position_embedding.weight", "visual.positional_embedding"},
            {"vision_model.pre_layrnorm.weight", "visual.ln_pre.weight"},
            {"vision_model.pre_layrnorm.bias", "visual.ln_pre.bias"},
            {"vision_model.post_layernorm.weight", "visual.ln_post.weight"},
            {"vision_model.post_layernorm.bias", "visual.ln_post.bias"},
            {"text_model.embeddings.token_embedding.weight", "token_embedding.weight"},
            {"text_model.embeddings.position_embedding.weight", "positional_embedding"},
            {"text_model.final_layer_norm.weight", "ln_final.weight"},
            {"text_model.final_layer_norm.bias", "ln_final.bias"},
            {"logit_scale", "logit_scale"}};

    private static final Pattern HF_LAYER = Pattern.compile("(vision|text)_model\\.encoder\\.layers\\.(\\d+)\\.(.+)");
    private static final Pattern OAI_LAYER = Pattern.compile("(visual\\.)?transformer\\.resblocks\\.(\\d+)\\.(.+)");

    /** HF {@code CLIPModel} names → OpenAI names. {@code position_ids} are dropped; unknown keys pass unchanged. */
    public static Map<String, RawTensor> hfToOpenAI(Map<String, RawTensor> hf, List<String> notes) {
        Map<String, RawTensor> out = new LinkedHashMap<>();
        Map<String, RawTensor[]> qkv = new LinkedHashMap<>(); // openai in_proj name → q, k, v
        Map<String, String> qkvSources = new LinkedHashMap<>();
        for (Map.Entry<String, RawTensor> e : hf.entrySet()) {
            String k = e.getKey();
            RawTensor t = e.getValue();
            if (k.endsWith("embeddings.position_ids")) {
                if (notes != null) notes.add("ignored " + k + " (HF buffer, §7.1)");
                continue;
            }
            String g = lookup(GLOBAL_RENAMES, k, 0);
            if (g != null) { out.put(g, t.withName(g)); continue; }
            if (k.equals("visual_projection.weight")) { out.put("visual.proj", TensorOps.transpose2d("visual.proj", t)); continue; }
            if (k.equals("text_projection.weight")) { out.put("text_projection", TensorOps.transpose2d("text_projection", t)); continue; }
            Matcher m = HF_LAYER.matcher(k);
            if (m.matches()) {
                String base = (m.group(1).equals("vision") ? "visual." : "") + "transformer.resblocks." + m.group(2) + ".";
                String rest = m.group(3);
                Matcher q = Pattern.compile("self_attn\\.([qkv])_proj\\.(weight|bias)").matcher(rest);
                if (q.matches()) {
                    String name = base + "attn.in_proj_" + q.group(2);
                    RawTensor[] parts = qkv.computeIfAbsent(name, x -> new RawTensor[3]);
                    parts["qkv".indexOf(q.group(1))] = t;
                    qkvSources.merge(name, k, (a, b) -> a + ", " + b);
                    out.put(name, null); // placeholder keeps state-dict order
                    continue;
                }
                String r = lookup(LAYER_RENAMES, rest, 0);
                if (r != null) { out.put(base + r, t.withName(base + r)); continue; }
            }
            out.put(k, t); // unknown: kept under its own name so that validation reports it
        }
        for (Map.Entry<String, RawTensor[]> e : qkv.entrySet()) {
            RawTensor[] p = e.getValue();
            if (p[0] == null || p[1] == null || p[2] == null) {
                out.remove(e.getKey());
                for (RawTensor t : p) if (t != null) out.put(t.name(), t); // incomplete q/k/v: report as unexpected
                continue;
            }
            out.put(e.getKey(), TensorOps.concat0(e.getKey(), List.of(p))); // q;k;v on dim 0 (§7.2)
        }
        return out;
    }

    /** OpenAI names → HF {@code CLIPModel} names (split in_proj into q, k, v; transpose the projections). */
    public static Map<String, RawTensor> openAIToHf(Map<String, RawTensor> openai) {
        Map<String, RawTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, RawTensor> e : openai.entrySet()) {
            String k = e.getKey();
            RawTensor t = e.getValue();
            if (OPENAI_EXTRAS.contains(k) || k.endsWith("attn_mask")) continue;
            String g = lookup(GLOBAL_RENAMES, k, 1);
            if (g != null) { out.put(g, t.withName(g)); continue; }
            if (k.equals("visual.proj")) { out.put("visual_projection.weight", TensorOps.transpose2d("visual_projection.weight", t)); continue; }
            if (k.equals("text_projection")) { out.put("text_projection.weight", TensorOps.transpose2d("text_projection.weight", t)); continue; }
            Matcher m = OAI_LAYER.matcher(k);
            if (m.matches()) {
                String base = (m.group(1) != null ? "vision_model" : "text_model") + ".encoder.layers." + m.group(2) + ".";
                String rest = m.group(3);
                if (rest.equals("attn.in_proj_weight") || rest.equals("attn.in_proj_bias")) {
                    String kind = rest.endsWith("weight") ? "weight" : "bias";
                    String[] names = {base + "self_attn.q_proj." + kind, base + "self_attn.k_proj." + kind,
                            base + "self_attn.v_proj." + kind};
                    for (RawTensor p : TensorOps.split0(t, 3, names)) out.put(p.name(), p);
                    continue;
                }
                String r = lookup(LAYER_RENAMES, rest, 1);
                if (r != null) { out.put(base + r, t.withName(base + r)); continue; }
            }
            throw new CheckpointException(Reason.KEY_MISMATCH, "no Hugging Face name for OpenAI key '" + k + "'");
        }
        return out;
    }

    private static String lookup(String[][] table, String key, int from) {
        for (String[] row : table) if (row[from].equals(key)) return row[1 - from];
        return null;
    }
}
