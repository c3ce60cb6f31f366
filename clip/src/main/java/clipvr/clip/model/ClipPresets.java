package clipvr.clip.model;

import clipvr.clip.io.Activation;
import clipvr.clip.io.ClipConfig;

import java.util.LinkedHashMap;
import java.util.Map;

/** OpenAI's ViT architectures (widths, depths, heads = width / 64) plus a tiny one for tests. */
public final class ClipPresets {
    private ClipPresets() {}

    private static final Map<String, ClipConfig> PRESETS = new LinkedHashMap<>();

    static {
        PRESETS.put("ViT-B/32", vit(512, 224, 32, 768, 12, 512, 12));
        PRESETS.put("ViT-B/16", vit(512, 224, 16, 768, 12, 512, 12));
        PRESETS.put("ViT-L/14", vit(768, 224, 14, 1024, 24, 768, 12));
        PRESETS.put("ViT-L/14@336px", vit(768, 336, 14, 1024, 24, 768, 12));
        // the shape of ../shared/fixtures/tiny-vit: 64 px, patch 16, width 128 (2 heads), text width 64 (1 head)
        PRESETS.put("tiny", vit(32, 64, 16, 128, 2, 64, 2));
    }

    static ClipConfig vit(int embed, int res, int patch, int vWidth, int vLayers, int tWidth, int tLayers) {
        return new ClipConfig(embed, res, patch, vWidth, vLayers, vWidth / 64, 4 * vWidth,
                77, 49408, tWidth, tLayers, Math.max(1, tWidth / 64), 4 * tWidth, Activation.QUICK_GELU, 1e-5);
    }

    public static ClipConfig of(String name) {
        ClipConfig c = PRESETS.get(name);
        if (c == null) throw new IllegalArgumentException("unknown architecture '" + name + "'; known: " + PRESETS.keySet());
        return c;
    }

    public static Iterable<String> names() { return PRESETS.keySet(); }
}
