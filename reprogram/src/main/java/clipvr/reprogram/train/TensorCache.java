package clipvr.reprogram.train;

import clipvr.reprogram.data.Dataset;

import java.util.Arrays;

/**
 * An evaluation set in fixed batches with the deterministic test transform. The preprocessed batches are kept in
 * memory when they fit in {@link #BUDGET_FRACTION} of the heap (evaluation runs after every epoch, and decoding plus
 * PIL-exact resizing is not free), otherwise every pass decodes again.
 */
public final class TensorCache {
    /** Share of the maximum heap the cached pixels may take. */
    public static final double BUDGET_FRACTION = 0.15;

    private final Dataset data;
    private final int[] indices;
    private final Preprocessing prep;
    private final int batch;
    private final Preprocessing.Batch[] cached;

    public TensorCache(Dataset data, int[] indices, Preprocessing prep, int batch) {
        this.data = data;
        this.indices = indices.clone();
        this.prep = prep;
        this.batch = batch;
        long bytes = 4L * 3 * prep.size() * prep.size() * indices.length;
        this.cached = bytes <= BUDGET_FRACTION * Runtime.getRuntime().maxMemory() ? new Preprocessing.Batch[batches()] : null;
    }

    public int size() { return indices.length; }

    public int batches() { return (indices.length + batch - 1) / batch; }

    /** Batch {@code b} (pixels [n, 3, s, s], labels). */
    public Preprocessing.Batch batch(int b) {
        if (cached != null && cached[b] != null) return cached[b];
        int from = b * batch, to = Math.min(indices.length, from + batch);
        Preprocessing.Batch out = prep.load(data, Arrays.copyOfRange(indices, from, to), false, 0, 0);
        if (cached != null) cached[b] = out;
        return out;
    }
}
