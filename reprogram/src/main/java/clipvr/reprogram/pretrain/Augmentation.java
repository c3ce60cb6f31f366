package clipvr.reprogram.pretrain;

import clipvr.clip.image.Normalize;
import clipvr.clip.image.RandomResizedCrop;
import clipvr.clip.image.ResampleFilter;
import clipvr.clip.image.RgbImage;
import clipvr.clip.image.ToTensor;

import java.util.SplittableRandom;

/**
 * Pretraining augmentation of an R×R image, all draws from the image's own generator:
 * <pre>
 *   RandomResizedCrop(R, scale = (cropScale, 1), ratio = (3/4, 4/3), bicubic)   mild: the object stays in view
 *   colour jitter: brightness, contrast, saturation factors in [1 - j, 1 + j], applied in random order as torchvision
 *   horizontal flip with probability 1/2, only where flips keep the label (never on traffic signs)
 *   ToTensor, CLIP Normalize
 * </pre>
 */
public record Augmentation(int resolution, double cropScale, double jitter) {

    /** The augmented, CLIP-normalised CHW floats of {@code img}. */
    public float[] apply(RgbImage img, boolean mayFlip, SplittableRandom rng) {
        RgbImage x = new RandomResizedCrop(resolution, resolution, cropScale, 1.0, 3.0 / 4.0, 4.0 / 3.0, ResampleFilter.BICUBIC)
                .apply(img, rng);
        if (jitter > 0) x = colourJitter(x, rng);
        boolean flip = rng.nextBoolean();                              // drawn always: the stream does not depend on mayFlip
        if (mayFlip && flip) x = x.flipLeftRight();
        return Normalize.CLIP.applyInPlace(ToTensor.apply(x));
    }

    /**
     * torchvision's ColorJitter(brightness = j, contrast = j, saturation = j) on 8-bit RGB: each factor f ~ U[1-j, 1+j];
     * brightness blends with black (x·f), contrast with the mean grey level, saturation with the pixel's grey
     * (L = 0.299R + 0.587G + 0.114B); results are clamped to [0, 255] and rounded after every step.
     */
    RgbImage colourJitter(RgbImage img, SplittableRandom rng) {
        double fb = 1 - jitter + 2 * jitter * rng.nextDouble();
        double fc = 1 - jitter + 2 * jitter * rng.nextDouble();
        double fs = 1 - jitter + 2 * jitter * rng.nextDouble();
        int[] order = {0, 1, 2};
        for (int i = 2; i > 0; i--) { int j = rng.nextInt(i + 1), t = order[i]; order[i] = order[j]; order[j] = t; }
        byte[] p = img.rgb().clone();
        int n = p.length / 3;
        for (int step : order) {
            switch (step) {
                case 0 -> { for (int i = 0; i < p.length; i++) p[i] = clamp((p[i] & 0xff) * fb); }
                case 1 -> {
                    double mean = 0;
                    for (int i = 0; i < n; i++) mean += grey(p, i);
                    mean = Math.round(mean / n);
                    for (int i = 0; i < p.length; i++) p[i] = clamp(fc * (p[i] & 0xff) + (1 - fc) * mean);
                }
                default -> {
                    for (int i = 0; i < n; i++) {
                        double g = grey(p, i);
                        for (int c = 0; c < 3; c++) p[3 * i + c] = clamp(fs * (p[3 * i + c] & 0xff) + (1 - fs) * g);
                    }
                }
            }
        }
        return new RgbImage(img.width(), img.height(), p);
    }

    private static double grey(byte[] p, int i) {
        return 0.299 * (p[3 * i] & 0xff) + 0.587 * (p[3 * i + 1] & 0xff) + 0.114 * (p[3 * i + 2] & 0xff);
    }

    private static byte clamp(double v) {
        return (byte) (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
