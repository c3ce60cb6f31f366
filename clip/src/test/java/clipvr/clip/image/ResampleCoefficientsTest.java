package clipvr.clip.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Hand-computed weights and pixels for tiny cases. */
class ResampleCoefficientsTest {

    // Keys cubic (a = -0.5) at the sample offsets that occur below:
    //   k(0.25) = (1.5*0.25 - 2.5)*0.25^2 + 1            = 0.8671875
    //   k(0.75) = (1.5*0.75 - 2.5)*0.75^2 + 1            = 0.2265625
    //   k(1.25) = (((1.25 - 5)*1.25 + 8)*1.25 - 4)*(-0.5) = -0.0703125
    static final double K025 = 0.8671875, K075 = 0.2265625, K125 = -0.0703125;

    @Test
    void bicubicKernelValues() {
        assertEquals(1.0, ResampleFilter.BICUBIC.kernel(0), 0);
        assertEquals(0.0, ResampleFilter.BICUBIC.kernel(1), 0);
        assertEquals(0.0, ResampleFilter.BICUBIC.kernel(-2), 0);
        assertEquals(K025, ResampleFilter.BICUBIC.kernel(-0.25), 0);
        assertEquals(K075, ResampleFilter.BICUBIC.kernel(0.75), 0);
        assertEquals(K125, ResampleFilter.BICUBIC.kernel(1.25), 0);
        assertEquals(-0.0625, ResampleFilter.BICUBIC.kernel(1.5), 0); // a*(1.5^3 - 5*1.5^2 + 8*1.5 - 4)
    }

    @Test
    void bicubicDownscale4to2() {
        // scale 2 -> kernel stretched x2, support 4, ksize 2*4+1. Output 0: centre 1.0, offsets
        // (j + 0.5 - 1)/2 = -0.25, 0.25, 0.75, 1.25; window (int)(1-4+0.5)=-2 -> 0 .. (int)(5.5)=5 -> 4.
        ResampleCoefficients c = ResampleCoefficients.compute(4, 2, ResampleFilter.BICUBIC);
        assertEquals(9, c.ksize());
        assertArrayEquals(new int[] {0, 0}, c.xmin());
        assertArrayEquals(new int[] {4, 4}, c.count());
        double sum = K025 + K025 + K075 + K125; // 1.890625
        double[] w0 = {K025 / sum, K025 / sum, K075 / sum, K125 / sum};
        for (int j = 0; j < 4; j++) {
            assertEquals(w0[j], c.weight(0, j), 1e-15);
            assertEquals(w0[3 - j], c.weight(1, j), 1e-15); // output 1 is the mirror image
        }
        for (int j = 4; j < 9; j++) {
            assertEquals(0.0, c.weight(0, j), 0);
        }
    }

    @Test
    void bilinearDownscale4to2() {
        // support 1*2; output 0: centre 1, window (int)(-0.5)=0 .. (int)(3.5)=3; offsets -0.25, 0.25,
        // 0.75 -> 0.75, 0.75, 0.25 -> 3/7, 3/7, 1/7. Output 1: window 1..4 -> 1/7, 3/7, 3/7.
        ResampleCoefficients c = ResampleCoefficients.compute(4, 2, ResampleFilter.BILINEAR);
        assertArrayEquals(new int[] {0, 1}, c.xmin());
        assertArrayEquals(new int[] {3, 3}, c.count());
        assertEquals(3.0 / 7, c.weight(0, 0), 1e-15);
        assertEquals(3.0 / 7, c.weight(0, 1), 1e-15);
        assertEquals(1.0 / 7, c.weight(0, 2), 1e-15);
        assertEquals(1.0 / 7, c.weight(1, 0), 1e-15);
        // Fixed point: round(3/7 * 2^22) = round(1797558.857) = 1797559; round(2^22/7) = 599186.
        int[] q = c.fixedPointWeights();
        assertEquals(1797559, q[0]);
        assertEquals(599186, q[2]);

        // Pixels [0, 100, 200, 255]: out0 = floor((2^21 + 100*1797559 + 200*599186) / 2^22) = 71,
        // out1 = floor((2^21 + 100*599186 + 200*1797559 + 255*1797559) / 2^22) = 209.
        RgbImage img = RgbImage.fromChannels(4, 1, new int[] {0, 100, 200, 255}, new int[4], new int[4]);
        RgbImage out = PilResize.resize(img, 2, 1, ResampleFilter.BILINEAR);
        assertArrayEquals(new int[] {71, 209}, out.channel(0));
    }

    @Test
    void bicubicUpscale2to4() {
        // scale 0.5: no stretching, support 2. Output 0: centre 0.25, window (int)(-1.25)=-1 -> 0 ..
        // (int)(2.75)=2; offsets 0.25, 1.25 -> K025, K125, normalised by their sum 0.796875.
        ResampleCoefficients c = ResampleCoefficients.compute(2, 4, ResampleFilter.BICUBIC);
        assertEquals(5, c.ksize());
        assertEquals(0, c.xmin()[0]);
        assertEquals(2, c.count()[0]);
        assertEquals(K025 / (K025 + K125), c.weight(0, 0), 1e-15);
        assertEquals(K125 / (K025 + K125), c.weight(0, 1), 1e-15);
        // Overshoot is clipped: [0, 255] upscaled gives 0 at the dark end after clipping.
        RgbImage img = RgbImage.fromChannels(2, 1, new int[] {0, 255}, new int[] {255, 0}, new int[2]);
        RgbImage out = PilResize.resize(img, 4, 1, ResampleFilter.BICUBIC);
        assertEquals(0, out.channel(0)[0]);
        assertEquals(255, out.channel(1)[0]);
    }

    @Test
    void nearestIndicesFollowPixelCentres() {
        // Source coordinate of output i is (i + 0.5) * in/out, truncated: 4 -> 2 samples at 1.0 and
        // 3.0, i.e. the right one of the two pixels that share the centre.
        assertArrayEquals(new int[] {1, 3}, PilResize.nearestIndices(4, 2));
        assertArrayEquals(new int[] {0, 0, 1, 1}, PilResize.nearestIndices(2, 4)); // .25 .75 1.25 1.75
        assertArrayEquals(new int[] {1}, PilResize.nearestIndices(3, 1));
    }

    @Test
    void sameSizeIsIdentityAndConstantImagesStayConstant() {
        byte[] px = new byte[3 * 10 * 7];
        new SplittableRandom(3).nextBytes(px);
        RgbImage img = new RgbImage(10, 7, px);
        for (ResampleFilter f : ResampleFilter.values()) {
            assertEquals(img, PilResize.resize(img, 10, 7, f));
        }
        RgbImage flat = RgbImage.fromChannels(9, 9, fill(81, 200), fill(81, 0), fill(81, 255));
        for (ResampleFilter f : ResampleFilter.values()) {
            RgbImage r = PilResize.resize(flat, 4, 13, f);
            assertArrayEquals(fill(52, 200), r.channel(0), f.name());
            assertArrayEquals(fill(52, 0), r.channel(1), f.name());
            assertArrayEquals(fill(52, 255), r.channel(2), f.name());
        }
    }

    @Test
    void rejectsBadSizes() {
        RgbImage img = RgbImage.black(3, 3);
        assertThrows(IllegalArgumentException.class, () -> PilResize.resize(img, 0, 3, ResampleFilter.BICUBIC));
        assertThrows(IllegalArgumentException.class,
                () -> ResampleCoefficients.compute(3, 2, ResampleFilter.NEAREST));
    }

    static int[] fill(int n, int v) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
