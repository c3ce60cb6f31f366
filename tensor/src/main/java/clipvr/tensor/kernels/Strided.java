package clipvr.tensor.kernels;

/**
 * Iteration over several same-shape strided operands (an output and its broadcast inputs), row by row.
 *
 * <p>Adjacent axes that are laid out contiguously in every operand are merged first, so a contiguous
 * tensor is one long row and a bias broadcast over [N, D] is N rows of length D. The body gets the
 * storage offset of each operand at the start of a row and each operand's stride along the row.
 * Rows are split over {@link Parallel} threads; every row is written by exactly one thread.
 */
public final class Strided {
    private Strided() {}

    /** Work done on one row: {@code len} elements; operand k starts at {@code off[k]} and steps by {@code step[k]}. */
    @FunctionalInterface
    public interface RowBody { void row(int len, int[] off, int[] step); }

    /**
     * Runs {@code body} over every row of {@code shape}. {@code strides[k]} and {@code offsets[k]} describe
     * operand k (strides may be 0 for broadcast axes).
     */
    public static void forEachRow(int[] shape, int[][] strides, int[] offsets, RowBody body) {
        int ops = strides.length;
        // 1. drop size-1 axes and merge axes that are contiguous in all operands
        int rank = 0;
        int[] dims = new int[Math.max(shape.length, 1)];
        int[][] st = new int[ops][Math.max(shape.length, 1)];
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 0) return;
            if (shape[d] == 1) continue;
            if (rank > 0) {
                boolean merge = true;
                for (int k = 0; k < ops; k++)
                    if (st[k][rank - 1] != strides[k][d] * shape[d]) { merge = false; break; }
                if (merge) {
                    dims[rank - 1] *= shape[d];
                    for (int k = 0; k < ops; k++) st[k][rank - 1] = strides[k][d];
                    continue;
                }
            }
            dims[rank] = shape[d];
            for (int k = 0; k < ops; k++) st[k][rank] = strides[k][d];
            rank++;
        }
        if (rank == 0) { dims[0] = 1; rank = 1; for (int k = 0; k < ops; k++) st[k][0] = 1; }
        final int r = rank, len = dims[r - 1];
        int rows = 1;
        for (int d = 0; d < r - 1; d++) rows *= dims[d];
        final int[] step = new int[ops];
        for (int k = 0; k < ops; k++) step[k] = st[k][r - 1];
        Parallel.forRange(rows, len, (from, to) -> {
            int[] off = new int[ops];
            int[] base = new int[ops];
            for (int row = from; row < to; row++) {
                // decompose the row number into indices of the outer axes
                int rem = row;
                for (int k = 0; k < ops; k++) base[k] = offsets[k];
                for (int d = r - 2; d >= 0; d--) {
                    int i = rem % dims[d];
                    rem /= dims[d];
                    for (int k = 0; k < ops; k++) base[k] += i * st[k][d];
                }
                System.arraycopy(base, 0, off, 0, ops);
                body.row(len, off, step);
            }
        });
    }
}
