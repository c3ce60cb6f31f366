package clipvr.clip.image;

import java.util.random.RandomGenerator;

/**
 * torchvision's {@code RandomResizedCrop(size, scale, ratio, interpolation)} on a PIL image:
 * a crop box from {@link #sampleBox}, then a resize of the box to exactly {@code height x width}.
 *
 * <p>Sampling ({@code RandomResizedCrop.get_params}): up to 10 attempts, each drawing a target area
 * {@code area * U(scale)} and an aspect ratio {@code exp(U(log ratio))} (log-uniform), giving
 * {@code w = round(sqrt(target * ratio))}, {@code h = round(sqrt(target / ratio))} (Python
 * round-half-even); the first box that fits is placed uniformly ({@code i} then {@code j}). If none
 * fits, the fallback is a centred crop of the whole image with its aspect ratio clamped to
 * {@code ratio}. The generator is {@code java.util.random} rather than torch's, so the sequence of
 * boxes differs from torch's for the same seed; the distribution is the same.
 *
 * @param height   output height
 * @param width    output width
 * @param scaleMin lower bound of the area fraction (torchvision 0.08)
 * @param scaleMax upper bound of the area fraction (1.0)
 * @param ratioMin lower bound of the aspect ratio w/h (3/4)
 * @param ratioMax upper bound of the aspect ratio (4/3)
 * @param filter   resampling filter
 */
public record RandomResizedCrop(int height, int width, double scaleMin, double scaleMax,
                                double ratioMin, double ratioMax, ResampleFilter filter)
        implements Transform {

    /** Crop box: top {@code i}, left {@code j}, height {@code h}, width {@code w}. */
    public record Box(int i, int j, int h, int w) {
    }

    public RandomResizedCrop {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("bad output size " + height + "x" + width);
        }
        if (!(scaleMin <= scaleMax) || !(ratioMin <= ratioMax) || !(ratioMin > 0)) {
            throw new IllegalArgumentException("scale and ratio must be (min, max) with min <= max");
        }
    }

    /** {@code RandomResizedCrop(size, scale=(0.08, 1.0), ratio=(3/4, 4/3), BICUBIC)}. */
    public static RandomResizedCrop of(int size, ResampleFilter filter) {
        return new RandomResizedCrop(size, size, 0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0, filter);
    }

    /** The crop box for an image of {@code imageHeight x imageWidth}. */
    public Box sampleBox(int imageHeight, int imageWidth, RandomGenerator rng) {
        double area = (double) imageHeight * imageWidth;
        double logRatioMin = Math.log(ratioMin), logRatioMax = Math.log(ratioMax);
        for (int attempt = 0; attempt < 10; attempt++) {
            double targetArea = area * uniform(rng, scaleMin, scaleMax);
            double aspectRatio = Math.exp(uniform(rng, logRatioMin, logRatioMax));
            int w = (int) Math.rint(Math.sqrt(targetArea * aspectRatio));
            int h = (int) Math.rint(Math.sqrt(targetArea / aspectRatio));
            if (0 < w && w <= imageWidth && 0 < h && h <= imageHeight) {
                int i = rng.nextInt(imageHeight - h + 1);
                int j = rng.nextInt(imageWidth - w + 1);
                return new Box(i, j, h, w);
            }
        }
        // Fallback: central crop with the aspect ratio clamped into [ratioMin, ratioMax].
        double inRatio = (double) imageWidth / imageHeight;
        int w, h;
        if (inRatio < ratioMin) {
            w = imageWidth;
            h = (int) Math.rint(w / ratioMin);
        } else if (inRatio > ratioMax) {
            h = imageHeight;
            w = (int) Math.rint(h * ratioMax);
        } else {
            w = imageWidth;
            h = imageHeight;
        }
        return new Box((imageHeight - h) / 2, (imageWidth - w) / 2, h, w);
    }

    /** torch's {@code uniform_(lo, hi)}: {@code lo + (hi - lo) * U[0, 1)}; also valid for lo == hi. */
    private static double uniform(RandomGenerator rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }

    @Override
    public RgbImage apply(RgbImage img, RandomGenerator rng) {
        Box b = sampleBox(img.height(), img.width(), rng);
        RgbImage crop = img.crop(b.j(), b.i(), b.w(), b.h());
        return PilResize.resize(crop, width, height, filter);
    }
}
