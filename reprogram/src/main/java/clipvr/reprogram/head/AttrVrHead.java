package clipvr.reprogram.head;

import clipvr.autograd.Var;
import clipvr.autograd.ops.Select;
import clipvr.tensor.Tensor;

/**
 * AttrVR's attribute head (spec §3). With m descriptive (DesAttr) and m distinctive (DistAttr) description
 * embeddings per class, class-major (rows c·m … c·m + m − 1 belong to class c):
 * S = scale · v̂ Tᵀ reshaped [B, C, m]; z^des_c = mean of the top-k of S^des_{c,·}, z^dist_c likewise;
 * z_c = α·z^des_c + (1 − α)·z^dist_c (k = 3, α = 0.5). The top-k is recomputed in every forward pass and the
 * gradient flows only through the selected entries. With α = 1 the DistAttr table may be null (DesAttr only).
 */
public record AttrVrHead(Tensor descriptive, Tensor distinctive, int numClasses, int k, double alpha, double scale)
        implements ClassHead {
    public AttrVrHead {
        if (descriptive.size(0) % numClasses != 0 || (distinctive != null && distinctive.size(0) % numClasses != 0))
            throw new IllegalArgumentException("AttrVrHead: description tables must hold m rows per class for " + numClasses + " classes");
        if (distinctive == null && alpha != 1.0) throw new IllegalArgumentException("AttrVrHead: DistAttr table needed when alpha != 1");
        if (k < 1 || k > descriptive.size(0) / numClasses) throw new IllegalArgumentException("AttrVrHead: k = " + k + " out of range");
    }

    /** The paper's defaults: k = 3, α = 0.5, scale 100. */
    public static AttrVrHead standard(Tensor descriptive, Tensor distinctive, int numClasses) {
        return new AttrVrHead(descriptive, distinctive, numClasses, 3, 0.5, CosineLogits.LOGIT_SCALE);
    }

    /** v [B, E] → z [B, C]. */
    @Override public Var logits(Var imageFeatures) {
        Var zDes = topKMean(imageFeatures, descriptive);                         // [B, C]
        if (distinctive == null) return zDes;
        Var zDist = topKMean(imageFeatures, distinctive);                        // [B, C]
        return zDes.mul(alpha).add(zDist.mul(1 - alpha));                       // [B, C]
    }

    /** v [B, E], T [C·m, E] → mean of the top-k of each class's m similarities [B, C]. */
    Var topKMean(Var v, Tensor table) {
        int b = v.size(0), m = table.size(0) / numClasses;
        Var s = CosineLogits.logits(v, table, scale).reshape(b, numClasses, m);  // [B, C·m] → [B, C, m]
        return Select.topkMean(s, k);                                            // top k of m, averaged: [B, C]
    }
}
