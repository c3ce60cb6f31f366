package clipvr.reprogram.report;

import clipvr.reprogram.input.ClipNormalization;
import clipvr.reprogram.report.RunData.Prompt;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Locale;

/** Renders CHW float patterns and images to ARGB images and PNG data URIs (javax.imageio). */
public final class PromptImages {
    private PromptImages() {}

    /** A drawn image with a one-line caption saying how its values map to colours. */
    public record Drawn(BufferedImage image, String caption) {}

    /**
     * The visible pattern of {@code p}: sigmoid(θ) ⊙ M for a padding prompt (values already in [0, 1]),
     * θ ⊙ M (or δ) rescaled min–max to [0, 255] over the masked region for an additive one. Pixels where the
     * mask is zero in every channel are transparent.
     */
    public static Drawn draw(Prompt p) {
        int r = p.resolution(), plane = r * r;
        float[] th = p.theta(), m = p.mask();
        float[] v = new float[3 * plane];
        boolean[] on = new boolean[plane];
        for (int i = 0; i < plane; i++) on[i] = m == null || m[i] != 0 || m[plane + i] != 0 || m[2 * plane + i] != 0;
        switch (p.kind()) {
            case SIGMOID_PADDING -> {
                for (int i = 0; i < v.length; i++) {
                    double mk = m == null ? 1 : m[i];
                    v[i] = (float) (mk / (1 + Math.exp(-th[i])));
                }
                return new Drawn(toImage(v, r, r, on, 0, 1), "sigmoid(θ) ⊙ M, shown as pixel values in [0, 1]; transparent where M = 0");
            }
            case ADDITIVE -> {
                for (int i = 0; i < v.length; i++) v[i] = m == null ? th[i] : th[i] * m[i];
                double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < 3; c++)
                    for (int i = 0; i < plane; i++)
                        if (on[i]) { lo = Math.min(lo, v[c * plane + i]); hi = Math.max(hi, v[c * plane + i]); }
                if (lo > hi) { lo = 0; hi = 0; }
                String what = m == null ? "δ" : "θ ⊙ M";
                return new Drawn(toImage(v, r, r, on, lo, hi), String.format(Locale.ROOT,
                        "%s (normalised space), min–max [%.3g, %.3g] → [0, 255]%s", what, lo, hi, m == null ? "" : "; transparent where M = 0"));
            }
        }
        throw new AssertionError(p.kind());
    }

    /**
     * CHW floats [3, h, w] → ARGB, mapping [lo, hi] linearly to [0, 255] (mid-grey when lo = hi);
     * pixels with {@code visible[i] == false} are transparent ({@code visible} may be null).
     */
    public static BufferedImage toImage(float[] chw, int h, int w, boolean[] visible, double lo, double hi) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        int plane = h * w;
        double scale = hi > lo ? 255.0 / (hi - lo) : 0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                if (visible != null && !visible[i]) { img.setRGB(x, y, 0); continue; }
                int argb = 0xff000000;
                for (int c = 0; c < 3; c++) {
                    double val = scale == 0 ? 128 : (chw[c * plane + i] - lo) * scale;
                    int b = (int) Math.round(Math.max(0, Math.min(255, val)));
                    argb |= b << (16 - 8 * c);
                }
                img.setRGB(x, y, argb);
            }
        return img;
    }

    /** CHW floats [3, h, w], min–max rescaled over all values (shared by the channels). */
    public static BufferedImage minMax(float[] chw, int h, int w) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (float f : chw) { lo = Math.min(lo, f); hi = Math.max(hi, f); }
        return toImage(chw, h, w, null, lo, hi);
    }

    /** CLIP-normalised CHW → pixels: x·std + mean, clamped to [0, 1]. */
    public static BufferedImage denormalised(float[] chw, int h, int w) {
        float[] v = chw.clone();
        int plane = h * w;
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < plane; i++) v[c * plane + i] = (float) (v[c * plane + i] * ClipNormalization.STD[c] + ClipNormalization.MEAN[c]);
        return toImage(v, h, w, null, 0, 1);
    }

    /** The image as a {@code data:image/png;base64,…} URI. */
    public static String pngDataUri(BufferedImage img) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png(img));
    }

    public static byte[] png(BufferedImage img) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(img, "png", out)) throw new IllegalStateException("no PNG writer in javax.imageio");
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
