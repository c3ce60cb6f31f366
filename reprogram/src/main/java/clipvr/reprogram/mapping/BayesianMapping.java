package clipvr.reprogram.mapping;

import clipvr.autograd.Var;
import clipvr.tensor.Tensor;

import java.util.Arrays;

/**
 * Bayesian-guided label mapping (BLM, BLM+; Cai et al., NeurIPS 2024, tmlr-group/BayesianLM {@code mapping.py}): the
 * target logits are a reweighting of all source logits, z = s·ω [B, C], with ω [S, C] estimated from the frequencies
 * d[s, t] of source predictions per target label (argmax counts for BLM, summed top-k softmax probabilities for BLM+;
 * {@link FrequencyMatrix}):
 * <pre>
 *   M[s, t] = d[s, t] / (Σ_t' d[s, t'] + λ)      P(target t | source s), λ the Laplace smoothing ({@code --blm-lap})
 *   ω[s, t] = M[s, t] / Σ_s' M[s', t]            each target's column sums to 1
 * </pre>
 * No parameters: ω is recomputed from the training set at the start of every epoch (like ILM). Where the reference
 * divides 0 by 0 (a source row with no counts and λ = 0, a target column with no mass) it gets NaN; here that entry is 0.
 */
public record BayesianMapping(double[][] omega) implements OutputMapping {
    public BayesianMapping {
        if (omega.length == 0 || omega[0].length == 0) throw new IllegalArgumentException("BayesianMapping: empty ω");
        double[][] c = new double[omega.length][];
        for (int s = 0; s < omega.length; s++) {
            if (omega[s].length != omega[0].length) throw new IllegalArgumentException("BayesianMapping: ragged ω at row " + s);
            for (double v : omega[s])
                if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException("BayesianMapping: ω[" + s + "] holds " + v);
            c[s] = omega[s].clone();
        }
        omega = c;
    }

    /** ω from frequencies d [S][C] with Laplace smoothing {@code lap} ≥ 0 (the formulas above). */
    public static BayesianMapping fromFrequencies(double[][] d, double lap) {
        if (!(lap >= 0)) throw new IllegalArgumentException("BayesianMapping: Laplace smoothing must be >= 0, got " + lap);
        int sources = d.length, targets = d[0].length;
        double[][] m = new double[sources][targets];
        double[] column = new double[targets];
        for (int s = 0; s < sources; s++) {
            double row = lap;
            for (int t = 0; t < targets; t++) row += d[s][t];
            for (int t = 0; t < targets; t++) {
                m[s][t] = row > 0 ? d[s][t] / row : 0;                    // P(t | s)
                column[t] += m[s][t];
            }
        }
        for (int s = 0; s < sources; s++)
            for (int t = 0; t < targets; t++) m[s][t] = column[t] > 0 ? m[s][t] / column[t] : 0;
        return new BayesianMapping(m);
    }

    /** Every source weighs 1/S for every target (the placeholder before the first estimate). */
    public static BayesianMapping uniform(int sources, int targets) {
        double[][] m = new double[sources][targets];
        for (double[] row : m) Arrays.fill(row, 1.0 / sources);
        return new BayesianMapping(m);
    }

    @Override public int numSources() { return omega.length; }

    @Override public int numTargets() { return omega[0].length; }

    @Override public double[][] omega() { return matrix(); }

    @Override public double[][] matrix() {
        double[][] c = new double[omega.length][];
        for (int s = 0; s < omega.length; s++) c[s] = omega[s].clone();
        return c;
    }

    /** ω as a tensor [S, C] in the logits' dtype. */
    public Tensor tensor(clipvr.tensor.DType dtype) {
        Tensor w = Tensor.zeros(dtype, numSources(), numTargets());
        for (int s = 0; s < numSources(); s++)
            for (int t = 0; t < numTargets(); t++) w.set(omega[s][t], s, t);
        return w;
    }

    /** source logits [B, S] → s·ω [B, C] (ω constant; the gradient flows to the logits). */
    @Override public Var apply(Var sourceLogits) {
        return sourceLogits.matmul(Var.constant(tensor(sourceLogits.data().dtype())));    // [B, S] · [S, C] → [B, C]
    }
}
