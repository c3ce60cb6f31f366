package clipvr.reprogram.method;

import clipvr.autograd.Var;
import clipvr.reprogram.head.ClassHead;
import clipvr.reprogram.input.InputTransform;

import java.util.List;

/**
 * One visual prompt in front of the frozen encoder, read by one class head: VP, AR, AttrVR, SMM and the SMM
 * shared-mask baselines on CLIP. images [B, 3, r, r] → prompt → encoder → v [B, E] → head → z [B, C].
 */
public record VisualReprogramming(InputTransform prompt, ImageEncoder encoder, ClassHead head) {
    public VisualReprogramming {
        if (prompt.outputSize() != encoder.resolution())
            throw new IllegalArgumentException("VisualReprogramming: prompt output " + prompt.outputSize() + " != encoder resolution " + encoder.resolution());
    }

    /** images [B, 3, r, r] → image features v [B, E]. */
    public Var imageFeatures(Var images) { return encoder.encodeImage(prompt.apply(images)); }

    /** images [B, 3, r, r] → class logits z [B, C]. */
    public Var logits(Var images) { return head.logits(imageFeatures(images)); }

    /** The trainable parameters (the prompt's). */
    public List<Var> parameters() { return prompt.parameters(); }
}
