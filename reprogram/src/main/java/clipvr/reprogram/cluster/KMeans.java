package clipvr.reprogram.cluster;

import clipvr.tensor.Tensor;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Euclidean k-means as scikit-learn's {@code KMeans(n_clusters=k, init='k-means++', n_init, max_iter=300, tol=1e-4)},
 * which DVP-cls uses to group the description embeddings (spec §4.3): for each of {@code nInit} restarts, greedy
 * k-means++ seeding, then Lloyd iterations until the labels stop changing or the total squared centre shift falls
 * to tol·mean_d(Var(x_d)); the restart with the lowest inertia (Σ squared distance to the assigned centre) wins.
 * A cluster that becomes empty is re-seeded with the point farthest from its current centre. Deterministic for a
 * seed (one {@link SplittableRandom} drives all restarts in order); it does not reproduce sklearn's random stream.
 */
public final class KMeans {
    private KMeans() {}

    /** Restarts, iteration cap, relative tolerance and seed. */
    public record Options(int nInit, int maxIter, double tol, long seed) {
        public static final Options DEFAULT = new Options(10, 300, 1e-4, 0L);
        public Options withSeed(long s) { return new Options(nInit, maxIter, tol, s); }
        public Options withNInit(int n) { return new Options(n, maxIter, tol, seed); }
    }

    /** labels [n], centres [k][d], inertia, and the Lloyd iterations of the winning restart. */
    public record Result(int[] labels, double[][] centres, double inertia, int iterations) {}

    /** Clusters the rows of x [n, d] (any dtype; computed in float64). */
    public static Result fit(Tensor x, int k, Options o) {
        if (x.rank() != 2) throw new IllegalArgumentException("KMeans: expected [n, d], got rank " + x.rank());
        int n = x.size(0), d = x.size(1);
        double[] flat = x.toDoubleArray();
        double[][] rows = new double[n][];
        for (int i = 0; i < n; i++) rows[i] = Arrays.copyOfRange(flat, i * d, (i + 1) * d);
        return fit(rows, k, o);
    }

    /** Clusters the rows of x [n][d]. */
    public static Result fit(double[][] x, int k, Options o) {
        int n = x.length;
        if (k < 1 || k > n) throw new IllegalArgumentException("KMeans: k = " + k + " needs 1 ≤ k ≤ n = " + n);
        if (o.nInit() < 1 || o.maxIter() < 1) throw new IllegalArgumentException("KMeans: nInit and maxIter must be ≥ 1");
        double tol = o.tol() * meanVariance(x);
        SplittableRandom rng = new SplittableRandom(o.seed());
        Result best = null;
        for (int run = 0; run < o.nInit(); run++) {
            Result r = lloyd(x, kMeansPlusPlus(x, k, rng), o.maxIter(), tol);
            if (best == null || r.inertia() < best.inertia()) best = r;
        }
        return best;
    }

    /**
     * Greedy k-means++ (sklearn): the first centre uniformly at random; each next one the best of
     * 2 + ⌊ln k⌋ candidates drawn with probability ∝ D²(x) (squared distance to the nearest chosen centre),
     * "best" = the smallest resulting potential Σ D².
     */
    static double[][] kMeansPlusPlus(double[][] x, int k, SplittableRandom rng) {
        int n = x.length, trials = 2 + (int) Math.log(k);
        double[][] centres = new double[k][];
        centres[0] = x[rng.nextInt(n)].clone();
        double[] closest = new double[n];
        for (int i = 0; i < n; i++) closest[i] = sqDist(x[i], centres[0]);
        double pot = sum(closest);
        for (int c = 1; c < k; c++) {
            double[] cumulative = new double[n];
            double acc = 0;
            for (int i = 0; i < n; i++) { acc += closest[i]; cumulative[i] = acc; }
            int bestCandidate = -1;
            double bestPot = Double.POSITIVE_INFINITY;
            double[] bestClosest = null;
            for (int t = 0; t < trials; t++) {
                double u = rng.nextDouble() * pot;
                int cand = Math.min(searchSorted(cumulative, u), n - 1);
                double[] next = new double[n];
                for (int i = 0; i < n; i++) next[i] = Math.min(closest[i], sqDist(x[i], x[cand]));
                double p = sum(next);
                if (p < bestPot) { bestPot = p; bestCandidate = cand; bestClosest = next; }
            }
            centres[c] = x[bestCandidate].clone();
            closest = bestClosest;
            pot = bestPot;
        }
        return centres;
    }

