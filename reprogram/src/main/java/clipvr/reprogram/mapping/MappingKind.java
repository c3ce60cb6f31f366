package clipvr.reprogram.mapping;

/** How the output label mapping is chosen: SMM's one-to-one kinds (spec §5.4) and Bayesian-guided reweighting (BLM). */
public enum MappingKind {
    /** Iterative label mapping: greedy on the frequency matrix, recomputed at the start of every epoch. */
    ILM,
    /** Frequency label mapping: the same greedy mapping, computed once before training (initial prompt). */
    FLM,
    /** Random label mapping: a seeded random permutation prefix of the source classes. */
    RLM,
    /** Bayesian-guided label mapping: ω [S, C] from argmax frequencies, recomputed at the start of every epoch. */
    BLM,
    /** BLM+: ω from the summed top-k softmax probabilities, recomputed at the start of every epoch. */
    BLMP;

    /** Whether the mapping is recomputed from fresh frequencies at every epoch. */
    public boolean recomputedEachEpoch() { return this == ILM || this == BLM || this == BLMP; }

    /** The name in {@code --label-mapping} and config.json: ilm, flm, rlm, blm, blmp. */
    public String cliName() { return name().toLowerCase(java.util.Locale.ROOT); }

    /** {@code --label-mapping}'s value (case-insensitive; {@code blm+} is BLM+), or an error naming the flag. */
    public static MappingKind parse(String s) {
        String v = s.strip().toLowerCase(java.util.Locale.ROOT);
        if (v.equals("blm+")) v = "blmp";
        for (MappingKind k : values()) if (k.cliName().equals(v)) return k;
        throw new IllegalArgumentException("--label-mapping must be one of ilm, flm, rlm, blm, blmp (BLM+), got '" + s + "'");
    }

    /** Whether the mapping is a real reweighting matrix ({@link BayesianMapping}) rather than one-to-one. */
    public boolean bayesian() { return this == BLM || this == BLMP; }
}
