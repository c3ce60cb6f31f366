package clipvr.clip.image;

/**
 * The 1-D resampling weights of one pass (Pillow's {@code precompute_coeffs}).
 *
 * <p>Output sample {@code i} reads input samples {@code xmin[i] .. xmin[i] + count[i] - 1} with
 * weights {@code weights[i * ksize + j]}, {@code j < count[i]}; the weights of one output sample sum
 * to 1 (unless all are zero).
 *
 * <h2>The math</h2>
 * Resizing {@code inSize} samples to {@code outSize} maps output sample {@code i} to the input
 * coordinate {@code center = (i + 0.5) * scale} with {@code scale = inSize / outSize} (pixel centres
 * are at half-integers). When downscaling ({@code scale > 1}) the kernel is stretched by
 * {@code filterscale = scale} so that it also low-pass filters (antialiasing); when upscaling
 * {@code filterscale = 1}. The support therefore is {@code filter.support() * filterscale}.
 * Input sample {@code x} (centre {@code x + 0.5}) gets weight
 * {@code k((x + 0.5 - center) / filterscale)}, and the weights are normalised by their sum.
 * The window bounds are rounded as in Pillow: {@code xmin = (int)(center - support + 0.5)} and
 * {@code xmax = (int)(center + support + 0.5)} (C truncation toward zero), clamped to the image.
 *
 * @param ksize   stride of {@code weights} per output sample: {@code 2 * ceil(support) + 1}
 * @param xmin    first input sample of each output sample
 * @param count   number of input samples of each output sample
 * @param weights normalised weights, {@code outSize * ksize}, zero-padded after {@code count[i]}
 */
public record ResampleCoefficients(int ksize, int[] xmin, int[] count, double[] weights) {

    /** Number of output samples. */
    public int outSize() {
        return xmin.length;
    }

    /** Weight {@code j} of output sample {@code i}. */
    public double weight(int i, int j) {
        return weights[i * ksize + j];
    }

    /** Coefficients for resizing the whole axis {@code [0, inSize)} to {@code outSize} samples. */
    public static ResampleCoefficients compute(int inSize, int outSize, ResampleFilter filter) {
        return compute(inSize, 0f, inSize, outSize, filter);
    }

    /**
     * Coefficients for resizing the region {@code [in0, in1)} of an axis of {@code inSize} samples
     * to {@code outSize} samples. {@code in0, in1} are C floats in Pillow (the {@code box} argument).
     */
    public static ResampleCoefficients compute(int inSize, float in0, float in1, int outSize,
                                               ResampleFilter filter) {
        if (filter == ResampleFilter.NEAREST) {
            throw new IllegalArgumentException("NEAREST is not a convolution filter in PIL");
        }
        if (outSize <= 0 || inSize <= 0) {
            throw new IllegalArgumentException("sizes must be positive: " + inSize + " -> " + outSize);
        }
        double scale = (double) (in1 - in0) / outSize;
        double filterscale = Math.max(scale, 1.0);
        double support = filter.support() * filterscale;
        int ksize = (int) Math.ceil(support) * 2 + 1;

        int[] xmin = new int[outSize];
        int[] count = new int[outSize];
        double[] kk = new double[outSize * ksize];
        double ss = 1.0 / filterscale;
        for (int xx = 0; xx < outSize; xx++) {
            double center = in0 + (xx + 0.5) * scale;
            // "(int)" in C truncates toward zero; Java's (int) cast does the same.
            int lo = Math.max((int) (center - support + 0.5), 0);
            int hi = Math.min((int) (center + support + 0.5), inSize);
            int n = hi - lo;
            double ww = 0.0;
            int base = xx * ksize;
            for (int x = 0; x < n; x++) {
                double w = filter.kernel((x + lo - center + 0.5) * ss);
                kk[base + x] = w;
                ww += w;
            }
            if (ww != 0.0) {
                for (int x = 0; x < n; x++) {
                    kk[base + x] /= ww;
                }
            }
            xmin[xx] = lo;
            count[xx] = n;
        }
        return new ResampleCoefficients(ksize, xmin, count, kk);
    }

    /**
     * The weights quantised to Pillow's fixed point for 8-bit images ({@code normalize_coeffs_8bpc}):
     * {@code round(w * 2^PRECISION_BITS)} with rounding half away from zero, as ints.
     */
    public int[] fixedPointWeights() {
        int[] q = new int[weights.length];
        for (int i = 0; i < weights.length; i++) {
            double w = weights[i];
            q[i] = w < 0
                    ? (int) (-0.5 + w * (1 << PilResize.PRECISION_BITS))
                    : (int) (0.5 + w * (1 << PilResize.PRECISION_BITS));
        }
        return q;
    }
}
