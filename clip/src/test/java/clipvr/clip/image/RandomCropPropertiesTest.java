package clipvr.clip.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** jqwik properties of the random transforms. */
class RandomCropPropertiesTest {

    @Property(tries = 500)
    void randomResizedCropBoxStaysInsideTheImage(@ForAll @IntRange(min = 1, max = 2000) int height,
                                                 @ForAll @IntRange(min = 1, max = 2000) int width,
                                                 @ForAll long seed) {
        RandomResizedCrop rrc = RandomResizedCrop.of(224, ResampleFilter.BICUBIC);
        RandomResizedCrop.Box b = rrc.sampleBox(height, width, new SplittableRandom(seed));
        assertTrue(b.h() > 0 && b.w() > 0, b::toString);
        assertTrue(b.i() >= 0 && b.j() >= 0, b::toString);
        assertTrue(b.i() + b.h() <= height && b.j() + b.w() <= width, b::toString);
        // Same seed, same box.
        assertEquals(b, rrc.sampleBox(height, width, new SplittableRandom(seed)));
    }

    @Property(tries = 150)
    void randomResizedCropOutputHasRequestedSize(@ForAll @IntRange(min = 1, max = 48) int height,
                                                 @ForAll @IntRange(min = 1, max = 48) int width,
                                                 @ForAll @IntRange(min = 1, max = 32) int outH,
                                                 @ForAll @IntRange(min = 1, max = 32) int outW,
                                                 @ForAll long seed) {
        byte[] px = new byte[3 * height * width];
        new SplittableRandom(seed).nextBytes(px);
        RgbImage img = new RgbImage(width, height, px);
        RandomResizedCrop rrc = new RandomResizedCrop(outH, outW, 0.08, 1.0, 3.0 / 4, 4.0 / 3,
                ResampleFilter.BICUBIC);
        RgbImage a = rrc.apply(img, new SplittableRandom(seed));
        assertEquals(outW, a.width());
        assertEquals(outH, a.height());
        assertEquals(a, rrc.apply(img, new SplittableRandom(seed)));
    }

    @Property(tries = 200)
    void randomCropIsASubImage(@ForAll @IntRange(min = 1, max = 20) int height,
                               @ForAll @IntRange(min = 1, max = 20) int width,
                               @ForAll @IntRange(min = 1, max = 20) int crop,
                               @ForAll long seed) {
        if (crop > height || crop > width) {
            return;
        }
        int[] r = new int[height * width];
        for (int i = 0; i < r.length; i++) {
            r[i] = i % 251; // position code, to locate the crop
        }
        RgbImage img = RgbImage.fromChannels(width, height, r, r, r);
        RgbImage c = new RandomCrop(crop).apply(img, new SplittableRandom(seed));
        assertEquals(crop, c.width());
        assertEquals(crop, c.height());
        assertEquals(c, new RandomCrop(crop).apply(img, new SplittableRandom(seed)));
        boolean found = false;
        for (int i = 0; i + crop <= height && !found; i++) {
            for (int j = 0; j + crop <= width && !found; j++) {
                found = img.crop(j, i, crop, crop).equals(c);
            }
        }
        assertTrue(found, "crop is not a sub-image");
    }
}
