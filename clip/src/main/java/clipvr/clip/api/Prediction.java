package clipvr.clip.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A classifier's answer for one image: the predicted class, the softmax probability of every class, and the
 * {@code k} most probable classes.
 *
 * @param index         the predicted class index (the arg-max of the logits; the lower index wins a tie)
 * @param label         its name
 * @param probability   its probability
 * @param top           the {@code k} most probable classes, most probable first
 * @param probabilities softmax of the logits, one per class in class order (sums to 1)
 */
public record Prediction(int index, String label, double probability, List<ClassScore> top, double[] probabilities) {

    /** One class and its probability. */
    public record ClassScore(int index, String label, double probability) {}

    /** How many classes {@link #top()} holds by default. */
    public static final int DEFAULT_TOP = 5;

    /**
     * The prediction for one row of logits: probabilities = softmax(logits) in float64 (shifted by the maximum),
     * top-k sorted by probability (ties: lower index first).
     */
    public static Prediction of(float[] logits, List<String> classNames, int k) {
        int c = logits.length;
        if (c != classNames.size())
            throw new IllegalArgumentException("Prediction: " + c + " logits for " + classNames.size() + " classes");
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) max = Math.max(max, v);
        double[] p = new double[c];
        double sum = 0;
        for (int i = 0; i < c; i++) sum += p[i] = Math.exp(logits[i] - max);
        for (int i = 0; i < c; i++) p[i] /= sum;
        Integer[] order = new Integer[c];
        for (int i = 0; i < c; i++) order[i] = i;
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -logits[i]).thenComparingInt(i -> i));
        List<ClassScore> top = new ArrayList<>();
        for (int j = 0; j < Math.min(k, c); j++) top.add(new ClassScore(order[j], classNames.get(order[j]), p[order[j]]));
        int best = order[0];
        return new Prediction(best, classNames.get(best), p[best], List.copyOf(top), p);
    }
}
