package clipvr.clip.image;

import java.util.random.RandomGenerator;

/**
 * torchvision's {@code RandomCrop(size)} without padding: top {@code i} uniform in
 * {@code [0, h - th]}, left {@code j} uniform in {@code [0, w - tw]} (drawn in that order); the
 * whole image when it already has the crop size. An image smaller than the crop is an error, as in
 * torchvision.
 *
 * @param height crop height
 * @param width  crop width
 */
public record RandomCrop(int height, int width) implements Transform {

    public RandomCrop {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("bad crop size " + height + "x" + width);
        }
    }

    /** A square crop. */
    public RandomCrop(int size) {
        this(size, size);
    }

    @Override
    public RgbImage apply(RgbImage img, RandomGenerator rng) {
        int h = img.height(), w = img.width();
        if (h < height || w < width) {
            throw new IllegalArgumentException("Required crop size " + height + "x" + width
                    + " is larger than input image size " + h + "x" + w);
        }
        if (h == height && w == width) {
            return img;
        }
        int i = rng.nextInt(h - height + 1);
        int j = rng.nextInt(w - width + 1);
        return img.crop(j, i, width, height);
    }
}
