package clipvr.clip.image;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * One step of a torchvision-style PIL-image pipeline ({@code transforms.Compose}). Random steps draw
 * only from the generator they are given, so a pipeline is deterministic for a seeded generator
 * (e.g. {@code new SplittableRandom(seed)}); deterministic steps ignore it.
 */
@FunctionalInterface
public interface Transform {

    RgbImage apply(RgbImage img, RandomGenerator rng);

    /** This step, then {@code next}. */
    default Transform andThen(Transform next) {
        Objects.requireNonNull(next, "next");
        return (img, rng) -> next.apply(apply(img, rng), rng);
    }

    /** The steps in order ({@code transforms.Compose}); no steps is the identity. */
    static Transform compose(Transform... steps) {
        Transform t = (img, rng) -> img;
        for (Transform s : steps) {
            t = t.andThen(s);
        }
        return t;
    }
}
