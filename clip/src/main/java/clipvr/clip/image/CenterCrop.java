package clipvr.clip.image;

import java.util.random.RandomGenerator;

/**
 * torchvision's {@code CenterCrop(size)}. When the crop is larger than the image, the image is first
 * padded with zeros: {@code (crop - image) // 2} on the left/top and {@code (crop - image + 1) // 2}
 * on the right/bottom. Otherwise the offset is {@code int(round((image - crop) / 2.0))} with
 * Python's round-half-to-even, e.g. a difference of 1 gives offset 0, 3 gives 2, 5 gives 2.
 *
 * @param height crop height
 * @param width  crop width
 */
public record CenterCrop(int height, int width) implements Transform {

    public CenterCrop {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("bad crop size " + height + "x" + width);
        }
    }

    /** A square crop. */
    public CenterCrop(int size) {
        this(size, size);
    }

    /**
     * Offset of the crop along one axis, relative to the original image (negative = zero padding
     * before the image).
     */
    public static int offset(int imageSize, int cropSize) {
        if (cropSize > imageSize) {
            return -((cropSize - imageSize) / 2);
        }
        return (int) Math.rint((imageSize - cropSize) / 2.0); // rint = round half to even
    }

    @Override
    public RgbImage apply(RgbImage img, RandomGenerator rng) {
        if (img.width() == width && img.height() == height) {
            return img;
        }
        return img.crop(offset(img.width(), width), offset(img.height(), height), width, height);
    }
}
