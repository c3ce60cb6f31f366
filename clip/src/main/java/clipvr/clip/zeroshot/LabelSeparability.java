package clipvr.clip.zeroshot;

import clipvr.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * How far apart a label head's class embeddings are. A label head scores an image against one text embedding per
 * class, so two classes whose embeddings are nearly the same vector get nearly the same logit for every image, whatever
 * prompt the image carries. A text tower that never saw a class name's tokens in
 * pretraining maps such names to one point (clipvr-mini, trained on CIFAR-10 and GTSRB captions, gives the MNIST
 * labels "4" and "9", digits no GTSRB sign name contains, a cosine of 0.998).
 *
 * <p>{@link #of} takes the head's rows W [C, E] (unit length, as {@link ZeroShotClassifier#weights()} has them) and
 * computes the cosine matrix W Wᵀ [C, C] in float64 (two classes at cosine c get logits that differ by at most
 * s·√(2 − 2c) for any image, s the head's temperature); {@link #groups} joins classes connected by pairs at or above a
 * threshold (single linkage), so a chain a≈b≈c is one group.
 */
public record LabelSeparability(List<String> classNames, double[][] cosine) {

    /** The threshold the CLI warns at: a cosine of 0.95 is an angle of 18°. */
    public static final double WARN_AT = 0.95;

    /** weights [C, E], rows L2-normalised → the cosine matrix [C, C] (float64 dot products of the stored rows). */
    public static LabelSeparability of(List<String> classNames, Tensor weights) {
        if (weights.rank() != 2 || weights.size(0) != classNames.size())
            throw new IllegalArgumentException("label embeddings: expected [" + classNames.size() + ", E], got "
                    + java.util.Arrays.toString(weights.shape()));
        int c = weights.size(0), e = weights.size(1);
        double[] w = weights.toDoubleArray();                                   // [C, E] row-major
        double[][] cos = new double[c][c];
        for (int i = 0; i < c; i++)
            for (int j = 0; j < c; j++) {
                double dot = 0;
                for (int k = 0; k < e; k++) dot += w[i * e + k] * w[j * e + k];
                cos[i][j] = dot;
            }
        return new LabelSeparability(List.copyOf(classNames), cos);
    }

    /** One pair of classes (a < b) and their cosine. */
    public record Pair(int a, int b, double cosine) {}

    /** All pairs with cosine ≥ threshold, most similar first. */
    public List<Pair> pairsAtLeast(double threshold) {
        List<Pair> out = new ArrayList<>();
        for (int a = 0; a < cosine.length; a++)
            for (int b = a + 1; b < cosine.length; b++)
                if (cosine[a][b] >= threshold) out.add(new Pair(a, b, cosine[a][b]));
        out.sort((x, y) -> Double.compare(y.cosine(), x.cosine()));
        return out;
    }

    /** The largest cosine between two different classes (-1 with fewer than two classes). */
    public double maxOffDiagonal() {
        double m = -1;
        for (int a = 0; a < cosine.length; a++)
            for (int b = a + 1; b < cosine.length; b++) m = Math.max(m, cosine[a][b]);
        return m;
    }

    /**
     * Classes joined by pairs at or above {@code threshold} (connected components; single linkage), each group in
     * class order, groups ordered by their first class; classes with no such pair are left out.
     */
    public List<List<Integer>> groups(double threshold) {
        int n = cosine.length;
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) parent[i] = i;
        for (Pair p : pairsAtLeast(threshold)) {
            int ra = root(parent, p.a()), rb = root(parent, p.b());
            if (ra != rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
        }
        TreeMap<Integer, List<Integer>> byRoot = new TreeMap<>();
        for (int i = 0; i < n; i++) byRoot.computeIfAbsent(root(parent, i), r -> new ArrayList<>()).add(i);
        return byRoot.values().stream().filter(g -> g.size() > 1).toList();
    }

    private static int root(int[] parent, int i) {
        while (parent[i] != i) i = parent[i];
        return i;
    }

    /**
     * A warning naming the groups at {@code threshold}, or null when every pair of classes is below it. {@code what}
     * names the head (e.g. "the label head ('This is a photo of {}.')"); {@code remedy} says what to do instead.
     */
    public String warning(String what, double threshold, String remedy) {
        List<List<Integer>> g = groups(threshold);
        if (g.isEmpty()) return null;
        StringBuilder sb = new StringBuilder("warning: ").append(what).append(" barely separates ");
        for (int i = 0; i < g.size(); i++) {
            if (i > 0) sb.append(i == g.size() - 1 ? " or " : ", ");
            sb.append(g.get(i).stream().map(classNames::get).map(s -> "'" + s + "'").toList().toString()
                    .replace("[", "{").replace("]", "}"));
        }
        double max = maxOffDiagonal();
        // |s·v̂·t_a − s·v̂·t_b| ≤ s·‖t_a − t_b‖ = s·√(2 − 2 cos) for unit t_a, t_b and any unit image embedding v̂
        sb.append(String.format(Locale.ROOT, ": their text embeddings have cosine similarity >= %.2f (largest %.4f: "
                + "for every image the two logits differ by at most %.3f·s, s the head's temperature)", threshold, max,
                Math.sqrt(Math.max(0, 2 - 2 * max))));
        if (remedy != null) sb.append("; ").append(remedy);
        return sb.toString();
    }
}
