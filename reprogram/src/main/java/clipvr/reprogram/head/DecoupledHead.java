package clipvr.reprogram.head;

import clipvr.autograd.Var;
import clipvr.autograd.ops.Select;
import clipvr.tensor.Shape;
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
 * Each branch scores only its own rows: F = indexSelect(cat_k(scale · v̂_k T_kᵀ), inverse permutation).
 */
public final class DecoupledHead {
    private final int numClasses;
    private final int perClass;                 // M
    private final int branches;                 // K
    private final int[] branchOf;               // g(r), r < C·M
    private final List<Tensor> branchTables;    // T_k [n_k, E]: the rows with g(r) = k, in increasing r
    private final int[] gatherIndex;            // position in cat_k(S_k) of every r
    private final double scale;
    private Tensor weights;                     // ω [C, M]

    public DecoupledHead(Tensor descriptions, int[] branchOf, int branches, int numClasses, double scale) {
        int rows = descriptions.size(0);
        if (rows % numClasses != 0 || branchOf.length != rows)
            throw new IllegalArgumentException("DecoupledHead: " + rows + " descriptions, " + branchOf.length + " branch ids, " + numClasses + " classes do not fit");
        this.numClasses = numClasses;
        this.perClass = rows / numClasses;
        this.branches = branches;
        this.branchOf = branchOf.clone();
        this.scale = scale;
        this.branchTables = new ArrayList<>();
        this.gatherIndex = new int[rows];
        int at = 0;
        for (int k = 0; k < branches; k++) {
            int[] rowsK = rowsOf(k);
            for (int r : rowsK) gatherIndex[r] = at++;
            branchTables.add(rowsK.length == 0 ? null : Indexing.indexSelect(descriptions, 0, rowsK));  // [n_k, E]
        }
        if (at != rows) throw new IllegalArgumentException("DecoupledHead: branch ids must lie in [0, " + branches + ")");
        this.weights = Tensor.full(descriptions.dtype(), 1.0 / perClass, numClasses, perClass);
    }

    /**
     * DVP-cse: K cause tables T_k [C·m, E] (class-major) → descriptions [C·K·m, E] with, inside class c,
     * row k·m + j = T_k[c·m + j], and g = k.
     */
    public static DecoupledHead byCause(List<Tensor> causeTables, int numClasses) {
        int k = causeTables.size(), m = causeTables.getFirst().size(0) / numClasses, e = causeTables.getFirst().size(1);
        List<Tensor> perCause = new ArrayList<>();
        for (Tensor t : causeTables) perCause.add(t.reshape(numClasses, m, e));                 // [C, m, E]
        Tensor all = Indexing.cat(perCause, 1).reshape(numClasses * k * m, e);                  // [C, K·m, E] → [C·K·m, E]
        int[] g = new int[numClasses * k * m];
        for (int r = 0; r < g.length; r++) g[r] = (r % (k * m)) / m;
        return new DecoupledHead(all, g, k, numClasses, CosineLogits.LOGIT_SCALE);
    }

    /** DVP-cls: one table T [C·m, E] (class-major) and the k-means cluster of every row. */
    public static DecoupledHead byCluster(Tensor descriptions, int[] clusterOf, int clusters, int numClasses) {
        return new DecoupledHead(descriptions, clusterOf, clusters, numClasses, CosineLogits.LOGIT_SCALE);
    }

    public int numClasses() { return numClasses; }
    public int descriptionsPerClass() { return perClass; }
    public int branches() { return branches; }
    public int[] branchOf() { return branchOf.clone(); }

    /** Rows r with g(r) = k, increasing. */
    public int[] rowsOf(int k) { return java.util.stream.IntStream.range(0, branchOf.length).filter(r -> branchOf[r] == k).toArray(); }

    /** K features v_k [B, E] → description logits F [B, C·M]. */
    public Var descriptionLogits(List<Var> branchFeatures) {
        if (branchFeatures.size() != branches)
            throw new IllegalArgumentException("DecoupledHead: " + branchFeatures.size() + " feature tensors for " + branches + " branches");
        List<Var> parts = new ArrayList<>();
        for (int k = 0; k < branches; k++)
            if (branchTables.get(k) != null)
                parts.add(CosineLogits.logits(branchFeatures.get(k), branchTables.get(k), scale));   // [B, n_k]
        Var stacked = parts.size() == 1 ? parts.getFirst() : Select.cat(parts, 1);                 // [B, C·M] (branch order)
        return Select.indexSelect(stacked, 1, gatherIndex);                                         // [B, C·M] (class-major)
    }

    /** F [B, C·M] → z = F·Ω [B, C], computed blockwise as z_c = Σ_r ω_{c,r} F_{c·M + r}. */
    public Var classLogits(Var descriptionLogits) {
        int b = descriptionLogits.size(0);
        Var f = descriptionLogits.reshape(b, numClasses, perClass);                            // [B, C, M]
        return f.mul(Var.constant(weights.to(f.dtype()))).sum(new int[]{2}, false);             // [B, C]
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
                + ", branch sizes " + Arrays.toString(branchTables.stream().mapToInt(t -> t == null ? 0 : t.size(0)).toArray()) + ")";
    }
}
