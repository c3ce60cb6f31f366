package clipvr.reprogram.mapping;

/** How SMM's output label mapping is chosen (spec §5.4). */
public enum MappingKind {
    /** Iterative label mapping: greedy on the frequency matrix, recomputed at the start of every epoch. */
    ILM,
    /** Frequency label mapping: the same greedy mapping, computed once before training (initial prompt). */
    FLM,
    /** Random label mapping: a seeded random permutation prefix of the source classes. */
    RLM;

    /** Whether the mapping is recomputed from fresh frequencies at every epoch. */
    public boolean recomputedEachEpoch() { return this == ILM; }
}
