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
        sum(x, xo, null, 0, null, 0, null, 0, R, C, out, oo);
    }

    /**
     * LayerNorm's weight gradient without its [R, C] buffer: out[oo + c] = Σ_r ((x[r, c] − μ[r])·rstd[r])·g[r, c], x and g
     * row-major [R, C], μ and rstd [R]. Each term is made by the same three float operations as materialising
     * (x − μ)·rstd and multiplying by g, and the terms are added in {@link #sum(float[], int, int, int, float[], int)}'s
     * order, so the result has the bits of that buffer's column sums (its twin, which the tests compare).
     */
    public static void sumOfGradXhat(float[] x, int xo, float[] g, int go, float[] mean, int mo, float[] rstd, int ro,
                                     int R, int C, float[] out, int oo) {
        sum(x, xo, g, go, mean, mo, rstd, ro, R, C, out, oo);
    }

    /** The loop of both: term(r, c) = x[r, c], or with g != null ((x[r, c] − μ[r])·rstd[r])·g[r, c]. */
    private static void sum(float[] x, int xo, float[] g, int go, float[] mean, int mo, float[] rstd, int ro,
                            int R, int C, float[] out, int oo) {
        int L = SimdKernels.L;
        int full = R / L * L;                                     // rows taken by the vector lanes; the rest is the tail
        // threads take disjoint blocks of L columns
        int blocks = (C + L - 1) / L;
        Parallel.forRange(blocks, (long) R * L, (from, to) -> {
            int c0 = from * L, c1 = Math.min(C, to * L), w = c1 - c0;
            float[] acc = new float[L * w];                       // acc[k·w + (c - c0)]: lane k of column c
            for (int r = 0; r < full; r++) {
                int k = r % L, row = xo + r * C, grow = go + r * C;
                int a = k * w, c = c0;
                if (g == null) {
                    for (; c <= c1 - L; c += L, a += L)
                        FloatVector.fromArray(SimdKernels.S, acc, a).add(FloatVector.fromArray(SimdKernels.S, x, row + c)).intoArray(acc, a);
                    for (; c < c1; c++, a++) acc[a] += x[row + c];
                } else {
                    float mu = mean[mo + r], rs = rstd[ro + r];
                    for (; c <= c1 - L; c += L, a += L) {
                        FloatVector t = FloatVector.fromArray(SimdKernels.S, x, row + c).sub(mu).mul(rs)
                                .mul(FloatVector.fromArray(SimdKernels.S, g, grow + c));     // ((x − μ)·rstd)·g
                        FloatVector.fromArray(SimdKernels.S, acc, a).add(t).intoArray(acc, a);
                    }
                    for (; c < c1; c++, a++) acc[a] += (x[row + c] - mu) * rs * g[grow + c];
                }
            }
            for (int c = c0; c < c1; c++) {
                float s = 0f;                                     // addLanes: lanes added in order 0..L-1
                for (int k = 0; k < L; k++) s += acc[k * w + (c - c0)];
                for (int r = full; r < R; r++)                    // then the tail rows in order
                    s += g == null ? x[xo + r * C + c] : (x[xo + r * C + c] - mean[mo + r]) * rstd[ro + r] * g[go + r * C + c];
                out[oo + c] = s;
            }
        });
    }
}
