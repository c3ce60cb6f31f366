package clipvr.reprogram.data;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class FewShotTest {

    private static int[] labels(int[] raw, int numClasses) {
        return Arrays.stream(raw).map(x -> Math.floorMod(x, numClasses)).toArray();
    }

    @Property(tries = 200)
    void sampleIsDeterministicAndStratified(@ForAll @Size(max = 400) int[] raw, @ForAll @IntRange(min = 1, max = 12) int numClasses,
                                            @ForAll @IntRange(min = 1, max = 20) int shots, @ForAll long seed) {
        int[] labels = labels(raw, numClasses);
        int[] idx = FewShot.sample(labels, numClasses, shots, seed);
        assertArrayEquals(idx, FewShot.sample(labels, numClasses, shots, seed), "deterministic in seed");

        int[] available = new int[numClasses];
        for (int y : labels) available[y]++;
        int[] got = new int[numClasses];
        Set<Integer> distinct = new HashSet<>();
        int prevLabel = -1, prevIndex = -1;
        for (int i : idx) {
            assertTrue(distinct.add(i), "without replacement");
            int y = labels[i];
            got[y]++;
            assertTrue(y > prevLabel || (y == prevLabel && i > prevIndex), "class-major, ascending within a class");
            prevLabel = y;
            prevIndex = i;
        }
        for (int c = 0; c < numClasses; c++) assertEquals(Math.min(shots, available[c]), got[c], "class " + c);
    }

    @Property(tries = 50)
    void differentSeedsUsuallyDiffer(@ForAll long seed) {
        int[] labels = new int[1000];
        for (int i = 0; i < labels.length; i++) labels[i] = i % 10;
        assertFalse(Arrays.equals(FewShot.sample(labels, 10, 16, seed), FewShot.sample(labels, 10, 16, seed + 1)));
    }

    @Property(tries = 100)
    void classSubsetDependsOnlyOnItsOwnItems(@ForAll long seed) {
        // adding items to class 1 must not change the items chosen for class 0
        int[] a = new int[200], b = new int[300];
        for (int i = 0; i < 200; i++) a[i] = i % 2;
        for (int i = 0; i < 300; i++) b[i] = i < 200 ? i % 2 : 1;
        int[] sa = FewShot.sample(a, 2, 16, seed), sb = FewShot.sample(b, 2, 16, seed);
        assertArrayEquals(Arrays.copyOf(sa, 16), Arrays.copyOf(sb, 16));
    }

    @Property(tries = 200)
    void holdOutPartitionsPerClass(@ForAll @Size(max = 300) int[] raw, @ForAll @IntRange(min = 1, max = 8) int numClasses,
                                   @ForAll @DoubleRange(min = 0, max = 0.99) double fraction, @ForAll long seed) {
        int[] labels = labels(raw, numClasses);
        int[] idx = new int[labels.length];
        for (int i = 0; i < idx.length; i++) idx[i] = 1000 + i;
        Split.Parts p = Split.holdOut(idx, labels, fraction, seed);
        Split.Parts again = Split.holdOut(idx, labels, fraction, seed);
        assertArrayEquals(p.train(), again.train());
        assertArrayEquals(p.validation(), again.validation());
        assertEquals(idx.length, p.train().length + p.validation().length);
        Set<Integer> all = new HashSet<>();
        for (int i : p.train()) all.add(i);
        for (int i : p.validation()) assertTrue(all.add(i), "disjoint");
        assertEquals(idx.length, all.size());
        int[] n = new int[numClasses], v = new int[numClasses];
        for (int y : labels) n[y]++;
        for (int i : p.validation()) v[labels[i - 1000]]++;
        for (int c = 0; c < numClasses; c++) {
            int expected = fraction > 0 && n[c] >= 2 ? (int) Math.max(1, Math.min(n[c] - 1, Math.round(fraction * n[c]))) : 0;
            assertEquals(expected, v[c], "class " + c + " of " + n[c]);
        }
    }

    @Property(tries = 20)
    void holdOutRejectsBadFractions(@ForAll @DoubleRange(min = 1, max = 5) double fraction) {
        assertThrows(IllegalArgumentException.class, () -> Split.holdOut(new int[] {1}, new int[] {0}, fraction, 0));
        assertThrows(IllegalArgumentException.class, () -> Split.holdOut(new int[] {1}, new int[] {0}, -fraction, 0));
    }

    @net.jqwik.api.Example
    void sixteenShotsOfTwentyFivePerClass() {
        int[] labels = new int[250];
        for (int i = 0; i < 250; i++) labels[i] = i / 25;
        int[] idx = FewShot.sample(labels, 10, 16, 1);
        assertEquals(160, idx.length);
        Split.Parts p = Split.holdOut(idx, Arrays.stream(idx).map(i -> labels[i]).toArray(), 0.25, 1);
        assertEquals(40, p.validation().length);
        assertEquals(120, p.train().length);
        assertEquals("train", Split.normalize("TRAIN"));
        assertEquals("test", Split.normalize("t10k"));
        assertThrows(IllegalArgumentException.class, () -> Split.normalize("val"));
    }
}
