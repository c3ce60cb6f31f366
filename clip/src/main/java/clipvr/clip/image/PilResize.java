package clipvr.clip.image;

/**
 * Pillow's {@code Image.resize(size, resample)} for 8-bit RGB images, bit-exact, and the same
 * algorithm on float images (Pillow's mode {@code "F"} arithmetic, no quantisation).
 *
 * <h2>Convolution filters (BOX, BILINEAR, HAMMING, BICUBIC, LANCZOS)</h2>
 * Pillow's {@code ImagingResample} is separable: a horizontal pass (width {@code W -> w}) into a
 * temporary image, then a vertical pass ({@code H -> h}). A pass is skipped when its size does not
 * change; if neither changes the image is copied. Weights come from {@link ResampleCoefficients}.
 *
 * <p>8-bit path ({@code ImagingResampleHorizontal_8bpc} / {@code Vertical_8bpc}): the double weights
 * are quantised to fixed point with {@value #PRECISION_BITS} fractional bits
 * ({@code PRECISION_BITS = 32 - 8 - 2}: 8 bits for the pixel and 2 bits of headroom because bicubic
 * and Lanczos weights have negative lobes, so partial sums can leave [0, 255]). Each output sample is
 * {@code ss = 2^(PRECISION_BITS-1) + sum(pixel * qweight)} in 32-bit ints, and the stored byte is
 * {@code clamp(ss >> PRECISION_BITS, 0, 255)} — i.e. round half up, then clip. The intermediate image
 * of the horizontal pass is itself 8-bit, so rounding and clipping happen after each pass.
 *
 * <p>Float path ({@code ImagingResampleHorizontal_32bpc}, FLOAT32 case): sums are accumulated in
 * double with the double weights and stored as float after each pass.
 *
 * <h2>NEAREST</h2>
 * {@code Image.resize} sends NEAREST through {@code ImagingScaleAffine}: the source coordinate starts
 * at {@code scale * 0.5} and is advanced by repeated addition of {@code scale = in / out} (in
 * double), and source index {@code = (int) coordinate}. The incremental addition is reproduced
 * because it can differ from {@code (int)((i + 0.5) * scale)} in the last bit.
 */
public final class PilResize {

    /** Fractional bits of Pillow's 8-bit fixed-point weights: 32 - 8 - 2 = 22. */
    public static final int PRECISION_BITS = 32 - 8 - 2;

    private PilResize() {
    }

    /** {@code img.resize((width, height), filter)} on an RGB image. */
    public static RgbImage resize(RgbImage img, int width, int height, ResampleFilter filter) {
        checkSize(width, height);
        if (img.width() == width && img.height() == height) {
            return img; // Pillow returns a copy; RgbImage is treated as immutable
        }
        if (filter == ResampleFilter.NEAREST) {
            return nearest(img, width, height);
        }
        int[][] planes = {img.channel(0), img.channel(1), img.channel(2)};
        int curW = img.width(), curH = img.height();
        if (width != curW) {
            ResampleCoefficients cx = ResampleCoefficients.compute(curW, width, filter);
            int[] q = cx.fixedPointWeights();
            for (int c = 0; c < 3; c++) {
                planes[c] = horizontal8(planes[c], curW, curH, cx, q);
            }
            curW = width;
        }
        if (height != curH) {
            ResampleCoefficients cy = ResampleCoefficients.compute(curH, height, filter);
            int[] q = cy.fixedPointWeights();
            for (int c = 0; c < 3; c++) {
                planes[c] = vertical8(planes[c], curW, curH, cy, q);
            }
        }
        return RgbImage.fromChannels(width, height, planes[0], planes[1], planes[2]);
    }

