package clipvr.reprogram.train;

import clipvr.clip.image.RgbImage;
import clipvr.clip.image.ToTensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code --augment papers|mild|none}: what reaches the training step. A 28 × 28 image whose left half is red and right
 * half blue tells flips (the left column turns blue) and crops (how much of each half survives) apart.
 */
class AugmentTest {
    static RgbImage halves() {
        int n = 28;
        int[] r = new int[n * n], g = new int[n * n], b = new int[n * n];
        for (int y = 0; y < n; y++) for (int x = 0; x < n; x++) { r[y * n + x] = x < n / 2 ? 255 : 0; b[y * n + x] = x < n / 2 ? 0 : 255; }
        return RgbImage.fromChannels(n, n, r, g, b);
    }

    /** Draws of the training transform: how many had a blue left edge (flipped), and the smallest red share. */
    record Draws(int flipped, double minRedShare) {}

    static Draws draw(Preprocessing p, int n) {
        int flipped = 0;
        double minRed = 1;
        for (int k = 0; k < n; k++) {
            float[] chw = ToTensor.apply(p.train().apply(halves(), new SplittableRandom(k)));     // [3, s, s] in [0, 1]
            int s = p.size(), plane = s * s;
            double leftRed = 0, red = 0;
            for (int y = 0; y < s; y++) leftRed += chw[y * s];
            for (int i = 0; i < plane; i++) red += chw[i];
            if (leftRed / s < 0.5) flipped++;
            minRed = Math.min(minRed, red / plane);
        }
        return new Draws(flipped, minRed);
    }

    @Test void papersFlipAndCropHardMildKeepsOrientationNoneIsTheTestTransform() {
        for (Method m : new Method[]{Method.AR, Method.VP, Method.SMM}) {
            int inner = m == Method.VP ? 32 : 28;
            Draws papers = draw(Preprocessing.forMethod(m, 32, inner, Preprocessing.Augment.PAPERS), 200);
            assertTrue(papers.flipped() > 50 && papers.flipped() < 150, m + " papers: flips in about half the draws, " + papers);
            Draws mild = draw(Preprocessing.forMethod(m, 32, inner, Preprocessing.Augment.MILD), 200);
            assertEquals(0, mild.flipped(), m + " mild: never flipped");
            if (m != Method.SMM) {
                // a crop of area ≥ 0.6 with aspect ≤ 4/3 is at least √(0.6·3/4) = 67 % as wide as the image: ≥ 17 % red
                assertTrue(mild.minRedShare() > 0.15, m + " mild: " + mild);
                assertTrue(papers.minRedShare() < 0.05, m + " papers: some crop (area from 8 %) holds almost no red, " + papers);
            }
            Preprocessing none = Preprocessing.forMethod(m, 32, inner, Preprocessing.Augment.NONE);
            float[] test = none.testPixels(halves());
            for (int k = 0; k < 5; k++) {
                float[] t = ToTensor.apply(none.train().apply(halves(), new SplittableRandom(k)));
                if (none.normalise()) clipvr.clip.image.Normalize.CLIP.applyInPlace(t);
                assertArrayEquals(test, t, m + " none: the training input is the test input");
            }
        }
    }

    @Test void theFlagIsCheckedAndRecorded() {
        var ex = assertThrows(IllegalArgumentException.class, () -> Preprocessing.Augment.parse("strong"));
        assertTrue(ex.getMessage().contains("--augment") && ex.getMessage().contains("strong"), ex.getMessage());
        assertEquals(Preprocessing.Augment.MILD, Preprocessing.Augment.parse(" Mild"));
        TrainConfig.Builder b = new TrainConfig.Builder();
        b.method = Method.AR;
        assertEquals("papers", b.build(32).augment());
        b.augment = "NONE";
        assertEquals("none", b.build(32).augment());
        b.augment = "heavy";
        assertThrows(IllegalArgumentException.class, () -> b.build(32));
    }
}
