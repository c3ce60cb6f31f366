package clipvr.reprogram.head;

import clipvr.autograd.Var;
import clipvr.tensor.Tensor;

/**
 * The label-text classifier of VP, AR and zero-shot CLIP (spec §1.5, §2): z = scale · v̂ Tᵀ, with T [C, E] the
 * template-ensembled, L2-normalised class-name embeddings ('This is a photo of {}.').
 */
public record LabelHead(Tensor labelEmbeddings, double scale) implements ClassHead {
    public LabelHead(Tensor labelEmbeddings) { this(labelEmbeddings, CosineLogits.LOGIT_SCALE); }

    /** v [B, E] → z [B, C]. */
    @Override public Var logits(Var imageFeatures) { return CosineLogits.logits(imageFeatures, labelEmbeddings, scale); }

    @Override public int numClasses() { return labelEmbeddings.size(0); }
}
