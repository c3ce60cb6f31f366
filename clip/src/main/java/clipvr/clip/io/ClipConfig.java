package clipvr.clip.io;

import clipvr.clip.io.CheckpointException.Reason;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Architecture of a ViT CLIP model, as inferred from OpenAI-named weights by §5.5 (plus hints that shapes cannot
 * give: heads, activation, LayerNorm epsilon).
 */
public record ClipConfig(int embedDim,
                         int imageResolution, int visionPatchSize, int visionWidth, int visionLayers, int visionHeads,
                         int visionMlpWidth,
                         int contextLength, int vocabSize, int textWidth, int textLayers, int textHeads, int textMlpWidth,
                         Activation activation, double layerNormEps) {

    /** Number of patches per side. */
    public int grid() { return imageResolution / visionPatchSize; }

    public ClipConfig withActivation(Activation a) {
        return new ClipConfig(embedDim, imageResolution, visionPatchSize, visionWidth, visionLayers, visionHeads,
                visionMlpWidth, contextLength, vocabSize, textWidth, textLayers, textHeads, textMlpWidth, a, layerNormEps);
    }

    public ClipConfig withHeads(int vision, int text) {
        return new ClipConfig(embedDim, imageResolution, visionPatchSize, visionWidth, visionLayers, vision,
                visionMlpWidth, contextLength, vocabSize, textWidth, textLayers, text, textMlpWidth, activation, layerNormEps);
    }

    public ClipConfig withLayerNormEps(double eps) {
        return new ClipConfig(embedDim, imageResolution, visionPatchSize, visionWidth, visionLayers, visionHeads,
                visionMlpWidth, contextLength, vocabSize, textWidth, textLayers, textHeads, textMlpWidth, activation, eps);
    }

    /** One-line summary for messages. */
    public String describe() {
        return "ViT CLIP: image " + imageResolution + "px patch " + visionPatchSize + ", vision width " + visionWidth
                + " x " + visionLayers + " layers / " + visionHeads + " heads, text width " + textWidth + " x "
                + textLayers + " layers / " + textHeads + " heads, context " + contextLength + ", vocab " + vocabSize
                + ", embed " + embedDim + ", " + activation;
    }

    /**
     * Infers the configuration from canonical (OpenAI-named) weights, as OpenAI's {@code build_model} does (§5.5).
     * Heads default to width / 64; activation defaults to QuickGELU; epsilon to 1e-5.
     */
    public static ClipConfig infer(Map<String, RawTensor> w) {
        if (w.containsKey("visual.attnpool.positional_embedding") || w.containsKey("visual.layer1.0.conv1.weight"))
            throw new CheckpointException(Reason.UNSUPPORTED, "ModifiedResNet CLIP weights (RN50 family, §5.6) are "
                    + "not supported; only ViT towers");
        List<String> missing = new ArrayList<>();
        for (String k : List.of("visual.conv1.weight", "visual.positional_embedding", "visual.proj",
                "text_projection", "positional_embedding", "token_embedding.weight", "ln_final.weight"))
            if (!w.containsKey(k)) missing.add(k);
        if (!missing.isEmpty()) throw new CheckpointException(Reason.KEY_MISMATCH, "cannot infer the CLIP ViT "
                + "configuration: missing " + missing + " (keys present: " + TorchObjects.abbreviate(new ArrayList<>(w.keySet())) + ")");
        long[] conv = w.get("visual.conv1.weight").shape();
        long[] pos = w.get("visual.positional_embedding").shape();
        if (conv.length != 4 || pos.length != 2) throw new CheckpointException(Reason.KEY_MISMATCH,
                "visual.conv1.weight or visual.positional_embedding has an unexpected rank");
        int visionWidth = (int) conv[0];
        int patch = (int) conv[3];
        int grid = (int) Math.round(Math.sqrt(pos[0] - 1));
        int visionLayers = 0;
        for (String k : w.keySet()) if (k.startsWith("visual.") && k.endsWith(".attn.in_proj_weight")) visionLayers++;
        TreeSet<String> textBlocks = new TreeSet<>();
        for (String k : w.keySet()) if (k.startsWith("transformer.resblocks.")) textBlocks.add(k.split("\\.")[2]);
        int textWidth = (int) dim(w, "ln_final.weight", 0);
        int visionMlp = w.containsKey("visual.transformer.resblocks.0.mlp.c_fc.weight")
                ? (int) dim(w, "visual.transformer.resblocks.0.mlp.c_fc.weight", 0) : 4 * visionWidth;
        int textMlp = w.containsKey("transformer.resblocks.0.mlp.c_fc.weight")
                ? (int) dim(w, "transformer.resblocks.0.mlp.c_fc.weight", 0) : 4 * textWidth;
        return new ClipConfig((int) dim(w, "text_projection", 1), patch * grid, patch, visionWidth, visionLayers,
                Math.max(1, visionWidth / 64), visionMlp, (int) dim(w, "positional_embedding", 0),
                (int) dim(w, "token_embedding.weight", 0), textWidth, textBlocks.size(), Math.max(1, textWidth / 64),
                textMlp, Activation.QUICK_GELU, 1e-5);
    }

    private static long dim(Map<String, RawTensor> w, String k, int d) {
        long[] s = w.get(k).shape();
        if (d >= s.length) throw new CheckpointException(Reason.KEY_MISMATCH, "tensor '" + k + "' has shape "
                + java.util.Arrays.toString(s) + ", expected at least " + (d + 1) + " dimensions");
        return s[d];
    }

    /** The canonical OpenAI key set with shapes for this configuration (§5.3), in state-dict order. */
    public Map<String, long[]> expectedShapes() {
        Map<String, long[]> m = new LinkedHashMap<>();
        int g = grid();
        m.put("positional_embedding", new long[]{contextLength, textWidth});
        m.put("text_projection", new long[]{textWidth, embedDim});
        m.put("logit_scale", new long[]{});
        m.put("visual.class_embedding", new long[]{visionWidth});
        m.put("visual.positional_embedding", new long[]{(long) g * g + 1, visionWidth});
        m.put("visual.proj", new long[]{visionWidth, embedDim});
        m.put("visual.conv1.weight", new long[]{visionWidth, 3, visionPatchSize, visionPatchSize});
        m.put("visual.ln_pre.weight", new long[]{visionWidth});
        m.put("visual.ln_pre.bias", new long[]{visionWidth});
        blocks(m, "visual.transformer.resblocks.", visionLayers, visionWidth, visionMlpWidth);
        m.put("visual.ln_post.weight", new long[]{visionWidth});
        m.put("visual.ln_post.bias", new long[]{visionWidth});
        blocks(m, "transformer.resblocks.", textLayers, textWidth, textMlpWidth);
        m.put("token_embedding.weight", new long[]{vocabSize, textWidth});
        m.put("ln_final.weight", new long[]{textWidth});
        m.put("ln_final.bias", new long[]{textWidth});
        return m;
    }

    private static void blocks(Map<String, long[]> m, String p, int layers, int w, int mlp) {
        for (int i = 0; i < layers; i++) {
            String b = p + i + ".";
            m.put(b + "attn.in_proj_weight", new long[]{3L * w, w});
            m.put(b + "attn.in_proj_bias", new long[]{3L * w});
            m.put(b + "attn.out_proj.weight", new long[]{w, w});
            m.put(b + "attn.out_proj.bias", new long[]{w});
            m.put(b + "ln_1.weight", new long[]{w});
            m.put(b + "ln_1.bias", new long[]{w});
            m.put(b + "mlp.c_fc.weight", new long[]{mlp, w});
            m.put(b + "mlp.c_fc.bias", new long[]{mlp});
            m.put(b + "mlp.c_proj.weight", new long[]{w, mlp});
            m.put(b + "mlp.c_proj.bias", new long[]{w});
            m.put(b + "ln_2.weight", new long[]{w});
            m.put(b + "ln_2.bias", new long[]{w});
        }
    }
}
