package clipvr.clip.model;

import clipvr.autograd.Var;

/**
 * CLIP's image tower: CLIP-normalised pixels [B, 3, R, R] → features [B, E]. {@link VisionTransformer}
 * implements it today; OpenAI's ModifiedResNet (RN50, RN101: attention-pooled ResNet, keys under
 * {@code visual.layer1..4}, {@code visual.attnpool}) slots in as a second implementation registered under
 * the same {@code visual} name, with config inference per checkpoint-formats.md §5.5.
 */
public interface ImageTower {
    Var forward(Var pixels);

    /** Input resolution R. */
    int resolution();
}
