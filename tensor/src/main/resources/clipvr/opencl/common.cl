/* Shared helpers (not templated). A view is (offset, shape[rank], strides[rank]) over a flat buffer;
 * shapes and strides travel as int8 kernel arguments and are unpacked into private arrays. */
#define MAXR 8

/* storage offset (relative to the view's offset) of the row-major flat index i of a view */
inline int strided_offset(int i, int rank, const int* shape, const int* st) {
    int off = 0;
    for (int d = rank - 1; d >= 0; d--) {
        int s = shape[d];
        off += (i % s) * st[d];
        i /= s;
    }
    return off;
}

/* offset (relative to x's offset) of position i of a contiguous output of shape `shape` in a view with strides xst,
 * the coordinate on `axis` replaced by index[i] (gather: index has the output's shape) or by index[coordinate]
 * (index_select: index runs along the axis) */
inline int replaced_axis_offset(int i, int rank, const int* shape, const int* xst, int axis,
                                __global const int* index, bool per_element) {
    int off = 0, rem = i;
    for (int d = rank - 1; d >= 0; d--) {
        int pos = rem % shape[d];
        rem /= shape[d];
        off += (d == axis ? index[per_element ? i : pos] : pos) * xst[d];
    }
    return off;
}

/* strided_offset with the shape and strides still packed in int8s: ranks 1 and 2 (the common cases after the
 * host merges contiguous axes) need no private arrays */
inline int voff(int i, int rank, int8 shape, int8 st) {
    if (rank == 1) return i * st.s0;
    if (rank == 2) return (i / shape.s1) * st.s0 + (i % shape.s1) * st.s1;
    int s[MAXR], t[MAXR];
    vstore8(shape, 0, s);
    vstore8(st, 0, t);
    return strided_offset(i, rank, s, t);
}
