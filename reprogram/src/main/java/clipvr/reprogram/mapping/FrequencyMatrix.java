package clipvr.reprogram.mapping;

import clipvr.tensor.Shape;
import clipvr.tensor.Tensor;

/**
 * The frequency matrix of ILM/FLM (SMM-code {@code get_dist_matrix}): d[s, t] = number of training samples with
 * target label t whose argmax source prediction is s. Accumulated batch by batch.
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

    /** Adds one (prediction s, label t) pair. */
    public void record(int predictedSource, int targetLabel) { d[predictedSource][targetLabel] += 1; }

    /** A copy of d [S][C]. */
    public double[][] counts() {
        double[][] c = new double[sources][];
        for (int s = 0; s < sources; s++) c[s] = d[s].clone();
        return c;
    }

    /** The greedy one-to-one mapping of these frequencies. */
    public LabelMapping mapping() { return LabelMapping.greedy(d); }
}
