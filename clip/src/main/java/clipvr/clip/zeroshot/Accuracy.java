package clipvr.clip.zeroshot;

import clipvr.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Running top-1/top-5 accuracy, per-class accuracy and a confusion matrix (rows: true class, columns: predicted). */
public final class Accuracy {
    private final int classes;
    private final long[][] confusion;
    private long total, top1, top5;

    public Accuracy(int classes) {
        this.classes = classes;
        this.confusion = new long[classes][classes];
    }

    /** Adds a batch of logits [B, C] with their labels. */
    public void add(Tensor logits, int[] labels) {
        int b = logits.size(0), c = logits.size(1);
        Tensor l = logits.contiguous();
        for (int i = 0; i < b; i++) {
            double own = l.get(i, labels[i]);
            int better = 0, best = 0;
            for (int j = 0; j < c; j++) {
                double v = l.get(i, j);
                if (v > own || (v == own && j < labels[i])) better++;
                if (v > l.get(i, best)) best = j;
            }
            total++;
            if (better == 0) top1++;
            if (better < 5) top5++;
            confusion[labels[i]][best]++;
        }
    }

    public long total() { return total; }
    public double top1() { return total == 0 ? 0 : (double) top1 / total; }
    public double top5() { return total == 0 ? 0 : (double) top5 / total; }
    public long[][] confusion() { return confusion; }

    public double[] perClass() {
        double[] out = new double[classes];
        for (int c = 0; c < classes; c++) {
            long n = 0;
            for (long v : confusion[c]) n += v;
            out[c] = n == 0 ? Double.NaN : (double) confusion[c][c] / n;
        }
        return out;
    }

    /** A JSON-friendly summary. */
    public Map<String, Object> summary(List<String> classNames) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("images", total);
        m.put("top1", top1());
        m.put("top5", top5());
        Map<String, Double> pc = new LinkedHashMap<>();
        double[] p = perClass();
        for (int c = 0; c < classes; c++) pc.put(classNames.get(c), p[c]);
        m.put("per_class", pc);
        m.put("confusion", confusion);
        return m;
    }
}
