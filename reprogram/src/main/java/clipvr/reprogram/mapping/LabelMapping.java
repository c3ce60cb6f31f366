package clipvr.reprogram.mapping;

import clipvr.autograd.Var;
import clipvr.autograd.ops.Select;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A one-to-one output label mapping for a model without a text head (SMM spec §5.4): target class t reads the
 * logit of source class {@code sourceOf[t]}; z = logits_S[:, sourceOf] [B, C]. No parameters.
 */
public record LabelMapping(int[] sourceOf, int numSources) implements OutputMapping {
    public LabelMapping {
        sourceOf = sourceOf.clone();
        boolean[] used = new boolean[numSources];
        for (int s : sourceOf) {
            if (s < 0 || s >= numSources || used[s]) throw new IllegalArgumentException("LabelMapping: not one-to-one into " + numSources + " sources: " + Arrays.toString(sourceOf));
            used[s] = true;
        }
    }

    @Override public int numTargets() { return sourceOf.length; }

    /** The one-hot [S][C] matrix P[sourceOf[t]][t] = 1 (z = s·P equals {@link #apply}). */
    @Override public double[][] matrix() {
        double[][] p = new double[numSources][sourceOf.length];
        for (int t = 0; t < sourceOf.length; t++) p[sourceOf[t]][t] = 1;
        return p;
    }

    @Override public int[] sourceOf() { return sourceOf.clone(); }

    /** source logits [B, S] → target logits [B, C] (index-select of the mapped columns; gradient scatters back). */
    @Override public Var apply(Var sourceLogits) { return Select.indexSelect(sourceLogits, 1, sourceOf); }

    /**
     * ILM/FLM's greedy assignment (SMM-code {@code predictive_distribution_based_multi_label_mapping} with one
     * source per target): C times, take the global maximum d[s*, t*] of the frequency matrix d [S][C] (the first in
     * row-major order on ties), map t* → s*, then set row s* and column t* to −1. Needs S ≥ C.
     */
    public static LabelMapping greedy(double[][] frequencies) {
        int s = frequencies.length, c = frequencies[0].length;
        if (s < c) throw new IllegalArgumentException("LabelMapping: " + s + " source classes cannot map " + c + " targets one-to-one");
        double[][] d = new double[s][];
        for (int i = 0; i < s; i++) d[i] = frequencies[i].clone();
        int[] sourceOf = new int[c];
        for (int step = 0; step < c; step++) {
            int bs = 0, bt = 0;
            for (int i = 0; i < s; i++)
                for (int t = 0; t < c; t++)
                    if (d[i][t] > d[bs][bt]) { bs = i; bt = t; }           // strict: the first maximum wins
            sourceOf[bt] = bs;
            Arrays.fill(d[bs], -1);
            for (int i = 0; i < s; i++) d[i][bt] = -1;
        }
        return new LabelMapping(sourceOf, s);
    }

    /** RLM: the first C entries of a seeded random permutation of the S source classes (Fisher–Yates). */
    public static LabelMapping random(int numSources, int numTargets, long seed) {
        if (numTargets > numSources) throw new IllegalArgumentException("LabelMapping: " + numSources + " sources < " + numTargets + " targets");
        int[] perm = new int[numSources];
        for (int i = 0; i < numSources; i++) perm[i] = i;
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = numSources - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = perm[i]; perm[i] = perm[j]; perm[j] = tmp;
        }
        return new LabelMapping(Arrays.copyOf(perm, numTargets), numSources);
    }

    /** The identity prefix 0..C−1 (a mapping for models whose first C source classes are the targets). */
    public static LabelMapping identity(int numSources, int numTargets) {
        int[] m = new int[numTargets];
        for (int i = 0; i < numTargets; i++) m[i] = i;
        return new LabelMapping(m, numSources);
    }
}
