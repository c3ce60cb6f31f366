package clipvr.reprogram.pretrain;

import clipvr.clip.image.RgbImage;
import clipvr.clip.text.ClipTokenizer;
import clipvr.clip.zeroshot.Templates;
import clipvr.reprogram.train.Seeds;
import clipvr.reprogram.train.TinyRun;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class AugmentationAndCaptionsTest {

    /** An asymmetric 16×16 image: a bright block in the top-left corner. */
    static RgbImage asymmetric() {
        byte[] p = new byte[16 * 16 * 3];
        for (int y = 0; y < 16; y++)
            for (int x = 0; x < 16; x++)
                for (int c = 0; c < 3; c++) p[3 * (16 * y + x) + c] = (byte) (x < 5 && y < 6 ? 230 : 20 + 5 * x + c);
        return new RgbImage(16, 16, p);
    }

    static float[] mirror(float[] chw, int r) {
        float[] m = new float[chw.length];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < r; y++)
                for (int x = 0; x < r; x++) m[(c * r + y) * r + x] = chw[(c * r + y) * r + (r - 1 - x)];
        return m;
    }

    @Test void trafficSignsAreNeverFlippedOtherImagesHalfTheTime() {
        Augmentation aug = new Augmentation(16, 0.6, 0.1);
        int flipped = 0, n = 200;
        for (int s = 0; s < n; s++) {
            float[] noFlip = aug.apply(asymmetric(), false, Seeds.rng(0, "augment", 0, s));
            float[] mayFlip = aug.apply(asymmetric(), true, Seeds.rng(0, "augment", 0, s));
            // the flip decision is the only difference between the two: same crop, same jitter
            boolean same = java.util.Arrays.equals(noFlip, mayFlip);
            boolean mirrored = java.util.Arrays.equals(mirror(noFlip, 16), mayFlip);
            assertTrue(same || mirrored, "seed " + s);
            if (!same) flipped++;
        }
        assertTrue(flipped > n / 4 && flipped < 3 * n / 4, flipped + " of " + n + " flipped");
    }

    @Test void jitterZeroIsTheIdentityAndJitterKeepsBytesInRange() {
        RgbImage img = asymmetric();
        assertEquals(img, new Augmentation(16, 1.0, 0.0).colourJitter(img, new SplittableRandom(1)));
        RgbImage j = new Augmentation(16, 1.0, 0.5).colourJitter(img, new SplittableRandom(2));
        assertNotEquals(img, j);
    }

    @Test void captionsComeFromTheDatasetsTemplatesOrItsDescriptions() {
        ClipTokenizer tok = clipvr.reprogram.train.Trainer.loadTokenizer(TinyRun.vocab());
        ImageCorpus cifar = new ImageCorpus(8, new byte[0], new int[0], new int[0], List.of("cifar10", "gtsrb"),
                List.of(List.of("airplane", "cat"), List.of("red and white circle 20 kph speed limit")), new int[]{0, 2});
        Captions cap = new Captions(cifar, tok);
        assertEquals(3, cap.numClasses());
        assertEquals(Templates.CIFAR.size(), cap.templates(1).size());
        assertTrue(cap.templates(1).contains("a blurry photo of a cat."));
        assertTrue(cap.templates(2).contains("a zoomed in photo of a \"red and white circle 20 kph speed limit\" traffic sign."));
        assertFalse(cap.descriptions(1).isEmpty(), "bundled cifar10 descriptions");
        Set<String> seen = new HashSet<>();
        for (int s = 0; s < 400; s++) {
            String t = cap.drawText(1, 0.5, new SplittableRandom(s));
            assertArrayEquals(tok.tokenize(t, 77, true), cap.draw(1, 0.5, new SplittableRandom(s)), t);
            assertTrue(cap.descriptions(1).contains(t) || cap.templates(1).contains(t), t);
            assertTrue(cap.templates(1).contains(cap.drawText(1, 0.0, new SplittableRandom(s))), "p = 0: templates only");
            assertTrue(cap.descriptions(1).contains(cap.drawText(1, 1.0, new SplittableRandom(s))), "p = 1: descriptions only");
            seen.add(t);
        }
        long descriptions = seen.stream().filter(cap.descriptions(1)::contains).count();
        assertTrue(seen.size() > 30 && descriptions > 10 && descriptions < seen.size(), "captions vary: " + seen.size() + ", " + descriptions + " descriptions");
    }
}
