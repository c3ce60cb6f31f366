package clipvr.reprogram.train;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Derived random streams. Every random choice of a run comes from a generator seeded by
 * {@code derive(seed, purpose, ...)}, never from a generator carried across epochs, so a run is reproducible from
 * the seed alone and a resumed run needs no generator state: the shuffle of epoch e is {@code (seed, "shuffle", e)},
 * the augmentation of training item i in epoch e is {@code (seed, "augment", e, i)}.
 */
public final class Seeds {
    private Seeds() {}

    /** SplitMix64's finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** A 64-bit seed from the run seed, a purpose string and integer coordinates. */
    public static long derive(long seed, String purpose, long... coords) {
        long h = mix(seed + 0x9e3779b97f4a7c15L);
        for (byte b : purpose.getBytes(StandardCharsets.UTF_8)) h = mix(h ^ (b & 0xff));
        for (long c : coords) h = mix(h + 0x9e3779b97f4a7c15L ^ c);
        return h;
    }

    /** A generator for {@link #derive}. */
    public static SplittableRandom rng(long seed, String purpose, long... coords) {
        return new SplittableRandom(derive(seed, purpose, coords));
    }

    /** A uniformly random permutation of 0..n-1 (Fisher–Yates) from the epoch's shuffle stream. */
    public static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i]; p[i] = p[j]; p[j] = t;
        }
        return p;
    }
}
