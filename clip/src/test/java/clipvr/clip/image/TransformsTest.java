package clipvr.clip.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TransformsTest {

    /** Python's {@code int(round(x))}: round half to even, computed independently with BigDecimal. */
    static int pythonRound(double x) {
        return new BigDecimal(x).setScale(0, RoundingMode.HALF_EVEN).intValueExact();
    }

    @Test
    void centerCropOffsetsMatchTorchvisionFormula() {
        // int(round((h - th) / 2.0)): half-way cases go to the even neighbour.
        assertEquals(0, CenterCrop.offset(225, 224)); // round(0.5) = 0
        assertEquals(1, CenterCrop.offset(226, 224)); // round(1.0) = 1
        assertEquals(2, CenterCrop.offset(227, 224)); // round(1.5) = 2
        assertEquals(2, CenterCrop.offset(229, 224)); // round(2.5) = 2
        assertEquals(4, CenterCrop.offset(231, 224)); // round(3.5) = 4
        assertEquals(37, CenterCrop.offset(298, 224)); // 500x375 photo resized to 298x224
        for (int size = 1; size <= 60; size++) {
            for (int crop = 1; crop <= size; crop++) {
                assertEquals(pythonRound((size - crop) / 2.0), CenterCrop.offset(size, crop), size + "/" + crop);
            }
        }
    }

    @Test
    void centerCropPadsSmallImagesLikeTorchvision() {
        // Padding left/top (crop - size) // 2, right/bottom (crop - size + 1) // 2.
        assertEquals(-1, CenterCrop.offset(5, 8));  // 1 left, 2 right
        assertEquals(0, CenterCrop.offset(3, 4));   // 0 left, 1 right
        assertEquals(-2, CenterCrop.offset(2, 6));  // 2 left, 2 right
        RgbImage img = RgbImage.fromChannels(3, 2, new int[] {1, 2, 3, 4, 5, 6}, new int[6], new int[6]);
        RgbImage out = new CenterCrop(4, 5).apply(img, new SplittableRandom(0));
        // width 3 -> 5: pad 1 left, 1 right; height 2 -> 4: pad 1 top, 1 bottom.
        assertArrayEquals(new int[] {
                0, 0, 0, 0, 0,
                0, 1, 2, 3, 0,
                0, 4, 5, 6, 0,
                0, 0, 0, 0, 0}, out.channel(0));
        // One dimension padded, the other cropped: width 3 -> 1 (offset 1), height 2 -> 3 (pad 0 top).
        RgbImage mixed = new CenterCrop(3, 1).apply(img, new SplittableRandom(0));
        assertArrayEquals(new int[] {2, 5, 0}, mixed.channel(0));
    }

    @Test
    void shorterSideResizeSizeTruncates() {
        assertArrayEquals(new int[] {224, 298}, Resize.shorterSideOutputSize(375, 500, 224)); // 298.67
        assertArrayEquals(new int[] {298, 224}, Resize.shorterSideOutputSize(500, 375, 224));
        assertArrayEquals(new int[] {224, 224}, Resize.shorterSideOutputSize(32, 32, 224));
        assertArrayEquals(new int[] {224, 398}, Resize.shorterSideOutputSize(9, 16, 224)); // 398.2
        assertArrayEquals(new int[] {24, 38}, Resize.shorterSideOutputSize(23, 37, 24));   // 38.6
    }

    @Test
    void clipPreprocessShapesAndNormalisation() {
        byte[] px = new byte[3 * 50 * 31];
        new SplittableRandom(5).nextBytes(px);
        RgbImage img = new RgbImage(50, 31, px);
        ClipPreprocess p = new ClipPreprocess(24);
        RgbImage rc = p.resizeAndCrop(img);
        assertEquals(24, rc.width());
        assertEquals(24, rc.height());
        float[] unit = p.applyUnnormalized(img);
        float[] norm = p.apply(img);
        assertEquals(3 * 24 * 24, norm.length);
        float[] mean = Normalize.CLIP.mean(), std = Normalize.CLIP.std();
        for (int i = 0; i < unit.length; i++) {
            int c = i / (24 * 24);
            assertEquals((unit[i] - mean[c]) / std[c], norm[i], 0f);
            assertEquals((rc.rgb()[3 * (i % 576) + c] & 0xFF) / 255f, unit[i], 0f);
        }
    }

    @Test
    void flipAndComposition() {
        RgbImage img = RgbImage.fromChannels(3, 1, new int[] {1, 2, 3}, new int[3], new int[3]);
        assertArrayEquals(new int[] {3, 2, 1}, img.flipLeftRight().channel(0));
        assertEquals(img, new RandomHorizontalFlip(0).apply(img, new SplittableRandom(1)));
        assertEquals(img.flipLeftRight(), new RandomHorizontalFlip(1).apply(img, new SplittableRandom(1)));
        Transform t = Transform.compose(new RandomHorizontalFlip(1), new CenterCrop(1, 1));
        assertArrayEquals(new int[] {2}, t.apply(img, new SplittableRandom(1)).channel(0));
        assertEquals(img, Transform.compose().apply(img, new SplittableRandom(1)));
    }

    @Test
    void randomHorizontalFlipFlipsAboutHalfTheTime() {
        RgbImage img = RgbImage.fromChannels(2, 1, new int[] {0, 9}, new int[2], new int[2]);
        SplittableRandom rng = new SplittableRandom(42);
        int flips = 0;
        for (int i = 0; i < 2000; i++) {
            flips += new RandomHorizontalFlip().apply(img, rng).channel(0)[0] == 9 ? 1 : 0;
        }
        assertEquals(1000, flips, 100);
    }

    @Test
    void randomCropRules() {
        RgbImage img = RgbImage.black(10, 8);
        assertEquals(img, new RandomCrop(8, 10).apply(img, new SplittableRandom(0)));
        assertThrows(IllegalArgumentException.class, () -> new RandomCrop(9, 9).apply(img, new SplittableRandom(0)));
        RgbImage c = new RandomCrop(5).apply(img, new SplittableRandom(0));
        assertEquals(5, c.width());
        assertEquals(5, c.height());
    }

    @Test
    void randomResizedCropFallbackIsCentralWithClampedRatio() {
        // scale > 1 can never fit, so all 10 attempts fail and the fallback is used.
        RandomResizedCrop never = new RandomResizedCrop(8, 8, 2.0, 3.0, 3.0 / 4, 4.0 / 3, ResampleFilter.BICUBIC);
        SplittableRandom rng = new SplittableRandom(0);
        // Wide 100x10: ratio 10 > 4/3 -> h = 10, w = round(10 * 4/3) = 13, j = (100 - 13) // 2 = 43.
        assertEquals(new RandomResizedCrop.Box(0, 43, 10, 13), never.sampleBox(10, 100, rng));
        // Tall 10x100 (w x h): ratio 0.1 < 3/4 -> w = 10, h = round(10 / 0.75) = 13, i = 43.
        assertEquals(new RandomResizedCrop.Box(43, 0, 13, 10), never.sampleBox(100, 10, rng));
        // In range: the whole image.
        assertEquals(new RandomResizedCrop.Box(0, 0, 30, 35), never.sampleBox(30, 35, rng));
    }

    @Test
    void randomResizedCropIsDeterministicPerSeed() {
        byte[] px = new byte[3 * 40 * 30];
        new SplittableRandom(9).nextBytes(px);
        RgbImage img = new RgbImage(40, 30, px);
        RandomResizedCrop rrc = RandomResizedCrop.of(16, ResampleFilter.BICUBIC);
        assertEquals(rrc.apply(img, new SplittableRandom(123)), rrc.apply(img, new SplittableRandom(123)));
        SplittableRandom a = new SplittableRandom(5);
        RandomResizedCrop.Box first = rrc.sampleBox(30, 40, a);
        boolean differs = false;
        for (int i = 0; i < 20; i++) {
            differs |= !rrc.sampleBox(30, 40, a).equals(first);
        }
        assertNotEquals(false, differs);
    }
}
