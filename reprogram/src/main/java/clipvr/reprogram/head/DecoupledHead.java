package clipvr.reprogram.head;

import clipvr.autograd.Var;
import clipvr.autograd.ops.Select;
import clipvr.tensor.Shape;
import clipvr.tensor.Constants;
import clipvr.tensor.Tensor;
import clipvr.tensor.ops.Indexing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * DVP's head (spec §4.1–4.3): K prompt branches, each with its own image features v_k [B, E]. Every
 * description r of the C·M descriptions (class-major: rows c·M … c·M + M − 1 belong to class c) is scored only
 * with the features of its branch g(r):
 * F_r = scale · ⟨v̂_{g(r)}, t_r⟩,  F [B, C·M];  z = F · Ω  [B, C],
 * where Ω [(C·M), C] is the probabilistic reweighting matrix (PRM), block-structured: column c is non-zero only on
 * rows c·M … c·M + M − 1, where it holds ω_{c,·}, a probability vector. Ω is a constant here (never trained by
 * gradient); {@link PrmEstimator} re-estimates it after every epoch. It starts uniform, 1/M.
 * <ul>
 *   <li>DVP-cse ({@link #byCause}): g(r) = the cause of r; M = K·m, with r = k·m + j within a class.</li>
 *   <li>DVP-cls ({@link #byCluster}): g(r) = the k-means cluster of r; M = m.</li>
 * </ul>
 * DVP-cse scores each cause table only with its own branch (reshape and concatenate, as the code); DVP-cls computes
 * Σ_k mask_k ⊙ scale·v̂_k Tᵀ, as the code.
 */
public final class DecoupledHead {
    private final int numClasses;
    private final int perClass;                 // M
    private final int branches;                 // K
    private final int[] branchOf;               // g(r), r < C·M
    private final Tensor descriptions;          // T [C·M, E]
    private final List<Tensor> masks;           // mask_k [C·M]: 1 where g(r) = k (DVP-cls path)
    private final List<Tensor> causeTables;     // T_k [C·m, E] (DVP-cse path), or null
    private final double scale;
    private Tensor weights;                     // ω [C, M]

    /** General form: any assignment g(r) ∈ [0, K) of the C·M class-major descriptions T [C·M, E] to branches. */
    public DecoupledHead(Tensor descriptions, int[] branchOf, int branches, int numClasses, double scale) {
        this(descriptions, branchOf, branches, numClasses, scale, null);
    }

    private DecoupledHead(Tensor descriptions, int[] branchOf, int branches, int numClasses, double scale, List<Tensor> causeTables) {
        int rows = descriptions.size(0);
        if (rows % numClasses != 0 || branchOf.length != rows)
            throw new IllegalArgumentException("DecoupledHead: " + rows + " descriptions, " + branchOf.length + " branch ids, " + numClasses + " classes do not fit");
        for (int g : branchOf)
            if (g < 0 || g >= branches) throw new IllegalArgumentException("DecoupledHead: branch ids must lie in [0, " + branches + "), got " + g);
        this.numClasses = numClasses;
        this.perClass = rows / numClasses;
        this.branches = branches;
        this.branchOf = branchOf.clone();
        this.scale = scale;
        this.descriptions = descriptions;
        this.causeTables = causeTables;
        this.masks = new ArrayList<>();
        for (int k = 0; k < branches; k++) {
            double[] mk = new double[rows];
            for (int r = 0; r < rows; r++) mk[r] = branchOf[r] == k ? 1 : 0;
            masks.add(Tensor.of(mk, rows).to(descriptions.dtype()));                            // [C·M]
        }
        this.weights = Tensor.full(descriptions.dtype(), 1.0 / perClass, numClasses, perClass);
    }

    /**
     * DVP-cse: K cause tables T_k [C·m, E] (class-major) → descriptions [C·K·m, E] with, inside class c,
     * row k·m + j = T_k[c·m + j], and g = k.
     */
    public static DecoupledHead byCause(List<Tensor> causeTables, int numClasses) {
        return byCause(causeTables, numClasses, CosineLogits.LOGIT_SCALE);
    }

    /** {@link #byCause(List, int)} with the logits' temperature {@code scale} (the model's exp(logit_scale)). */
    public static DecoupledHead byCause(List<Tensor> causeTables, int numClasses, double scale) {
        int k = causeTables.size(), m = causeTables.getFirst().size(0) / numClasses, e = causeTables.getFirst().size(1);
        List<Tensor> perCause = new ArrayList<>();
        for (Tensor t : causeTables)
            if (t.size(0) != numClasses * m || t.size(1) != e)
                throw new IllegalArgumentException("DecoupledHead.byCause: every cause table must be [" + numClasses * m + ", " + e + "]");
        for (Tensor t : causeTables) perCause.add(t.reshape(numClasses, m, e));                 // [C, m, E]
        Tensor all = Indexing.cat(perCause, 1).reshape(numClasses * k * m, e);                  // [C, K·m, E] → [C·K·m, E]
        int[] g = new int[numClasses * k * m];
        for (int r = 0; r < g.length; r++) g[r] = (r % (k * m)) / m;
        return new DecoupledHead(all, g, k, numClasses, scale, List.copyOf(causeTables));
    }

    /** DVP-cls: one table T [C·m, E] (class-major) and the k-means cluster of every row. */
    public static DecoupledHead byCluster(Tensor descriptions, int[] clusterOf, int clusters, int numClasses) {
        return byCluster(descriptions, clusterOf, clusters, numClasses, CosineLogits.LOGIT_SCALE);
    }

    /** {@link #byCluster(Tensor, int[], int, int)} with the logits' temperature {@code scale}. */
    public static DecoupledHead byCluster(Tensor descriptions, int[] clusterOf, int clusters, int numClasses, double scale) {
        return new DecoupledHead(descriptions, clusterOf, clusters, numClasses, scale);
    }

    public int numClasses() { return numClasses; }
    public int descriptionsPerClass() { return perClass; }
    public int branches() { return branches; }
    public int[] branchOf() { return branchOf.clone(); }

    /** Rows r with g(r) = k, increasing. */
    public int[] rowsOf(int k) { return java.util.stream.IntStream.range(0, branchOf.length).filter(r -> branchOf[r] == k).toArray(); }

    /**
     * K features v_k [B, E] → description logits F [B, C·M].
     * DVP-cse: S_k = scale·v̂_k T_kᵀ [B, C·m] per cause, laid side by side within each class.
     * Otherwise (DVP-cls): F = Σ_k mask_k ⊙ scale·v̂_k Tᵀ, the code's form.
     */
    public Var descriptionLogits(List<Var> branchFeatures) {
        if (branchFeatures.size() != branches)
            throw new IllegalArgumentException("DecoupledHead: " + branchFeatures.size() + " feature tensors for " + branches + " branches");
        int b = branchFeatures.getFirst().size(0);
        if (causeTables != null) {
            int m = perClass / branches;
            List<Var> perCause = new ArrayList<>();
            for (int k = 0; k < branches; k++)
                perCause.add(CosineLogits.logits(branchFeatures.get(k), causeTables.get(k), scale)
                        .reshape(b, numClasses, m));                                              // [B, C·m] → [B, C, m]
            Var joined = branches == 1 ? perCause.getFirst() : Select.cat(perCause, 2);         // [B, C, K·m]
            return joined.reshape(b, numClasses * perClass);                                     // [B, C·M], r = k·m + j
        }
        Var f = null;
        for (int k = 0; k < branches; k++) {
            Var sk = CosineLogits.logits(branchFeatures.get(k), descriptions, scale)              // [B, C·M]
                    .mul(Var.constant(Constants.on(branchFeatures.get(k).data().device(), masks.get(k)).to(branchFeatures.get(k).dtype())));          // keep rows with g(r) = k
            f = f == null ? sk : f.add(sk);
        }
        return f;                                                                                // [B, C·M]
    }

    /** F [B, C·M] → z = F·Ω [B, C], computed blockwise as z_c = Σ_r ω_{c,r} F_{c·M + r}. */
    public Var classLogits(Var descriptionLogits) {
        int b = descriptionLogits.size(0);
        Var f = descriptionLogits.reshape(b, numClasses, perClass);                            // [B, C, M]
        return f.mul(Var.constant(Constants.on(f.data().device(), weights).to(f.dtype()))).sum(new int[]{2}, false);             // [B, C]
    }

    /** K features → z [B, C]. */
    public Var logits(List<Var> branchFeatures) { return classLogits(descriptionLogits(branchFeatures)); }

    /** Sets Ω [(C·M), C] (block-structured; entries off the class blocks must be zero). */
    public void setReweighting(Tensor omega) { weights = PrmEstimator.blocks(omega, numClasses, perClass); }

    /** The current Ω [(C·M), C]. */
    public Tensor reweighting() { return PrmEstimator.blockMatrix(weights); }

    /** The current ω [C, M] (row c = the weights of class c's own descriptions). */
    public Tensor classWeights() { return weights.copy(); }

    @Override public String toString() {
        return "DecoupledHead(C=" + numClasses + ", M=" + perClass + ", K=" + branches + ", ω " + Shape.str(weights.shape())
                + ", branch sizes " + Arrays.toString(masks.stream().mapToInt(t -> (int) t.sum().item()).toArray()) + ")";
    }
}
