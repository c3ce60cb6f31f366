package clipvr.clip.io;

import clipvr.clip.io.CheckpointException.Reason;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The fields of a Hugging Face {@code CLIPConfig} {@code config.json} that matter for loading (§7.3). Absent keys take
 * the {@code CLIPTextConfig} / {@code CLIPVisionConfig} defaults; {@code text_config_dict} / {@code vision_config_dict}
 * of older files win over {@code text_config} / {@code vision_config}.
 */
public record HfClipConfig(int projectionDim,
                           int textHidden, int textIntermediate, int textLayers, int textHeads, int textMaxPositions,
                           int vocabSize, String textHiddenAct, double textLayerNormEps,
                           int visionHidden, int visionIntermediate, int visionLayers, int visionHeads, int imageSize,
                           int patchSize, String visionHiddenAct, double visionLayerNormEps) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static HfClipConfig read(Path configJson) {
        byte[] bytes;
        try {
            bytes = java.nio.file.Files.readAllBytes(configJson);
        } catch (IOException e) {
            throw new CheckpointException(Reason.IO, configJson, "cannot read HF config: " + e, e);
        }
        return read(bytes, configJson);
    }

    /** Parses {@code config.json} bytes; {@code source} names them in messages. */
    public static HfClipConfig read(byte[] bytes, Path source) {
        try {
            return parse(JSON.readTree(bytes));
        } catch (IOException e) {
            throw new CheckpointException(Reason.BAD_CONTENT, source, "cannot parse HF config: " + e.getMessage(), e);
        } catch (CheckpointException e) {
            throw e.withFile(source);
        }
    }

    public static HfClipConfig parse(JsonNode root) {
        if (root == null || !root.isObject()) throw new CheckpointException(Reason.BAD_CONTENT, "config is not a JSON object");
        if (root.has("model_type") && !root.get("model_type").asText().equals("clip"))
            throw new CheckpointException(Reason.UNSUPPORTED, "config model_type is '" + root.get("model_type").asText()
                    + "', expected 'clip'");
        JsonNode t = merged(root, "text_config"), v = merged(root, "vision_config");
        HfClipConfig c = new HfClipConfig(i(root, "projection_dim", 512),
                i(t, "hidden_size", 512), i(t, "intermediate_size", 2048), i(t, "num_hidden_layers", 12),
                i(t, "num_attention_heads", 8), i(t, "max_position_embeddings", 77), i(t, "vocab_size", 49408),
                s(t, "hidden_act", "quick_gelu"), d(t, "layer_norm_eps", 1e-5),
                i(v, "hidden_size", 768), i(v, "intermediate_size", 3072), i(v, "num_hidden_layers", 12),
                i(v, "num_attention_heads", 12), i(v, "image_size", 224), i(v, "patch_size", 32),
                s(v, "hidden_act", "quick_gelu"), d(v, "layer_norm_eps", 1e-5));
        c.validate();
        return c;
    }

    /** Rejects configurations that describe no buildable model (found by fuzzing: negative or zero sizes). */
    private void validate() {
        positive("projection_dim", projectionDim);
        positive("text_config.hidden_size", textHidden);
        positive("text_config.intermediate_size", textIntermediate);
        positive("text_config.num_attention_heads", textHeads);
        positive("text_config.max_position_embeddings", textMaxPositions);
        positive("text_config.vocab_size", vocabSize);
        positive("vision_config.hidden_size", visionHidden);
        positive("vision_config.intermediate_size", visionIntermediate);
        positive("vision_config.num_attention_heads", visionHeads);
        positive("vision_config.patch_size", patchSize);
        if (textLayers < 0 || visionLayers < 0) throw bad("num_hidden_layers must not be negative");
        if (textHidden % textHeads != 0) throw bad("text hidden_size " + textHidden + " is not a multiple of "
                + "num_attention_heads " + textHeads);
        if (visionHidden % visionHeads != 0) throw bad("vision hidden_size " + visionHidden + " is not a multiple "
                + "of num_attention_heads " + visionHeads);
        if (imageSize < patchSize) throw bad("image_size " + imageSize + " is smaller than patch_size " + patchSize);
        if (!(textLayerNormEps > 0) || !(visionLayerNormEps > 0) || Double.isInfinite(textLayerNormEps)
                || Double.isInfinite(visionLayerNormEps)) throw bad("layer_norm_eps must be a positive number");
        activation();
    }

    private static void positive(String field, int v) {
        if (v <= 0) throw bad("config field '" + field + "' = " + v + " must be positive");
    }

    private static CheckpointException bad(String m) {
        return new CheckpointException(Reason.BAD_CONTENT, m);
    }

    /** The activation, which must be the same for both towers. */
    public Activation activation() {
        Activation a = Activation.fromHf(textHiddenAct), b = Activation.fromHf(visionHiddenAct);
        if (a != b) throw new CheckpointException(Reason.UNSUPPORTED, "text hidden_act '" + textHiddenAct
                + "' differs from vision hidden_act '" + visionHiddenAct + "'");
        return a;
    }

    /** An HF {@code config.json} for a configuration (so the project can write HF-style directories). */
    public static String toJson(ClipConfig c) {
        ObjectNode root = JSON.createObjectNode();
        root.putArray("architectures").add("CLIPModel");
        root.put("model_type", "clip");
        root.put("projection_dim", c.embedDim());
        root.put("logit_scale_init_value", 2.6592);
        ObjectNode t = root.putObject("text_config");
        t.put("model_type", "clip_text_model");
        t.put("vocab_size", c.vocabSize());
        t.put("hidden_size", c.textWidth());
        t.put("intermediate_size", c.textMlpWidth());
        t.put("num_attention_heads", c.textHeads());
        t.put("num_hidden_layers", c.textLayers());
        t.put("max_position_embeddings", c.contextLength());
        t.put("hidden_act", c.activation().hfName());
        t.put("layer_norm_eps", c.layerNormEps());
        t.put("projection_dim", c.embedDim());
        ObjectNode v = root.putObject("vision_config");
        v.put("model_type", "clip_vision_model");
        v.put("hidden_size", c.visionWidth());
        v.put("intermediate_size", c.visionMlpWidth());
        v.put("num_attention_heads", c.visionHeads());
        v.put("num_hidden_layers", c.visionLayers());
        v.put("image_size", c.imageResolution());
        v.put("patch_size", c.visionPatchSize());
        v.put("num_channels", 3);
        v.put("hidden_act", c.activation().hfName());
        v.put("layer_norm_eps", c.layerNormEps());
        v.put("projection_dim", c.embedDim());
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode merged(JsonNode root, String name) {
        ObjectNode out = JSON.createObjectNode();
        if (root.get(name) instanceof ObjectNode o) out.setAll(o);
        if (root.get(name + "_dict") instanceof ObjectNode o) out.setAll(o); // _dict values win (§7.3)
        return out;
    }

    private static int i(JsonNode n, String k, int def) {
        JsonNode v = n.get(k);
        if (v == null || v.isNull()) return def;
        if (!v.canConvertToInt() || !v.isIntegralNumber())
            throw new CheckpointException(Reason.BAD_CONTENT, "config field '" + k + "' = " + v + " is not an integer");
        return v.intValue();
    }

    private static double d(JsonNode n, String k, double def) {
        JsonNode v = n.get(k);
        if (v == null || v.isNull()) return def;
        if (!v.isNumber()) throw new CheckpointException(Reason.BAD_CONTENT, "config field '" + k + "' is not a number");
        return v.doubleValue();
    }

    private static String s(JsonNode n, String k, String def) {
        JsonNode v = n.get(k);
        return v == null || v.isNull() ? def : v.asText();
    }
}
