/* Data movement that is not a strided copy.
 * gather: out[p] = x[p with p[axis] replaced by index[p]] for every position p of out (PyTorch gather);
 * out is contiguous with shape oshape; index is int32 with out's shape. */
__kernel void F(gather)(int n, int rank, int8 oshape8, int axis, __global const int* index,
                        __global const T* x, int xoff, int8 xst8, __global T* out) {
    int i = get_global_id(0);
    if (i >= n) return;
    int shape[MAXR], xst[MAXR];
    vstore8(oshape8, 0, shape); vstore8(xst8, 0, xst);
    int off = xoff, rem = i;
    for (int d = rank - 1; d >= 0; d--) {
        int pos = rem % shape[d];
        rem /= shape[d];
        off += (d == axis ? index[i] : pos) * xst[d];
    }
    out[i] = x[off];
}

/* index_select: out = x with axis position i replaced by index[i]; out contiguous with shape oshape */
__kernel void F(index_select)(int n, int rank, int8 oshape8, int axis, __global const int* index,
                              __global const T* x, int xoff, int8 xst8, __global T* out) {
    int i = get_global_id(0);
    if (i >= n) return;
    int shape[MAXR], xst[MAXR];
    vstore8(oshape8, 0, shape); vstore8(xst8, 0, xst);
    int off = xoff, rem = i;
    for (int d = rank - 1; d >= 0; d--) {
        int pos = rem % shape[d];
        rem /= shape[d];
        off += (d == axis ? index[pos] : pos) * xst[d];
    }
    out[i] = x[off];
}

/* scatter_rows: win[r·k + index[r]] = g[goff + r] for r in [0, rows); win was zeroed (max-pool backward) */
__kernel void F(scatter_rows)(int rows, int k, __global const int* index, __global const T* g, int goff, __global T* win) {
    int r = get_global_id(0);
    if (r >= rows) return;
    win[(long)r * k + index[r]] = g[goff + r];
}
