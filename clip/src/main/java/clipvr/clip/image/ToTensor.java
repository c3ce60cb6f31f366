package clipvr.clip.image;

/**
 * torchvision's {@code ToTensor} for an RGB PIL image: HWC uint8 to CHW float32 in [0, 1], each
 * value {@code (float) v / 255f} — the same float32 division torch performs, so results are
 * bit-identical.
 */
public final class ToTensor {

    private ToTensor() {
    }

    /** CHW floats, length {@code 3 * height * width}. */
    public static float[] apply(RgbImage img) {
        int n = img.width() * img.height();
        byte[] rgb = img.rgb();
        float[] out = new float[3 * n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                out[c * n + i] = (float) (rgb[3 * i + c] & 0xFF) / 255f;
            }
        }
        return out;
    }

    /** {@link #apply(RgbImage)} wrapped as a {@link FloatImage}. */
    public static FloatImage toFloatImage(RgbImage img) {
        return new FloatImage(3, img.height(), img.width(), apply(img));
    }
}
