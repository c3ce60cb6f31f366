package clipvr.reprogram.train;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The methods the trainer runs, by their command-line name ({@code --method}). Each names its prompt, its head,
 * its preprocessing family and its optimiser family (docs/training.md has the table with the papers).
 */
public enum Method {
    /** Zero-shot CLIP (spec §2.1): no prompt, label template(s); evaluation only. */
    ZEROSHOT("zeroshot", Family.ZEROSHOT),
    /** VP (spec §2.2): watermark prompt on the normalised R image, label head. */
    VP("vp", Family.CLIP_VR),
    /** AR (spec §2.3): padding prompt around the r image, label head. */
    AR("ar", Family.CLIP_VR),
    /** SMM on CLIP (spec §5, docs/methods.md): sample-specific mask, label head. */
    SMM("smm", Family.SMM),
    /** SMM's shared-mask baselines (spec §5.6) on the same δ pipeline. */
    SMM_PAD("smm-pad", Family.SMM),
    SMM_NARROW("smm-narrow", Family.SMM),
    SMM_MEDIUM("smm-medium", Family.SMM),
    SMM_FULL("smm-full", Family.SMM),
    /** AttrVR (spec §3): padding prompt, DesAttr + DistAttr top-k head. */
    ATTRVR("attrvr", Family.CLIP_VR),
    /** DVP-cse (spec §4.2): one padding prompt per cause, PRM. */
    DVP_CSE("dvp-cse", Family.CLIP_VR),
    /** DVP-cls (spec §4.3): one padding prompt per k-means cluster of the DesAttr embeddings, PRM. */
    DVP_CLS("dvp-cls", Family.CLIP_VR);

    /** Optimiser / preprocessing family. */
    public enum Family { ZEROSHOT, CLIP_VR, SMM }

    private final String cliName;
    private final Family family;

    Method(String cliName, Family family) {
        this.cliName = cliName;
        this.family = family;
    }

    public String cliName() { return cliName; }
    public Family family() { return family; }

    /** Trains anything (everything but zero-shot). */
    public boolean trains() { return family != Family.ZEROSHOT; }

    /** DVP-cse or DVP-cls: K prompts, PRM, the epoch-0 PRM-only pass. */
    public boolean isDvp() { return this == DVP_CSE || this == DVP_CLS; }

    /** Takes [0, 1] pixels at the inner size r and pads them (AR, AttrVR, DVP). */
    public boolean usesPadding() { return this == AR || this == ATTRVR || isDvp(); }

    /** Reads description files. */
    public boolean usesDescriptions() { return this == ATTRVR || isDvp(); }

    /** The description files (without {@code <ds>_} and {@code .json}) this method reads. */
    public List<String> descriptionKinds(int causes) {
        return switch (this) {
            case ATTRVR -> List.of("des", "dist");
            case DVP_CLS -> List.of("des");
            case DVP_CSE -> java.util.stream.IntStream.rangeClosed(1, causes).mapToObj(i -> "cse_" + i).toList();
            default -> List.of();
        };
    }

    /** Parses a command-line name (case-insensitive; {@code _} accepted for {@code -}). */
    public static Method parse(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        for (Method m : values()) if (m.cliName.equals(n)) return m;
        throw new IllegalArgumentException("--method: unknown method '" + name + "'; expected one of " + names());
    }

    /** All command-line names. */
    public static List<String> names() { return Arrays.stream(values()).map(Method::cliName).toList(); }

    @Override public String toString() { return cliName; }
}
