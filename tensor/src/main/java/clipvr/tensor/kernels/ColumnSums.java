package clipvr.tensor.kernels;

import jdk.incubator.vector.FloatVector;

/**
 * Column sums of a row-major float32 matrix, out[c] = Σ_r x[r, c] for x [R, C]: the reduction over leading
 * axes that every bias gradient needs (dL/db = Σ over the batch and positions of the output gradient).
 *
 * <p>The generic route permutes the reduced axis last, copies the transposed matrix, and sums each row
 * with {@link SimdKernels#reduceRows}: per column, lane k of a vector accumulator adds rows k, k+L, k+2L, ...
 * in order, the L lanes are then added in lane order ({@link SimdKernels#addLanes}) and the R mod L tail rows
 * one by one. This kernel performs exactly those float additions in exactly that order, but reads x in
 * place, row by row (vectors run along the columns): L accumulator rows acc[k][c], one per lane k. So it
 * gives the same bits as the generic route without the transposed copy. Its twin is that route
 * ({@code -Dclipvr.kernels=reference} takes it, and the tests compare the two bit for bit).
 */
public final class ColumnSums {
    private ColumnSums() {}

    /** Smallest column count for which the in-place kernel is used (narrower matrices take the generic route). */
    public static final int MIN_COLUMNS = SimdKernels.L;

    /** out[oo + c] = Σ_r x[xo + r·C + c] for r in [0, R), c in [0, C); same bits as the transposed reduceRows. */
    public static void sum(float[] x, int xo, int R, int C, float[] out, int oo) {
        int L = SimdKernels.L;
        int full = R / L * L;                                     // rows taken by the vector lanes; the rest is the tail
        // threads take disjoint blocks of L columns
        int blocks = (C + L - 1) / L;
        Parallel.forRange(blocks, (long) R * L, (from, to) -> {
            int c0 = from * L, c1 = Math.min(C, to * L), w = c1 - c0;
            float[] acc = new float[L * w];                       // acc[k·w + (c - c0)]: lane k of column c
            for (int r = 0; r < full; r++) {
                int k = r % L, row = xo + r * C;
                int a = k * w, c = c0;
                for (; c <= c1 - L; c += L, a += L)
                    FloatVector.fromArray(SimdKernels.S, acc, a).add(FloatVector.fromArray(SimdKernels.S, x, row + c)).intoArray(acc, a);
                for (; c < c1; c++, a++) acc[a] += x[row + c];
            }
            for (int c = c0; c < c1; c++) {
                float s = 0f;                                     // addLanes: lanes added in order 0..L-1
                for (int k = 0; k < L; k++) s += acc[k * w + (c - c0)];
                for (int r = full; r < R; r++) s += x[xo + r * C + c];   // then the tail rows in order
                out[oo + c] = s;
            }
        });
    }
}
