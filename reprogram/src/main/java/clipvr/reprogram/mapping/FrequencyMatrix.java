package clipvr.reprogram.mapping;

import clipvr.tensor.Shape;
import clipvr.tensor.Tensor;

/**
 * The frequency matrix of ILM/FLM/BLM (SMM-code {@code get_dist_matrix}, BayesianLM {@code get_freq_distribution}):
 * d[s, t] = number of training samples with target label t whose argmax source prediction is s. BLM+ instead adds each
 * sample's k largest softmax probabilities ({@link #recordTopKProbabilities}). Accumulated batch by batch.
 */
public final class FrequencyMatrix {
    private final int sources;
    private final int targets;
    private final double[][] d;     // [S][C]

    public FrequencyMatrix(int sources, int targets) {
        this.sources = sources;
        this.targets = targets;
        this.d = new double[sources][targets];
    }

    /** Adds the argmax predictions of source logits [B, S] for target labels [B]. */
    public void record(Tensor sourceLogits, int[] labels) {
        if (sourceLogits.rank() != 2 || sourceLogits.size(1) != sources || sourceLogits.size(0) != labels.length)
            throw new IllegalArgumentException("FrequencyMatrix: logits " + Shape.str(sourceLogits.shape()) + " and "
                    + labels.length + " labels do not match " + sources + " source classes");
        int[] pred = sourceLogits.argmax(1);                       // [B]
        for (int i = 0; i < labels.length; i++) d[pred[i]][labels[i]] += 1;
    }

    /**
     * BLM+ (BayesianLM {@code blmpp_reweight_matrix}): for every sample i with label t, p = softmax(source logits_i)
     * [S] (in float64), and d[s, t] += p[s] for the k sources with the largest p (the lower index first on ties).
     */
    public void recordTopKProbabilities(Tensor sourceLogits, int[] labels, int k) {
        if (sourceLogits.rank() != 2 || sourceLogits.size(1) != sources || sourceLogits.size(0) != labels.length)
            throw new IllegalArgumentException("FrequencyMatrix: logits " + Shape.str(sourceLogits.shape()) + " and "
                    + labels.length + " labels do not match " + sources + " source classes");
        if (k < 1 || k > sources) throw new IllegalArgumentException("FrequencyMatrix: top-k must be in [1, " + sources + "], got " + k);
        double[] p = new double[sources];
        for (int i = 0; i < labels.length; i++) {
            double max = Double.NEGATIVE_INFINITY, z = 0;
            for (int s = 0; s < sources; s++) max = Math.max(max, p[s] = sourceLogits.get(i, s));
            for (int s = 0; s < sources; s++) z += p[s] = Math.exp(p[s] - max);
            boolean[] taken = new boolean[sources];
            for (int j = 0; j < k; j++) {
                int best = -1;
                for (int s = 0; s < sources; s++) if (!taken[s] && (best < 0 || p[s] > p[best])) best = s;
                taken[best] = true;
                d[best][labels[i]] += p[best] / z;
            }
        }
    }

    /** Adds one (prediction s, label t) pair. */
    public void record(int predictedSource, int targetLabel) { d[predictedSource][targetLabel] += 1; }

    /** A copy of d [S][C]. */
    public double[][] counts() {
        double[][] c = new double[sources][];
        for (int s = 0; s < sources; s++) c[s] = d[s].clone();
        return c;
    }

    /** BLM's reweighting matrix ω of these frequencies with Laplace smoothing {@code lap}. */
    public BayesianMapping bayesian(double lap) { return BayesianMapping.fromFrequencies(d, lap); }

    /** The greedy one-to-one mapping of these frequencies. */
    public LabelMapping mapping() { return LabelMapping.greedy(d); }
}
