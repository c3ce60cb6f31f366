package clipvr.reprogram.method;

import clipvr.autograd.Var;

/**
 * A frozen image encoder: CLIP-normalised pixels [B, 3, R, R] → image features [B, E] (before L2
 * normalisation). The seam between the reprogramming methods and the CLIP model; the CLIP model
 * implements it through an adapter. Gradients must flow to {@code pixels} (visual reprogramming trains
 * the input, never the encoder).
 */
public interface ImageEncoder {
    /** pixels [B, 3, R, R] (CLIP-normalised) → features [B, E]. */
    Var encodeImage(Var pixels);

    /** The input resolution R. */
    int resolution();

    /** The feature width E. */
    int embedDim();
}