    /** Lloyd iterations from the given centres. */
    static Result lloyd(double[][] x, double[][] init, int maxIter, double tol) {
        int n = x.length, k = init.length, d = x[0].length;
        double[][] centres = copy(init);
        int[] labels = assign(x, centres);
        int iter = 0;
        boolean strict = false;
        while (iter < maxIter) {
            iter++;
            double[][] next = means(x, labels, centres, k, d);
            double shift = 0;
            for (int j = 0; j < k; j++) shift += sqDist(next[j], centres[j]);
            centres = next;
            int[] newLabels = assign(x, centres);
            if (Arrays.equals(newLabels, labels)) { strict = true; labels = newLabels; break; }
            labels = newLabels;
            if (shift <= tol) break;
        }
        // labels always match the final centres (sklearn re-runs the E-step when not strictly converged)
        double inertia = 0;
        for (int i = 0; i < n; i++) inertia += sqDist(x[i], centres[labels[i]]);
        return new Result(labels, centres, inertia, iter);
    }

    /** The nearest centre of every row (ties: the lower centre index). */
    public static int[] assign(double[][] x, double[][] centres) {
        int[] labels = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            double best = Double.POSITIVE_INFINITY;
            for (int j = 0; j < centres.length; j++) {
                double dd = sqDist(x[i], centres[j]);
                if (dd < best) { best = dd; labels[i] = j; }
            }
        }
        return labels;
    }

    /**
     * Cluster means; an empty cluster takes the point farthest from its assigned centre (that point leaves its
     * old cluster, labels updated in place), as sklearn's {@code _relocate_empty_clusters}.
     */
    static double[][] means(double[][] x, int[] labels, double[][] centres, int k, int d) {
        int n = x.length;
        int[] count = new int[k];
        for (int l : labels) count[l]++;
        for (int j = 0; j < k; j++) {
            if (count[j] > 0) continue;
            int far = -1;
            double farDist = -1;
            for (int i = 0; i < n; i++) {
                if (count[labels[i]] <= 1) continue;                 // never empty another cluster
                double dd = sqDist(x[i], centres[labels[i]]);
                if (dd > farDist) { farDist = dd; far = i; }
            }
            count[labels[far]]--;
            labels[far] = j;
            count[j] = 1;
        }
        double[][] m = new double[k][d];
        for (int i = 0; i < n; i++) for (int t = 0; t < d; t++) m[labels[i]][t] += x[i][t];
        for (int j = 0; j < k; j++) for (int t = 0; t < d; t++) m[j][t] /= count[j];
        return m;
    }

    /** mean over features of the per-feature (biased) variance: sklearn's tolerance scale. */
    static double meanVariance(double[][] x) {
        int n = x.length, d = x[0].length;
        double total = 0;
        for (int t = 0; t < d; t++) {
            double mu = 0;
            for (double[] row : x) mu += row[t];
            mu /= n;
            double v = 0;
            for (double[] row : x) v += (row[t] - mu) * (row[t] - mu);
            total += v / n;
        }
        return total / d;
    }

    static double sqDist(double[] a, double[] b) {
        double s = 0;
        for (int t = 0; t < a.length; t++) { double e = a[t] - b[t]; s += e * e; }
        return s;
    }

    static double sum(double[] a) { double s = 0; for (double v : a) s += v; return s; }

    /** numpy searchsorted (side left): the first i with cumulative[i] ≥ u. */
    static int searchSorted(double[] cumulative, double u) {
        int lo = 0, hi = cumulative.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] < u) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) c[i] = a[i].clone();
        return c;
    }
}
