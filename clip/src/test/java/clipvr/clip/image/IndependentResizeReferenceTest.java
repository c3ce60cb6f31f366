package clipvr.clip.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link PilResize} against a deliberately plain float64 implementation written here from
 * PIL's published filter definition only: kernel k (Keys cubic a = -0.5, support 2; or triangle,
 * support 1), stretched by the downscale factor, input pixel centres at j + 0.5, output centre of
 * sample i at (i + 0.5) * in / out, weights normalised to sum 1, horizontal then vertical pass. The
 * 8-bit variant rounds half up and clips to [0, 255] after each pass. No fixed point, no window
 * rounding: every input sample is visited, so agreement within 1 gray level (8-bit) and 1e-5 (float)
 * checks the production code's window bounds, normalisation and pass order.
 */
class IndependentResizeReferenceTest {

    static double cubic(double x) {
        double a = -0.5, t = Math.abs(x);
        if (t < 1) {
            return (a + 2) * t * t * t - (a + 3) * t * t + 1;
        }
        if (t < 2) {
            return a * t * t * t - 5 * a * t * t + 8 * a * t - 4 * a;
        }
        return 0;
    }

    static double triangle(double x) {
        return Math.max(0, 1 - Math.abs(x));
    }

    /** Dense weight matrix W[out][in]. */
    static double[][] weights(int in, int out, DoubleUnaryOperator k) {
        double scale = (double) in / out, stretch = Math.max(1, scale);
        double[][] w = new double[out][in];
        for (int i = 0; i < out; i++) {
            double center = (i + 0.5) * scale, sum = 0;
            for (int j = 0; j < in; j++) {
                w[i][j] = k.applyAsDouble((j + 0.5 - center) / stretch);
                sum += w[i][j];
            }
            for (int j = 0; j < in; j++) {
                w[i][j] /= sum;
            }
        }
        return w;
    }

    /** Reference resize of one plane (row-major h x w), optionally rounding to 8 bits per pass. */
    static double[] reference(double[] plane, int w, int h, int ow, int oh, DoubleUnaryOperator k,
                              boolean eightBit) {
        double[] tmp = plane;
        if (ow != w) {
            double[][] wx = weights(w, ow, k);
            tmp = new double[ow * h];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < ow; x++) {
                    double s = 0;
                    for (int j = 0; j < w; j++) {
                        s += wx[x][j] * plane[y * w + j];
                    }
                    tmp[y * ow + x] = eightBit ? to8(s) : s;
                }
            }
        }
        double[] out = tmp;
        if (oh != h) {
            double[][] wy = weights(h, oh, k);
            out = new double[ow * oh];
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    double s = 0;
                    for (int j = 0; j < h; j++) {
                        s += wy[y][j] * tmp[j * ow + x];
                    }
                    out[y * ow + x] = eightBit ? to8(s) : s;
                }
            }
        }
        return out;
    }

    static double to8(double v) {
        return Math.min(255, Math.max(0, Math.floor(v + 0.5)));
    }

    // (input w, h, output w, h): non-integer factors, up, down and mixed.
    static final int[][] SIZES = {
            {37, 23, 16, 11}, {17, 13, 40, 31}, {50, 40, 23, 17}, {9, 31, 21, 12},
            {64, 48, 19, 29}, {7, 5, 3, 2}, {33, 33, 100, 7}, {224, 150, 97, 61},
    };

    @Test
    void eightBitBicubicAndBilinearWithinOneGrayLevel() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int[] s : SIZES) {
            byte[] px = new byte[3 * s[0] * s[1]];
            rnd.nextBytes(px);
            RgbImage img = new RgbImage(s[0], s[1], px);
            for (ResampleFilter f : new ResampleFilter[] {ResampleFilter.BICUBIC, ResampleFilter.BILINEAR}) {
                DoubleUnaryOperator k = f == ResampleFilter.BICUBIC
                        ? IndependentResizeReferenceTest::cubic : IndependentResizeReferenceTest::triangle;
                RgbImage got = PilResize.resize(img, s[2], s[3], f);
                int worst = 0;
                for (int c = 0; c < 3; c++) {
                    double[] plane = new double[s[0] * s[1]];
                    int[] ch = img.channel(c);
                    for (int i = 0; i < plane.length; i++) {
                        plane[i] = ch[i];
                    }
                    double[] want = reference(plane, s[0], s[1], s[2], s[3], k, true);
                    int[] g = got.channel(c);
                    for (int i = 0; i < want.length; i++) {
                        worst = Math.max(worst, (int) Math.abs(want[i] - g[i]));
                    }
                }
                assertTrue(worst <= 1, f + " " + java.util.Arrays.toString(s) + ": off by " + worst);
            }
        }
    }

    @Test
    void floatBicubicAndBilinearWithin1e5() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int[] s : SIZES) {
            int n = s[0] * s[1];
            float[] data = new float[2 * n];
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) rnd.nextDouble();
            }
            FloatImage img = new FloatImage(2, s[1], s[0], data);
            for (ResampleFilter f : new ResampleFilter[] {ResampleFilter.BICUBIC, ResampleFilter.BILINEAR}) {
                DoubleUnaryOperator k = f == ResampleFilter.BICUBIC
                        ? IndependentResizeReferenceTest::cubic : IndependentResizeReferenceTest::triangle;
                FloatImage got = PilResize.resize(img, s[2], s[3], f);
                assertEquals(2, got.channels());
                for (int c = 0; c < 2; c++) {
                    double[] plane = new double[n];
                    for (int i = 0; i < n; i++) {
                        plane[i] = data[c * n + i];
                    }
                    double[] want = reference(plane, s[0], s[1], s[2], s[3], k, false);
                    for (int i = 0; i < want.length; i++) {
                        assertEquals(want[i], got.chw()[c * want.length + i], 1e-5,
                                f + " " + java.util.Arrays.toString(s) + " c" + c + " i" + i);
                    }
                }
            }
        }
    }
}
