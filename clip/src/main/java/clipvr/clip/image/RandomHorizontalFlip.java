package clipvr.clip.image;

import java.util.random.RandomGenerator;

/**
 * torchvision's {@code RandomHorizontalFlip(p)}: flips when a uniform draw in [0, 1) is below
 * {@code p} ({@code torch.rand(1) < p}).
 *
 * @param p flip probability
 */
public record RandomHorizontalFlip(double p) implements Transform {

    public RandomHorizontalFlip {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("p must be in [0, 1], got " + p);
        }
    }

    /** {@code p = 0.5}. */
    public RandomHorizontalFlip() {
        this(0.5);
    }

    @Override
    public RgbImage apply(RgbImage img, RandomGenerator rng) {
        return rng.nextDouble() < p ? img.flipLeftRight() : img;
    }
}
