package clipvr.reprogram.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Few-shot subset selection (spec §1.2): {@code shots} training items per class, sampled uniformly without
 * replacement, deterministic in {@code seed}.
 *
 * <p><b>Not bit-compatible with the reference.</b> The reference code ({@code datasets/utils.py:
 * generate_fewshot_dataset}) uses CPython's {@code random.sample} on the Mersenne Twister, seeded once for the
 * whole run, so its subsets depend on the interpreter's algorithms and on every earlier draw (spec §9.4). This
 * class uses an independent {@link SplittableRandom} stream per class, derived from {@code (seed, label)}, so a
 * class's subset depends only on the seed, its label and its own item list. Subsets therefore differ from the
 * Python ones; the protocol (16 per class, uniform without replacement, classes with fewer items keep all of
 * them, as CoOp does with {@code repeat=False}) is the same.
 */
public final class FewShot {

    private FewShot() {}

    /**
     * Samples {@code shots} indices per class of {@code dataset}. A class with fewer than {@code shots} items
     * contributes all of them. Output is class-major (label 0 first) and ascending within a class.
     */
    public static int[] sample(Dataset dataset, int shots, long seed) {
        return sample(dataset.labels(), dataset.numClasses(), shots, seed);
    }

    /** As {@link #sample(Dataset, int, long)} for a plain label array ({@code labels[i]} in {@code [0, numClasses)}). */
    public static int[] sample(int[] labels, int numClasses, int shots, long seed) {
        if (shots <= 0) throw new IllegalArgumentException("shots must be positive, got " + shots);
        int[] counts = new int[numClasses];
        for (int i = 0; i < labels.length; i++) {
            int y = labels[i];
            if (y < 0 || y >= numClasses) throw new IllegalArgumentException("label " + y + " of item " + i + " is outside [0, " + numClasses + ")");
            counts[y]++;
        }
        int[][] members = new int[numClasses][];
        for (int c = 0; c < numClasses; c++) members[c] = new int[counts[c]];
        int[] fill = new int[numClasses];
        for (int i = 0; i < labels.length; i++) members[labels[i]][fill[labels[i]]++] = i;

        int total = 0;
        for (int c = 0; c < numClasses; c++) total += Math.min(shots, counts[c]);
        int[] out = new int[total];
        int pos = 0;
        for (int c = 0; c < numClasses; c++) {
            int[] m = members[c];
            int k = Math.min(shots, m.length);
            partialShuffle(m, k, new SplittableRandom(classSeed(seed, c)));
            Arrays.sort(m, 0, k);
            System.arraycopy(m, 0, out, pos, k);
            pos += k;
        }
        return out;
    }

    /** Partial Fisher-Yates: afterwards {@code a[0..k)} is a uniform random k-subset of {@code a}, in random order. */
    static void partialShuffle(int[] a, int k, SplittableRandom rng) {
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(a.length - i);
            int t = a[i]; a[i] = a[j]; a[j] = t;
        }
    }

    /** The per-class stream seed: a SplitMix64 finaliser of (seed, label). */
    static long classSeed(long seed, int label) {
        long z = seed + 0x9E3779B97F4A7C15L * (label + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
