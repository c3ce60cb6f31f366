package clipvr.reprogram.input;

/**
 * Prompt sizes at an encoder resolution R, scaled from the papers' sizes at R = 224
 * (docs/methods.md, "Geometry at other resolutions"):
 * <ul>
 *   <li>VP watermark border: {@code vpPad = round(30·R/224)} (30 at 224, spec §1.4);</li>
 *   <li>AR/AttrVR/DVP inner image: {@code arInner = R − 2·round(16·R/224)} (192 at 224; R − r stays even);</li>
 *   <li>SMM "pad" baseline inner image: {@code padInner = R − 2·round(48·R/224)} (128 at 224, as ILM-VP's pad prompt);</li>
 *   <li>SMM "narrow" / "medium" frames: {@code round(28·R/224)} / {@code round(56·R/224)} (R/8 and R/4, spec §5.6);</li>
 *   <li>SMM patch sizes p ∈ {1, 2, 4, 8, 16, 32} are valid only when R is divisible by p.</li>
 * </ul>
 */
public record PromptGeometry(int resolution, int vpPad, int arInner, int padInner, int narrow, int medium) {
    public PromptGeometry {
        if (resolution < 4) throw new IllegalArgumentException("PromptGeometry: resolution " + resolution + " too small");
        if (2 * vpPad >= resolution || arInner <= 0 || padInner <= 0 || 2 * medium >= resolution)
            throw new IllegalArgumentException("PromptGeometry: sizes do not fit resolution " + resolution);
    }

    /** The papers' sizes scaled to resolution R. */
    public static PromptGeometry forResolution(int r) {
        return new PromptGeometry(r, scale(30, r), r - 2 * scale(16, r), r - 2 * scale(48, r), scale(28, r), scale(56, r));
    }

    /** Side of the centre VP's watermark border leaves free, R − 2·vpPad (164 at 224, 24 at 32). */
    public int vpInner() { return resolution - 2 * vpPad; }

    /** round(v·R/224), half up. */
    public static int scale(int v, int r) { return (int) Math.round(v * (double) r / 224.0); }

    /** True when SMM's patch-wise interpolation can use patch p at this resolution. */
    public boolean validPatch(int p) {
        return (p == 1 || p == 2 || p == 4 || p == 8 || p == 16 || p == 32) && resolution % p == 0;
    }
}
