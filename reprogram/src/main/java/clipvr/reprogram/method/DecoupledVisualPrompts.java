package clipvr.reprogram.method;

import clipvr.autograd.Var;
import clipvr.autograd.ops.Select;
import clipvr.reprogram.head.DecoupledHead;
import clipvr.reprogram.input.PaddingPrompt;

import java.util.ArrayList;
import java.util.List;

/**
 * DVP (spec §4): K padding prompts over the same images, v_k = f_img(PaddingPrompt_k(x)) [B, E], the K prompted
 * copies going through the frozen encoder as one [K·B] batch (as the trainer's {@code Reprogrammer} does); the {@link DecoupledHead} scores every description with its branch's
 * features, F [B, C·M], and reweights them with the PRM, z = F·Ω [B, C].
 */
public record DecoupledVisualPrompts(List<PaddingPrompt> prompts, ImageEncoder encoder, DecoupledHead head) {
    public DecoupledVisualPrompts {
        prompts = List.copyOf(prompts);
        if (prompts.size() != head.branches())
            throw new IllegalArgumentException("DVP: " + prompts.size() + " prompts for " + head.branches() + " branches");
        for (PaddingPrompt p : prompts)
            if (p.outputSize() != encoder.resolution())
                throw new IllegalArgumentException("DVP: prompt output " + p.outputSize() + " != encoder resolution " + encoder.resolution());
    }

    /** images [B, 3, r, r] (unit pixels) → K feature tensors v_k [B, E], from one encoder pass over all K copies. */
    public List<Var> branchFeatures(Var images) {
        return branches(encoder.encodeImage(promptedBatch(prompts, images)), prompts.size(), images.size(0));
    }

    /** images [B, 3, r, r] → the K prompted copies as one encoder batch [K·B, 3, R, R], prompt-major. */
    public static Var promptedBatch(List<PaddingPrompt> prompts, Var images) {
        List<Var> prompted = new ArrayList<>(prompts.size());
        for (PaddingPrompt p : prompts) prompted.add(p.apply(images));                      // K × [B, 3, R, R]
        return prompted.size() == 1 ? prompted.getFirst() : Select.cat(prompted, 0);        // [K·B, 3, R, R]
    }

    /** Features [K·B, E] of a {@link #promptedBatch} → the K branches v_k [B, E]. */
    public static List<Var> branches(Var v, int k, int b) {
        List<Var> vs = new ArrayList<>(k);
        for (int i = 0; i < k; i++) vs.add(k == 1 ? v : v.narrow(0, i * b, b));              // K × [B, E]
        return vs;
    }

    /** images → description logits F [B, C·M] (record its top-k in a PrmEstimator before the step). */
    public Var descriptionLogits(Var images) { return head.descriptionLogits(branchFeatures(images)); }

    /** images → class logits z [B, C]. */
    public Var logits(Var images) { return head.classLogits(descriptionLogits(images)); }

    /** All prompts' parameters, branch by branch. */
    public List<Var> parameters() {
        List<Var> ps = new ArrayList<>();
        for (PaddingPrompt p : prompts) ps.addAll(p.parameters());
        return ps;
    }
}
