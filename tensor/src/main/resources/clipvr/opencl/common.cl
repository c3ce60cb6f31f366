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
