/* out (type D) = x (type S) over strided views of the same shape; instantiated for every (S, D) pair. */
__kernel void COPY(int n, int rank, int8 shape8, __global D* out, int outoff, int8 outst8, __global const S* x, int xoff, int8 xst8) {
    int i = get_global_id(0);
    if (i >= n) return;
    out[outoff + voff(i, rank, shape8, outst8)] = (D) x[xoff + voff(i, rank, shape8, xst8)];
}
