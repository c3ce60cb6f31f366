package clipvr.reprogram.cluster;

import clipvr.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class KMeansTest {
    /** k well-separated Gaussian blobs in d dimensions (centres 20 apart along an axis, σ = 0.5), n per blob. */
    static double[][] blobs(int k, int n, int d, long seed, int[] truth) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] x = new double[k * n][d];
        for (int c = 0; c < k; c++)
            for (int i = 0; i < n; i++) {
                int row = c * n + i;
                truth[row] = c;
                for (int t = 0; t < d; t++) x[row][t] = (t == c % d ? 20.0 * (c + 1) : 0) + (t == 0 ? 7.0 * c : 0) + 0.5 * rng.nextGaussian();
            }
        return x;
    }

    /** True when two labelings are the same partition (equal up to a renaming of clusters). */
    static boolean samePartition(int[] a, int[] b) {
        Map<Integer, Integer> ab = new HashMap<>(), ba = new HashMap<>();
        for (int i = 0; i < a.length; i++) {
            if (ab.getOrDefault(a[i], b[i]) != b[i] || ba.getOrDefault(b[i], a[i]) != a[i]) return false;
            ab.put(a[i], b[i]);
            ba.put(b[i], a[i]);
        }
        return true;
    }

    @Property(tries = 15)
    void recoversWellSeparatedClusters(@ForAll @IntRange(min = 2, max = 5) int k, @ForAll @IntRange(min = 2, max = 6) int d,
                                       @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        int[] truth = new int[k * 25];
        double[][] x = blobs(k, 25, d, seed, truth);
        KMeans.Result r = KMeans.fit(x, k, KMeans.Options.DEFAULT.withSeed(seed));
        assertTrue(samePartition(truth, r.labels()), "labels " + Arrays.toString(r.labels()));
        assertTrue(r.inertia() < k * 25 * d * 0.25 * 2, "inertia " + r.inertia());   // ≈ n·d·σ²
    }

    @Test void deterministicForASeed() {
        int[] truth = new int[90];
        double[][] x = blobs(3, 30, 4, 5, truth);
        for (double[] row : x) row[1] += 3 * Math.sin(row[0]);                           // a less trivial landscape
        KMeans.Result a = KMeans.fit(x, 4, KMeans.Options.DEFAULT.withSeed(42));
        KMeans.Result b = KMeans.fit(x, 4, KMeans.Options.DEFAULT.withSeed(42));
        assertArrayEquals(a.labels(), b.labels());
        assertEquals(a.inertia(), b.inertia());
        for (int j = 0; j < 4; j++) assertArrayEquals(a.centres()[j], b.centres()[j]);
    }

    @Test void singleClusterIsTheMean() {
        double[][] x = {{0, 0}, {2, 0}, {4, 6}, {2, 2}};
        KMeans.Result r = KMeans.fit(x, 1, KMeans.Options.DEFAULT);
        assertArrayEquals(new int[4], r.labels());
        assertArrayEquals(new double[]{2, 2}, r.centres()[0], 1e-12);
        assertEquals(4 + 4 + 4 + 16 + 4 + 0 + 0, r.inertia(), 1e-12);                    // Σ‖x − μ‖²
    }

    @Test void emptyClusterIsReseededFromTheFarthestPoint() {
        double[][] x = {{0, 0}, {0, 1}, {1, 0}, {10, 10}, {10, 11}, {11, 10}};
        double[][] badInit = {{5, 5}, {100, 100}};                                       // the second centre attracts nothing
        KMeans.Result r = KMeans.lloyd(x, badInit, 300, 0);
        assertTrue(samePartition(new int[]{0, 0, 0, 1, 1, 1}, r.labels()), Arrays.toString(r.labels()));
        assertEquals(2 * (2 / 9.0 + 5 / 9.0 + 5 / 9.0), r.inertia(), 1e-9);       // per triangle, centre (1/3, 1/3)
    }

    @Test void bestOfRestartsHasTheLowestInertia() {
        int[] truth = new int[120];
        double[][] x = blobs(4, 30, 2, 9, truth);
        double one = KMeans.fit(x, 4, KMeans.Options.DEFAULT.withNInit(1).withSeed(3)).inertia();
        double ten = KMeans.fit(x, 4, KMeans.Options.DEFAULT.withSeed(3)).inertia();
        assertTrue(ten <= one);
    }

    @Test void acceptsTensors() {
        Tensor t = Tensor.of(new double[]{0, 0, 0, 1, 9, 9, 9, 10}, 4, 2);
        KMeans.Result r = KMeans.fit(t, 2, KMeans.Options.DEFAULT);
        assertTrue(samePartition(new int[]{0, 0, 1, 1}, r.labels()));
        assertThrows(IllegalArgumentException.class, () -> KMeans.fit(t, 5, KMeans.Options.DEFAULT));
    }
}
