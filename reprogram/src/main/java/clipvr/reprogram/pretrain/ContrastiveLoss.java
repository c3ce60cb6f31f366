package clipvr.reprogram.pretrain;

import clipvr.autograd.Var;
import clipvr.autograd.loss.CrossEntropy;
import clipvr.tensor.Shape;

/**
 * CLIP's symmetric contrastive loss (Radford et al. 2021, Fig. 3; open_clip's {@code ClipLoss}): row i of the
 * batch's similarity matrix should pick caption i, and column i should pick image i.
 * <pre>
 *   logits = exp(t) · normalize(I) · normalize(T)ᵀ          [B, B], t = logit_scale
 *   L      = ( CE(logits, 0..B-1) + CE(logitsᵀ, 0..B-1) ) / 2
 *   dL/dlogits = ( softmax_rows(logits) - 1 + softmax_cols(logits) - 1 ) / (2B)     (1 = identity)
 * </pre>
 */
public final class ContrastiveLoss {
    private ContrastiveLoss() {}

    /** logitsPerImage [B, B] (row = image, column = caption; matching pairs on the diagonal) → scalar loss. */
    public static Var symmetric(Var logitsPerImage) {
        int[] s = logitsPerImage.shape();
        if (s.length != 2 || s[0] != s[1])
            throw new IllegalArgumentException("contrastive loss: logits must be square [B, B], got " + Shape.str(s));
        int b = s[0];
        int[] diagonal = new int[b];
        for (int i = 0; i < b; i++) diagonal[i] = i;
        Var imageToText = CrossEntropy.loss(logitsPerImage, diagonal);                 // rows: which caption?
        Var textToImage = CrossEntropy.loss(logitsPerImage.transpose(0, 1), diagonal); // columns: which image?
        return imageToText.add(textToImage).mul(0.5);
    }
}
