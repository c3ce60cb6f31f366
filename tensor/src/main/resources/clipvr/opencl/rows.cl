/* Row kernels: a contiguous [rows, n] matrix, one work-group of WG items per row. Each item folds the
 * elements j = lid, lid + WG, ... in order, then a fixed-shape tree combines the WG partial results, so
 * results are bitwise reproducible on a given device. Twins: ReferenceKernels.reduceRows, softmaxRows,
 * layerNormRows, layerNormBackwardRows, argmaxRows. */
#ifndef WG
#define WG 64
#endif

/* kind 0 = sum, 1 = max, 2 = min; max/min propagate NaN like the reference */
inline T F(combine)(int kind, T acc, T v) {
    if (kind == 0) return acc + v;
    if (kind == 1) return (v > acc || isnan(v)) ? v : acc;
    return (v < acc || isnan(v)) ? v : acc;
}

/* reduces sh[0..WG) into the returned value; every item gets it; sh may be reused afterwards */
inline T F(group_reduce)(__local T* sh, int kind) {
    int lid = get_local_id(0);
    for (int s = WG / 2; s > 0; s >>= 1) {
        barrier(CLK_LOCAL_MEM_FENCE);
        if (lid < s) sh[lid] = F(combine)(kind, sh[lid], sh[lid + s]);
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    T r = sh[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return r;
}

inline T F(identity)(int kind) { return kind == 0 ? (T)0 : kind == 1 ? (T)-INFINITY : (T)INFINITY; }

__kernel void F(reduce_rows)(int op, int n, __global const T* x, int xoff, __global T* out, int outoff, __local T* sh) {
    int r = get_group_id(0), lid = get_local_id(0);
    __global const T* row = x + xoff + (long)r * n;
    T acc = F(identity)(op);
    for (int j = lid; j < n; j += WG) acc = F(combine)(op, acc, row[j]);
    sh[lid] = acc;
    T total = F(group_reduce)(sh, op);
    if (lid == 0) out[outoff + r] = total;
}

/* b is better than a: larger, or NaN over non-NaN, or equal (or both NaN) with a smaller index */
inline int F(argmax_better)(T vb, int ib, T va, int ia) {
    if (isnan(va)) return isnan(vb) && ib < ia;
    if (isnan(vb)) return 1;
    return vb > va || (vb == va && ib < ia);
}

/* The argmax of row r (one work-group per row), as every work-item of the group sees it after the reduction. */
inline int F(argmax_row)(int n, __global const T* x, int xoff, int r, __local T* sv, __local int* si) {
    int lid = get_local_id(0);
    __global const T* row = x + xoff + (long)r * n;
    T bv = (T)-INFINITY;
    int bi = 0x7fffffff;
    for (int j = lid; j < n; j += WG) if (F(argmax_better)(row[j], j, bv, bi)) { bv = row[j]; bi = j; }
    sv[lid] = bv; si[lid] = bi;
    for (int s = WG / 2; s > 0; s >>= 1) {
        barrier(CLK_LOCAL_MEM_FENCE);
        if (lid < s && F(argmax_better)(sv[lid + s], si[lid + s], sv[lid], si[lid])) { sv[lid] = sv[lid + s]; si[lid] = si[lid + s]; }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    return si[0] == 0x7fffffff ? 0 : si[0];
}

__kernel void F(argmax_rows)(int n, __global const T* x, int xoff, __global int* out, __local T* sv, __local int* si) {
    int r = get_group_id(0);
    int a = F(argmax_row)(n, x, xoff, r, sv, si);
    if (get_local_id(0) == 0) out[r] = a;
}

/* softmax(x)_j = exp(x_j - max) / Σ exp(x_i - max); log-softmax = x_j - max - log Σ exp(x_i - max) */
__kernel void F(softmax_rows)(int n, int logmode, __global const T* x, int xoff, __global T* out, int outoff, __local T* sh) {
    int r = get_group_id(0), lid = get_local_id(0);
    __global const T* row = x + xoff + (long)r * n;
    __global T* orow = out + outoff + (long)r * n;
    T mx = (T)-INFINITY;
    for (int j = lid; j < n; j += WG) mx = fmax(mx, row[j]);
    sh[lid] = mx;
    mx = F(group_reduce)(sh, 1);
    if (mx == (T)-INFINITY) mx = 0;                     /* a fully masked row: avoid inf - inf */
    T sum = 0;
    for (int j = lid; j < n; j += WG) sum += exp(row[j] - mx);
    sh[lid] = sum;
    sum = F(group_reduce)(sh, 0);
    T logSum = log(sum);
    for (int j = lid; j < n; j += WG) {
        T z = row[j] - mx;
        orow[j] = logmode ? z - logSum : exp(z) / sum;
    }
}

/* y = (x - μ)·rstd·w + b, rstd = 1/sqrt(σ² + eps), σ² the biased variance (two passes) */
__kernel void F(layernorm_rows)(int n, T eps, __global const T* x, int xoff, __global const T* w, int woff, int hasW,
                                __global const T* b, int boff, int hasB, __global T* out, int outoff,
                                __global T* mean, int moff, __global T* rstd, int roff, __local T* sh) {
    int r = get_group_id(0), lid = get_local_id(0);
    __global const T* row = x + xoff + (long)r * n;
    __global T* orow = out + outoff + (long)r * n;
    T s = 0;
    for (int j = lid; j < n; j += WG) s += row[j];
    sh[lid] = s;
    T mu = F(group_reduce)(sh, 0) / n;
    T v = 0;
    for (int j = lid; j < n; j += WG) { T c = row[j] - mu; v += c * c; }
    sh[lid] = v;
    T var = F(group_reduce)(sh, 0) / n;
    T rs = (T)1 / sqrt(var + eps);
    for (int j = lid; j < n; j += WG) {
        T y = (row[j] - mu) * rs;
        if (hasW) y *= w[woff + j];
        if (hasB) y += b[boff + j];
        orow[j] = y;
    }
    if (lid == 0) { mean[moff + r] = mu; rstd[roff + r] = rs; }
}

/* dx = rstd·(d - mean(d) - x̂·mean(d·x̂)) with x̂ = (x - μ)·rstd and d = g·w */
__kernel void F(layernorm_backward_rows)(int n, __global const T* x, int xoff, __global const T* g, int goff,
                                         __global const T* w, int woff, int hasW, __global const T* mean, int moff,
                                         __global const T* rstd, int roff, __global T* dx, int dxoff, __local T* sh) {
    int r = get_group_id(0), lid = get_local_id(0);
    __global const T* xr = x + xoff + (long)r * n;
    __global const T* gr = g + goff + (long)r * n;
    __global T* dr = dx + dxoff + (long)r * n;
    T mu = mean[moff + r], rs = rstd[roff + r];
    T m1 = 0, m2 = 0;
    for (int j = lid; j < n; j += WG) {
        T dj = gr[j] * (hasW ? w[woff + j] : (T)1);
        T xhat = (xr[j] - mu) * rs;
        m1 += dj;
        m2 += dj * xhat;
    }
    sh[lid] = m1;
    m1 = F(group_reduce)(sh, 0) / n;
    sh[lid] = m2;
    m2 = F(group_reduce)(sh, 0) / n;
    for (int j = lid; j < n; j += WG) {
        T dj = gr[j] * (hasW ? w[woff + j] : (T)1);
        T xhat = (xr[j] - mu) * rs;
        dr[j] = rs * (dj - m1 - xhat * m2);
    }
}

/* argmax_rows_t: argmax_rows with the index written as a T into a device tensor (exact: k < 2^24), so a max-pool keeps
 * its argmax on the device for its backward pass instead of reading it back. Twin: ReferenceKernels.argmaxRows. */
__kernel void F(argmax_rows_t)(int n, __global const T* x, int xoff, __global T* out, int outoff, __local T* sv, __local int* si) {
    int r = get_group_id(0);
    int a = F(argmax_row)(n, x, xoff, r, sv, si);
    if (get_local_id(0) == 0) out[outoff + r] = (T)a;
}

/* Top-k mean of each row of a contiguous [rows, n] matrix: out[r] = (1/k)·Σ of the k largest x[r, ·], ranked by value
 * then lower index first (argmax_better's order, NaN largest, as Double.compare). One work-item per row (n is small:
 * AttrVR's descriptions per class); the k values are found largest first and summed in that order, as the twin
 * (Indexing.topk, then mean) sums the sorted values. */
__kernel void F(topk_mean_rows)(int rows, int n, int k, __global const T* x, int xoff, __global T* out, int outoff) {
    int r = get_global_id(0);
    if (r >= rows) return;
    __global const T* row = x + xoff + (long)r * n;
    T lastV = 0, sum = 0;
    int lastI = -1;
    for (int t = 0; t < k; t++) {                    /* the t-th largest: the best element ranked after the (t-1)-th */
        T bv = 0;
        int bi = -1;
        for (int j = 0; j < n; j++) {
            if (lastI >= 0 && !F(argmax_better)(lastV, lastI, row[j], j)) continue;    /* not after the last chosen */
            if (bi < 0 || F(argmax_better)(row[j], j, bv, bi)) { bv = row[j]; bi = j; }
        }
        sum += bv;
        lastV = bv; lastI = bi;
    }
    out[outoff + r] = sum / (T)k;
}

/* Its gradient: dx[r, j] = g[r]/k where x[r, j] is among the row's top k (fewer than k elements rank before it), else 0.
 * One work-item per element; the selection is recomputed from x, so nothing is kept between the passes.
 * Twin: the adjoint of gather (Select.topk) followed by the mean's backward. */
__kernel void F(topk_mean_backward_rows)(int rows, int n, int k, __global const T* x, int xoff, __global const T* g, int goff,
                                         __global T* dx, int doff) {
    int i = get_global_id(0);
    if (i >= rows * n) return;
    int r = i / n, j = i % n;
    __global const T* row = x + xoff + (long)r * n;
    int before = 0;
    for (int q = 0; q < n; q++) if (q != j && F(argmax_better)(row[q], q, row[j], j)) before++;
    dx[doff + i] = before < k ? g[goff + r] / (T)k : (T)0;
}
