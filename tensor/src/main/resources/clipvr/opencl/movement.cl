/* Data movement that is not a strided copy.
 * gather: out[p] = x[p with p[axis] replaced by index[p]] for every position p of out (PyTorch gather);
 * out is contiguous with shape oshape; index is int32 with out's shape. */
__kernel void F(gather)(int n, int rank, int8 oshape8, int axis, __global const int* index,
                        __global const T* x, int xoff, int8 xst8, __global T* out) {
    int i = get_global_id(0);
    if (i >= n) return;
    int shape[MAXR], xst[MAXR];
    vstore8(oshape8, 0, shape); vstore8(xst8, 0, xst);
    out[i] = x[xoff + replaced_axis_offset(i, rank, shape, xst, axis, index, true)];
}

/* index_select: out = x with axis position i replaced by index[i]; out contiguous with shape oshape */
__kernel void F(index_select)(int n, int rank, int8 oshape8, int axis, __global const int* index,
                              __global const T* x, int xoff, int8 xst8, __global T* out) {
    int i = get_global_id(0);
    if (i >= n) return;
    int shape[MAXR], xst[MAXR];
    vstore8(oshape8, 0, shape); vstore8(xst8, 0, xst);
    out[i] = x[xoff + replaced_axis_offset(i, rank, shape, xst, axis, index, false)];
}

/* scatter_rows: win[r·k + index[r]] = g[goff + r] for r in [0, rows); win was zeroed (max-pool backward) */
__kernel void F(scatter_rows)(int rows, int k, __global const int* index, __global const T* g, int goff, __global T* win) {
    int r = get_global_id(0);
    if (r >= rows) return;
    win[(long)r * k + index[r]] = g[goff + r];
}

/* scatter_rows_t: scatter_rows with the index held in a device tensor of T (argmax_rows_t's output): the max-pool
 * backward without an index upload. Twin: the host loop of Pooling.maxPool2dBackward. */
__kernel void F(scatter_rows_t)(int rows, int k, __global const T* index, int ioff, __global const T* g, int goff, __global T* win) {
    int r = get_global_id(0);
    if (r >= rows) return;
    win[(long)r * k + (int)index[ioff + r]] = g[goff + r];
}

/* gather_backward: for every position p of dx [xshape], the sum of g[q] over the positions q of the index
 * (shape ishape, g contiguous with that shape) that agree with p off the axis and have index[q] == p[axis].
 * One item per dx element, summing q in order along the axis: deterministic without atomics. */
__kernel void F(gather_backward)(int n, int rank, int8 xshape8, int axis, __global const int* index, int8 ishape8,
                                 __global const T* g, int goff, __global T* dx) {
    int i = get_global_id(0);
    if (i >= n) return;
    int xs[MAXR], is[MAXR], p[MAXR];
    vstore8(xshape8, 0, xs); vstore8(ishape8, 0, is);
    int rem = i;
    for (int d = rank - 1; d >= 0; d--) { p[d] = rem % xs[d]; rem /= xs[d]; }
    T acc = 0;
    int inside = 1;
    for (int d = 0; d < rank; d++) if (d != axis && p[d] >= is[d]) inside = 0;
    if (inside) {
        int base = 0, step = 1;            /* flat position in the index of (p with p[axis] = 0), and the axis stride */
        for (int d = 0; d < rank; d++) base = base * is[d] + (d == axis ? 0 : p[d]);
        for (int d = rank - 1; d > axis; d--) step *= is[d];
        for (int j = 0; j < is[axis]; j++) {
            int q = base + j * step;
            if (index[q] == p[axis]) acc += g[goff + q];
        }
    }
    dx[i] = acc;
}
