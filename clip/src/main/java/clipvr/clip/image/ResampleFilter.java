package clipvr.clip.image;

/**
 * PIL's resampling filters ({@code PIL.Image.Resampling}), each a 1-D kernel {@code k(x)} and its
 * support (the half-width of the kernel at scale 1). The kernels are the ones defined in Pillow's
 * {@code src/libImaging/Resample.c}; the arithmetic is written in the same order so the double
 * results are bit-identical. torchvision's {@code InterpolationMode} maps onto these for PIL images.
 *
 * <p>{@link #NEAREST} is not a convolution in PIL: {@code Image.resize} sends it through the affine
 * nearest-neighbour sampler ({@code ImagingScaleAffine}); see {@link PilResize}.
 */
public enum ResampleFilter {
    /** Nearest neighbour (PIL 0); handled by {@link PilResize} without a kernel. */
    NEAREST(0.0),
    /** Box filter (PIL 4): 1 on (-0.5, 0.5], support 0.5. */
    BOX(0.5),
    /** Triangle filter (PIL 2, "linear"): 1 - |x| on |x| < 1, support 1. */
    BILINEAR(1.0),
    /** Hamming-windowed sinc (PIL 5), support 1. */
    HAMMING(1.0),
    /** Keys cubic convolution with a = -0.5 (PIL 3), support 2. */
    BICUBIC(2.0),
    /** Lanczos-3 windowed sinc (PIL 1), support 3. */
    LANCZOS(3.0);

    /** Cubic convolution parameter used by PIL (Catmull-Rom); torch's non-antialiased bicubic uses -0.75. */
    static final double BICUBIC_A = -0.5;

    private final double support;

    ResampleFilter(double support) {
        this.support = support;
    }

    /** Half-width of the kernel at scale 1; PIL multiplies it by the downscale factor. */
    public double support() {
        return support;
    }

    /** Kernel value k(x). */
    public double kernel(double x) {
        return switch (this) {
            case NEAREST -> throw new UnsupportedOperationException("NEAREST has no kernel in PIL");
            case BOX -> (x > -0.5 && x <= 0.5) ? 1.0 : 0.0;
            case BILINEAR -> {
                double ax = x < 0.0 ? -x : x;
                yield ax < 1.0 ? 1.0 - ax : 0.0;
            }
            case HAMMING -> hamming(x);
            case BICUBIC -> bicubic(x);
            case LANCZOS -> (-3.0 <= x && x < 3.0) ? sinc(x) * sinc(x / 3) : 0.0;
        };
    }

    /**
     * Keys' cubic convolution kernel with a = -0.5:
     * <pre>
     *   |x| < 1:  (a+2)|x|^3 - (a+3)|x|^2 + 1
     *   |x| < 2:  a|x|^3 - 5a|x|^2 + 8a|x| - 4a
     *   else:     0
     * </pre>
     * evaluated in Horner form in the same operation order as Pillow.
     */
    private static double bicubic(double x) {
        final double a = BICUBIC_A;
        if (x < 0.0) {
            x = -x;
        }
        if (x < 1.0) {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0.0;
    }

    private static double hamming(double x) {
        if (x < 0.0) {
            x = -x;
        }
        if (x == 0.0) {
            return 1.0;
        }
        if (x >= 1.0) {
            return 0.0;
        }
        x = x * Math.PI;
        // Pillow writes the window constants as C floats (0.54f, 0.46f); the product is then double.
        return Math.sin(x) / x * (0.54f + 0.46f * Math.cos(x));
    }

    private static double sinc(double x) {
        if (x == 0.0) {
            return 1.0;
        }
        x = x * Math.PI;
        return Math.sin(x) / x;
    }
}