    /** The same resize on a float image, every channel independently (Pillow mode "F" arithmetic). */
    public static FloatImage resize(FloatImage img, int width, int height, ResampleFilter filter) {
        checkSize(width, height);
        int inW = img.width(), inH = img.height(), ch = img.channels();
        if (inW == width && inH == height) {
            return img;
        }
        float[] out = new float[ch * width * height];
        if (filter == ResampleFilter.NEAREST) {
            int[] xs = nearestIndices(inW, width), ys = nearestIndices(inH, height);
            for (int c = 0; c < ch; c++) {
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        if (xs[x] >= 0 && ys[y] >= 0) { // outside the source: 0, as PIL's fill
                            out[(c * height + y) * width + x] = img.chw()[(c * inH + ys[y]) * inW + xs[x]];
                        }
                    }
                }
            }
            return new FloatImage(ch, height, width, out);
        }
        ResampleCoefficients cx = width != inW ? ResampleCoefficients.compute(inW, width, filter) : null;
        ResampleCoefficients cy = height != inH ? ResampleCoefficients.compute(inH, height, filter) : null;
        float[] plane = new float[inW * inH];
        for (int c = 0; c < ch; c++) {
            System.arraycopy(img.chw(), c * inW * inH, plane, 0, inW * inH);
            float[] p = plane;
            int curW = inW;
            if (cx != null) {
                p = horizontalF(p, curW, inH, cx);
                curW = width;
            }
            if (cy != null) {
                p = verticalF(p, curW, inH, cy);
            }
            System.arraycopy(p, 0, out, c * width * height, width * height);
        }
        return new FloatImage(ch, height, width, out);
    }

    private static void checkSize(int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("height and width must be > 0, got " + width + "x" + height);
        }
    }

    /** Rounds the fixed-point sum to a byte: floor(ss / 2^22), clipped to [0, 255]. */
    private static int clip8(int ss) {
        int v = ss >> PRECISION_BITS; // arithmetic shift = floor division
        return v < 0 ? 0 : Math.min(v, 255);
    }

    private static int[] horizontal8(int[] in, int inW, int h, ResampleCoefficients co, int[] q) {
        int outW = co.outSize(), ksize = co.ksize();
        int[] out = new int[outW * h];
        for (int y = 0; y < h; y++) {
            int row = y * inW;
            for (int xx = 0; xx < outW; xx++) {
                int xmin = co.xmin()[xx], n = co.count()[xx], k = xx * ksize;
                int ss = 1 << (PRECISION_BITS - 1); // +0.5 in fixed point: round half up
                for (int x = 0; x < n; x++) {
                    ss += in[row + xmin + x] * q[k + x];
                }
                out[y * outW + xx] = clip8(ss);
            }
        }
        return out;
    }

    private static int[] vertical8(int[] in, int w, int inH, ResampleCoefficients co, int[] q) {
        int outH = co.outSize(), ksize = co.ksize();
        int[] out = new int[w * outH];
        for (int yy = 0; yy < outH; yy++) {
            int ymin = co.xmin()[yy], n = co.count()[yy], k = yy * ksize;
            for (int xx = 0; xx < w; xx++) {
                int ss = 1 << (PRECISION_BITS - 1);
                for (int y = 0; y < n; y++) {
                    ss += in[(ymin + y) * w + xx] * q[k + y];
                }
                out[yy * w + xx] = clip8(ss);
            }
        }
        return out;
    }

    private static float[] horizontalF(float[] in, int inW, int h, ResampleCoefficients co) {
        int outW = co.outSize(), ksize = co.ksize();
        double[] kk = co.weights();
        float[] out = new float[outW * h];
        for (int y = 0; y < h; y++) {
            int row = y * inW;
            for (int xx = 0; xx < outW; xx++) {
                int xmin = co.xmin()[xx], n = co.count()[xx], k = xx * ksize;
                double ss = 0.0;
                for (int x = 0; x < n; x++) {
                    ss += in[row + xmin + x] * kk[k + x];
                }
                out[y * outW + xx] = (float) ss;
            }
        }
        return out;
    }

    private static float[] verticalF(float[] in, int w, int inH, ResampleCoefficients co) {
        int outH = co.outSize(), ksize = co.ksize();
        double[] kk = co.weights();
        float[] out = new float[w * outH];
        for (int yy = 0; yy < outH; yy++) {
            int ymin = co.xmin()[yy], n = co.count()[yy], k = yy * ksize;
            for (int xx = 0; xx < w; xx++) {
                double ss = 0.0;
                for (int y = 0; y < n; y++) {
                    ss += in[(ymin + y) * w + xx] * kk[k + y];
                }
                out[yy * w + xx] = (float) ss;
            }
        }
        return out;
    }

    private static RgbImage nearest(RgbImage img, int width, int height) {
        int[] xs = nearestIndices(img.width(), width), ys = nearestIndices(img.height(), height);
        byte[] src = img.rgb(), out = new byte[3 * width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (xs[x] >= 0 && ys[y] >= 0) { // outside the source: black, as PIL's fill
                    System.arraycopy(src, 3 * (ys[y] * img.width() + xs[x]), out, 3 * (y * width + x), 3);
                }
            }
        }
        return new RgbImage(width, height, out);
    }

    /**
     * Source index of each output sample for NEAREST, as {@code ImagingScaleAffine} computes it:
     * {@code a = in / out}; {@code pos = a * 0.5}, then {@code pos += a} per sample; index =
     * {@code (int) pos} (the coordinate is never negative here). An index that rounding pushed to
     * {@code inSize} or beyond is returned as -1: PIL leaves that pixel at its fill value, 0.
     */
    static int[] nearestIndices(int inSize, int outSize) {
        double a = (double) (float) inSize / outSize;
        double pos = a * 0.5;
        int[] idx = new int[outSize];
        for (int i = 0; i < outSize; i++) {
            int xin = (int) pos;
            idx[i] = xin < inSize ? xin : -1;
            pos += a;
        }
        return idx;
    }
}
