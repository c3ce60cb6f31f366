package clipvr.reprogram.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeMap;

/** Split names and a stratified hold-out for validation ({@code --val-fraction}). */
public final class Split {

    public static final String TRAIN = "train";
    public static final String TEST = "test";

    private Split() {}

    /**
     * Canonical split name: {@code train} or {@code test} (case-insensitive; {@code t10k} is accepted as the
     * IDX file prefix for {@code test}).
     *
     * @throws IllegalArgumentException for anything else
     */
    public static String normalize(String split) {
        String s = split.strip().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "train" -> TRAIN;
            case "test", "t10k" -> TEST;
            default -> throw new IllegalArgumentException("unknown split '" + split + "'; expected 'train' or 'test'");
        };
    }

    /** The two parts of a hold-out: indices kept for training and indices held out for validation. */
    public record Parts(int[] train, int[] validation) {}

    /**
     * Stratified hold-out. For each class c with n_c of the given indices, {@code round(fraction * n_c)} of
     * them (clamped to {@code [1, n_c - 1]} when {@code fraction > 0} and {@code n_c >= 2}; 0 when
     * {@code n_c < 2}) are chosen uniformly at random (seeded, deterministic) for validation; the rest stay
     * in training. Both outputs are class-major (classes in ascending label order) and ascending within a
     * class.
     *
     * @param indices dataset indices to split (e.g. the output of {@link FewShot#sample})
     * @param labels  labels parallel to {@code indices}: {@code labels[k]} is the label of {@code indices[k]}
     * @param fraction in {@code [0, 1)}; 0 returns everything as training
     */
    public static Parts holdOut(int[] indices, int[] labels, double fraction, long seed) {
        if (indices.length != labels.length) {
            throw new IllegalArgumentException("indices and labels differ in length: " + indices.length + " vs " + labels.length);
        }
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in [0, 1), got " + fraction);
        }
        TreeMap<Integer, List<Integer>> byClass = new TreeMap<>();
        for (int k = 0; k < indices.length; k++) byClass.computeIfAbsent(labels[k], c -> new ArrayList<>()).add(indices[k]);
        int[] train = new int[indices.length];
        int[] val = new int[indices.length];
        int nt = 0, nv = 0;
        for (var e : byClass.entrySet()) {
            int[] members = e.getValue().stream().mapToInt(Integer::intValue).sorted().toArray();
            int n = members.length;
            int nVal = 0;
            if (fraction > 0 && n >= 2) nVal = (int) Math.max(1, Math.min(n - 1, Math.round(fraction * n)));
            // the first nVal positions after a partial shuffle become the validation items
            FewShot.partialShuffle(members, nVal, new SplittableRandom(FewShot.classSeed(seed ^ 0x5DEECE66DL, e.getKey())));
            int[] v = Arrays.copyOfRange(members, 0, nVal);
            int[] t = Arrays.copyOfRange(members, nVal, n);
            Arrays.sort(v);
            Arrays.sort(t);
            System.arraycopy(v, 0, val, nv, v.length);
            nv += v.length;
            System.arraycopy(t, 0, train, nt, t.length);
            nt += t.length;
        }
        return new Parts(Arrays.copyOf(train, nt), Arrays.copyOf(val, nv));
    }

    /** {@link #holdOut(int[], int[], double, long)} with labels looked up in {@code dataset}. */
    public static Parts holdOut(int[] indices, Dataset dataset, double fraction, long seed) {
        int[] labels = new int[indices.length];
        for (int k = 0; k < indices.length; k++) labels[k] = dataset.label(indices[k]);
        return holdOut(indices, labels, fraction, seed);
    }
}
