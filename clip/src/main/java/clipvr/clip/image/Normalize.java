package clipvr.clip.image;

/**
 * torchvision's {@code Normalize(mean, std)}: per channel {@code (x - mean[c]) / std[c]}, with mean
 * and std held as float32 (as torch does when it builds tensors from the Python lists) and float32
 * arithmetic, so results match torch bit for bit.
 *
 * @param mean per-channel mean
 * @param std  per-channel standard deviation
 */
public record Normalize(float[] mean, float[] std) {

    /** CLIP's image mean (R, G, B). */
    public static final Normalize CLIP = new Normalize(
            new float[] {0.48145466f, 0.4578275f, 0.40821073f},
            new float[] {0.26862954f, 0.26130258f, 0.27577711f});

    public Normalize {
        if (mean.length != std.length) {
            throw new IllegalArgumentException("mean and std differ in length");
        }
        mean = mean.clone();
        std = std.clone();
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /** Normalises CHW values in place; the channel count is {@code mean.length}. */
    public float[] applyInPlace(float[] chw) {
        int c = mean.length;
        if (chw.length % c != 0) {
            throw new IllegalArgumentException(chw.length + " values are not " + c + " channels");
        }
        int plane = chw.length / c;
        for (int ch = 0; ch < c; ch++) {
            float m = mean[ch], s = std[ch];
            for (int i = ch * plane; i < (ch + 1) * plane; i++) {
                chw[i] = (chw[i] - m) / s;
            }
        }
        return chw;
    }

    /** Normalised copy of CHW values. */
    public float[] apply(float[] chw) {
        return applyInPlace(chw.clone());
    }
}
