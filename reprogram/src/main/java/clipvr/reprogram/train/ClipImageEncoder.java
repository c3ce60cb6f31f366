package clipvr.reprogram.train;

import clipvr.autograd.Var;
import clipvr.clip.model.Clip;
import clipvr.reprogram.method.ImageEncoder;

/**
 * The frozen CLIP image tower as the methods' {@link ImageEncoder}: every weight is frozen (a constant, so no
 * weight gradient is ever formed) and gradients flow only to the input pixels.
 */
public final class ClipImageEncoder implements ImageEncoder {
    private final Clip model;

    public ClipImageEncoder(Clip model) {
        this.model = model;
        model.freeze();
        model.eval();
    }

    public Clip model() { return model; }

    /** pixels [B, 3, R, R] (CLIP-normalised) → features [B, E] before L2 normalisation. */
    @Override public Var encodeImage(Var pixels) { return model.encodeImage(pixels); }

    @Override public int resolution() { return model.resolution(); }

    @Override public int embedDim() { return model.embedDim(); }
}
