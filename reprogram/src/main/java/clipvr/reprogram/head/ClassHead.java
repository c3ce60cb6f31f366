package clipvr.reprogram.head;

import clipvr.autograd.Var;

/** Class logits from one image-feature tensor: v [B, E] (unnormalised) → z [B, C]. */
public sealed interface ClassHead permits LabelHead, AttrVrHead, MappedHead {
    /** v [B, E] → class logits [B, C]. */
    Var logits(Var imageFeatures);

    int numClasses();
}
