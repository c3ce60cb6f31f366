package clipvr.reprogram.head;

import clipvr.reprogram.method.StateDict;
import clipvr.tensor.DType;
import clipvr.tensor.Shape;
import clipvr.tensor.Tensor;
import clipvr.tensor.ops.Indexing;

import java.util.Map;

/**
 * DVP's probabilistic reweighting matrix, estimated by counting (DVP-code {@code calculate_prm}; spec §4.4).
 * For every training sample i seen in an epoch (augmented, current prompts, the F of the same forward pass as the
 * loss, i.e. before that step's update), take its true class's M description logits F_{y_i·M + r} and count the
 * indices of their top-k (k = 3): N[y_i, r] += 1. Then ω_{y,r} = N[y,r] / Σ_{r'} N[y,r'] (= 3·n_y), and Ω
 * [(C·M), C] holds ω_{c,·} on rows c·M … c·M + M − 1 of column c, zero elsewhere. Descriptions never in a top-k get
 * weight 0. Ties are broken towards the lower index (duplicate DVP-cse descriptions tie exactly).
 * A class with no recorded sample (not possible with the few-shot protocol, where the code would divide 0/0)
 * keeps the uniform 1/M. The uniform initial Ω ({@link #uniform}) is never used for a gradient step or a test
 * evaluation in DVP's schedule: epoch 0 only collects counts. Reset the counts at the start of every epoch.
 * State: {@code counts} [C, M] (float64).
 */
public final class PrmEstimator {
    private final int numClasses;
    private final int perClass;
    private final int k;
    private final double[] counts;      // N [C, M], row-major

    public PrmEstimator(int numClasses, int descriptionsPerClass, int k) {
        if (k < 1 || k > descriptionsPerClass) throw new IllegalArgumentException("PrmEstimator: k = " + k + " out of range for M = " + descriptionsPerClass);
        this.numClasses = numClasses;
        this.perClass = descriptionsPerClass;
        this.k = k;
        this.counts = new double[numClasses * descriptionsPerClass];
    }

    /** DVP's k = 3. */
    public static PrmEstimator standard(int numClasses, int descriptionsPerClass) { return new PrmEstimator(numClasses, descriptionsPerClass, 3); }

    public int k() { return k; }

    /** Counts the top-k of each sample's true-class block: F [B, C·M], labels [B]. */
    public void record(Tensor descriptionLogits, int[] labels) {
        int b = descriptionLogits.size(0);
        if (descriptionLogits.rank() != 2 || descriptionLogits.size(1) != numClasses * perClass || labels.length != b)
            throw new IllegalArgumentException("PrmEstimator: F " + Shape.str(descriptionLogits.shape()) + " and " + labels.length
                    + " labels do not match C·M = " + numClasses * perClass);
        Tensor f = descriptionLogits.reshape(b, numClasses, perClass);                     // [B, C, M]
        for (int i = 0; i < b; i++) {
            int y = labels[i];
            Tensor own = f.select(0, i).select(0, y).unsqueeze(0);                         // [1, M]: the true class's block
            int[] top = Indexing.topk(own, k, 1, true).indices();                          // k indices r
            for (int r : top) counts[y * perClass + r] += 1;
        }
    }

    /** Starts a new epoch. */
    public void reset() { java.util.Arrays.fill(counts, 0.0); }

    /** N [C, M] (float64 copy). */
    public Tensor counts() { return Tensor.of(counts.clone(), numClasses, perClass); }

    /** ω [C, M] = N / row sums (uniform 1/M for a class with no counts). */
    public Tensor probabilities() {
        double[] w = new double[counts.length];
        for (int c = 0; c < numClasses; c++) {
            double s = 0;
            for (int r = 0; r < perClass; r++) s += counts[c * perClass + r];
            for (int r = 0; r < perClass; r++) w[c * perClass + r] = s == 0 ? 1.0 / perClass : counts[c * perClass + r] / s;
        }
        return Tensor.of(w, numClasses, perClass);
    }

    /** Ω [(C·M), C] from the counts (float64). */
    public Tensor estimate() { return blockMatrix(probabilities()); }

    /** The uniform initial Ω [(C·M), C], 1/M on every class block (DVP-code {@code initialize_prm}). */
    public static Tensor uniform(int numClasses, int descriptionsPerClass) {
        return blockMatrix(Tensor.full(DType.F64, 1.0 / descriptionsPerClass, numClasses, descriptionsPerClass));
    }

    /** ω [C, M] → Ω [(C·M), C] with Ω[c·M + r, c] = ω[c, r]. */
    public static Tensor blockMatrix(Tensor w) {
        int c = w.size(0), m = w.size(1);
        Tensor omega = Tensor.zeros(w.dtype(), c * m, c);
        for (int y = 0; y < c; y++) omega.narrow(0, y * m, m).select(1, y).copyFrom(w.select(0, y));
        return omega;
    }

    /** Ω [(C·M), C] → ω [C, M]; throws when an entry off the class blocks is non-zero. */
    public static Tensor blocks(Tensor omega, int numClasses, int perClass) {
        if (omega.rank() != 2 || omega.size(0) != numClasses * perClass || omega.size(1) != numClasses)
            throw new IllegalArgumentException("PRM: Ω " + Shape.str(omega.shape()) + " is not [" + numClasses * perClass + ", " + numClasses + "]");
        double[] o = omega.toDoubleArray();                                          // row-major [(C·M), C]
        double[] w = new double[numClasses * perClass];
        for (int row = 0; row < numClasses * perClass; row++)
            for (int c = 0; c < numClasses; c++) {
                double v = o[row * numClasses + c];
                if (row / perClass == c) w[row] = v;
                else if (v != 0) throw new IllegalArgumentException("PRM: Ω[" + row + ", " + c + "] = " + v + " lies outside the class blocks");
            }
        return Tensor.of(w, numClasses, perClass).to(omega.dtype());
    }

    public Map<String, Tensor> state() {
        Map<String, Tensor> s = StateDict.create();
        s.put("counts", counts());
        return s;
    }

    public void load(Map<String, Tensor> state) {
        Tensor n = StateDict.require(state, "counts", numClasses, perClass);
        double[] v = n.toDoubleArray();
        System.arraycopy(v, 0, counts, 0, counts.length);
    }
}
