package clipvr.reprogram.train;

import clipvr.clip.image.CenterCrop;
import clipvr.clip.image.ImageDecoder;
import clipvr.clip.image.Normalize;
import clipvr.clip.image.RandomCrop;
import clipvr.clip.image.RandomHorizontalFlip;
import clipvr.clip.image.RandomResizedCrop;
import clipvr.clip.image.ResampleFilter;
import clipvr.clip.image.Resize;
import clipvr.clip.image.RgbImage;
import clipvr.clip.image.ToTensor;
import clipvr.clip.image.Transform;
import clipvr.reprogram.data.Dataset;
import clipvr.reprogram.input.PromptGeometry;
import clipvr.tensor.Tensor;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The image pipelines of spec §1.3 / §5.5 per method (torchvision order, PIL-exact resampling from
 * {@code clipvr.clip.image}):
 * <ul>
 *   <li>AR, AttrVR, DVP (r = inner size, 192 at R = 224): train Resize(r, bicubic) → RandomResizedCrop(r) → flip →
 *       ToTensor; test Resize(r) → CenterCrop(r) → ToTensor; normalisation happens inside the prompt;</li>
 *   <li>VP and zero-shot: train Resize(R) → RandomResizedCrop(R) → flip → ToTensor → Normalize; test Resize(R) →
 *       CenterCrop(R) → ToTensor → Normalize (CLIP's own preprocessing);</li>
 *   <li>SMM and its baselines (s = R, or the Pad inner size): train Resize((s+c, s+c), bilinear) → RandomCrop(s) → flip
 *       → ToTensor → Normalize with c = round(32·s/224) (32 at 224, SMM-code); test Resize((s, s), bilinear) → ToTensor →
 *       Normalize. Bilinear is torchvision's default, which SMM-code uses.</li>
 * </ul>
 * {@code --augment} changes only the training transform ({@link Augment}): {@code papers} (the above, default),
 * {@code mild} (AR/AttrVR/DVP/VP: RandomResizedCrop with scale (0.6, 1), as clipvr-mini's pretraining crops, and no
 * flip; SMM: its RandomCrop without the flip), {@code none} (the test transform).
 *
 * @param train     training transform (random steps draw from the per-item generator)
 * @param test      deterministic evaluation transform
 * @param size      output side length
 * @param normalise whether CLIP normalisation is applied after ToTensor
 */
public record Preprocessing(Transform train, Transform test, int size, boolean normalise, String trainDescription, String testDescription) {

    /** The training augmentation ({@code --augment}). */
    public enum Augment {
        /** The reference code's training transform (spec §1.3, §5.5). */
        PAPERS,
        /** Crops that keep most of the image (scale 0.6–1; SMM: its random crop) and no horizontal flip. */
        MILD,
        /** No augmentation: the training images go through the test transform. */
        NONE;

        public String cliName() { return name().toLowerCase(java.util.Locale.ROOT); }

        public static Augment parse(String s) {
            for (Augment a : values()) if (a.cliName().equals(s.strip().toLowerCase(java.util.Locale.ROOT))) return a;
            throw new IllegalArgumentException("--augment must be one of papers, mild, none, got '" + s + "'");
        }
    }

    /** The pipelines of {@code method} with the papers' training augmentation. */
    public static Preprocessing forMethod(Method method, int resolution, int inputSize) {
        return forMethod(method, resolution, inputSize, Augment.PAPERS);
    }

    public static Preprocessing forMethod(Method method, int resolution, int inputSize, Augment augment) {
        ResampleFilter bic = ResampleFilter.BICUBIC;
        int s = inputSize;
        return switch (method.family()) {
            case SMM -> {
                int c = PromptGeometry.scale(32, s);
                Transform test = Resize.exact(s, s, ResampleFilter.BILINEAR);
                String testText = "Resize((" + s + "," + s + "), bilinear) > ToTensor > Normalize(CLIP)";
                Transform crop = Transform.compose(Resize.exact(s + c, s + c, ResampleFilter.BILINEAR), new RandomCrop(s));
                String cropText = "Resize((" + (s + c) + "," + (s + c) + "), bilinear) > RandomCrop(" + s + ")";
                yield switch (augment) {
                    case PAPERS -> new Preprocessing(Transform.compose(crop, new RandomHorizontalFlip()), test, s, true,
                            cropText + " > RandomHorizontalFlip > ToTensor > Normalize(CLIP)", testText);
                    case MILD -> new Preprocessing(crop, test, s, true, cropText + " > ToTensor > Normalize(CLIP)", testText);
                    case NONE -> new Preprocessing(test, test, s, true, testText, testText);
                };
            }
            default -> {
                boolean norm = !method.usesPadding();
                String n = norm ? " > Normalize(CLIP)" : "";
                Transform test = Transform.compose(Resize.shorterSide(s, bic), new CenterCrop(s));
                String testText = "Resize(" + s + ", bicubic) > CenterCrop(" + s + ") > ToTensor" + n;
                yield switch (augment) {
                    case PAPERS -> new Preprocessing(
                            Transform.compose(Resize.shorterSide(s, bic), RandomResizedCrop.of(s, bic), new RandomHorizontalFlip()), test, s, norm,
                            "Resize(" + s + ", bicubic) > RandomResizedCrop(" + s + ", bicubic) > RandomHorizontalFlip > ToTensor" + n, testText);
                    case MILD -> new Preprocessing(
                            Transform.compose(Resize.shorterSide(s, bic), new RandomResizedCrop(s, s, MILD_SCALE, 1.0, 3.0 / 4.0, 4.0 / 3.0, bic)),
                            test, s, norm, "Resize(" + s + ", bicubic) > RandomResizedCrop(" + s + ", scale=(" + MILD_SCALE + ", 1), bicubic) > ToTensor" + n, testText);
                    case NONE -> new Preprocessing(test, test, s, norm, testText, testText);
                };
            }
        };
    }

    /** The smallest crop area of {@code --augment mild} (clipvr-mini's pretraining crops, weights/clipvr-mini.md). */
    public static final double MILD_SCALE = 0.6;

    /** The evaluation input of one image: the test transform, ToTensor and (if the method wants it) CLIP normalisation; CHW floats. */
    public float[] testPixels(RgbImage img) {
        return pixels(img, test, new SplittableRandom(0));
    }

    private float[] pixels(RgbImage img, Transform t, SplittableRandom rng) {
        float[] chw = ToTensor.apply(t.apply(img, rng));
        if (normalise) Normalize.CLIP.applyInPlace(chw);
        return chw;
    }

    /** A batch: pixels [n, 3, s, s] and labels [n]. */
    public record Batch(Tensor pixels, int[] labels) {}

    /**
     * Loads {@code indices} of {@code data}, decoding and transforming in parallel. With {@code train}, item i gets its
     * own generator {@code Seeds.rng(seed, "augment", epoch, i)} (i = the dataset index), so the result does not depend on
     * thread scheduling, batch composition or resumption.
     */
    public Batch load(Dataset data, int[] indices, boolean train, long seed, int epoch) {
        int n = indices.length, per = 3 * size * size;
        float[] all = new float[n * per];
        int[] labels = new int[n];
        IntStream.range(0, n).parallel().forEach(k -> {
            int i = indices[k];
            RgbImage img = ImageDecoder.toRgb(data.image(i));
            float[] chw = pixels(img, train ? this.train : test, train ? Seeds.rng(seed, "augment", epoch, i) : new SplittableRandom(0));
            if (chw.length != per)
                throw new IllegalStateException("transform of " + data.id(i) + " gave " + chw.length + " values, expected " + per);
            System.arraycopy(chw, 0, all, k * per, per);
            labels[k] = data.label(i);
        });
        return new Batch(Tensor.of(all, n, 3, size, size), labels);
    }

}
