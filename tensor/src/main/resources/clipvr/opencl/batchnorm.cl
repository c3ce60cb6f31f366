/* Fused batch norm, forward and backward, over a contiguous x [N, C, H, W] seen as [N, C, hw]: one work-group of WG
 * items per channel c. The channel's m = N·hw values are visited by flat index t = b·hw + s (element
 * (b·C + c)·hw + s), item lid taking t = lid, lid + WG, ... in order, then group_reduce's fixed tree (rows.cl):
 * bitwise repeatable, no atomics. Twins: the compositions in clipvr.tensor.ops.BatchNorm (mean, var, sub, mul, add
 * and sum kernels), which stay the CPU's implementation. */

inline long F(bn_at)(int t, int c, int C, int hw) { return ((long)(t / hw) * C + c) * hw + t % hw; }

/* training = 1: μ and the biased σ² of the batch (two passes), and, with hasRunning, in place
 *     rm ← rm·(1 - mom) + μ·mom,   rv ← rv·(1 - mom) + σ²·unbias·mom    (unbias = m/(m-1))
 * training = 0: μ = rm[c], σ² = rv[c].
 * Then y = (x - μ)·rstd·w + b with rstd = 1/√(σ² + eps); mean[c] = μ and rstd[c] are kept for the backward.
 * twin: BatchNorm.composition */
__kernel void F(batchnorm_forward)(int C, int hw, int m, int training, T momentum, T unbias, T eps,
                                   __global const T* x, int xoff, __global const T* w, int woff, int hasW,
                                   __global const T* b, int boff, int hasB,
                                   __global T* rm, int rmoff, __global T* rv, int rvoff, int hasRunning,
                                   __global T* y, int yoff, __global T* mean, int moff, __global T* rstd, int roff,
                                   __local T* sh) {
    int c = get_group_id(0), lid = get_local_id(0);
    /* The batch statistics; in eval mode the loops are empty, but every item still passes the same barriers (a barrier
     * under a uniform branch was legal but gave garbage in items other than 0 on PoCL 3.1 when the running statistics
     * were written). */
    int mt = training ? m : 0;
    T s = 0;
    for (int t = lid; t < mt; t += WG) s += x[xoff + F(bn_at)(t, c, C, hw)];
    sh[lid] = s;
    T bmu = F(group_reduce)(sh, 0) / m;
    T v = 0;
    for (int t = lid; t < mt; t += WG) { T d = x[xoff + F(bn_at)(t, c, C, hw)] - bmu; v += d * d; }
    sh[lid] = v;
    T bvar = F(group_reduce)(sh, 0) / m;
    T mu = training ? bmu : rm[rmoff + c], var = training ? bvar : rv[rvoff + c];
    if (training && hasRunning && lid == 0) {
        rm[rmoff + c] = rm[rmoff + c] * ((T)1 - momentum) + mu * momentum;
        rv[rvoff + c] = rv[rvoff + c] * ((T)1 - momentum) + (var * unbias) * momentum;
    }
    T rs = (T)1 / sqrt(var + eps);
    T wc = hasW ? w[woff + c] : (T)1, bc = hasB ? b[boff + c] : (T)0;
    for (int t = lid; t < m; t += WG) {
        long at = F(bn_at)(t, c, C, hw);
        T z = (x[xoff + at] - mu) * rs;
        if (hasW) z = z * wc;
        if (hasB) z = z + bc;
        y[yoff + at] = z;
    }
    if (lid == 0) { mean[moff + c] = mu; rstd[roff + c] = rs; }
}

/* With x̂ = (x - μ)·rstd, d = g·w, and the channel sums Σg, Σg·x̂:
 *     dw[c] = Σ g·x̂,   db[c] = Σ g
 *     training: dx = (d - mean(d) - x̂·mean(d·x̂))·rstd,  mean(d) = w·Σg/m, mean(d·x̂) = w·Σg·x̂/m  (μ, σ² depend on x)
 *     eval:     dx = d·rstd                                                                   (they are constants)
 * One pass for the sums, one for dx (needDx = 0 skips it). twin: BatchNorm.backwardComposition */
__kernel void F(batchnorm_backward)(int C, int hw, int m, int training, __global const T* x, int xoff,
                                    __global const T* g, int goff, __global const T* w, int woff, int hasW,
                                    __global const T* mean, int moff, __global const T* rstd, int roff,
                                    int needDx, __global T* dx, int dxoff, __global T* dw, int dwoff, __global T* db, int dboff,
                                    __local T* sh) {
    int c = get_group_id(0), lid = get_local_id(0);
    T mu = mean[moff + c], rs = rstd[roff + c], wc = hasW ? w[woff + c] : (T)1;
    T sg = 0, sgx = 0;
    for (int t = lid; t < m; t += WG) {
        long at = F(bn_at)(t, c, C, hw);
        T gv = g[goff + at];
        sg += gv;
        sgx += gv * ((x[xoff + at] - mu) * rs);
    }
    sh[lid] = sg;
    sg = F(group_reduce)(sh, 0);
    sh[lid] = sgx;
    sgx = F(group_reduce)(sh, 0);
    if (lid == 0) { dw[dwoff + c] = sgx; db[dboff + c] = sg; }
    if (!needDx) return;
    T m1 = wc * sg / m, m2 = wc * sgx / m;
    for (int t = lid; t < m; t += WG) {
        long at = F(bn_at)(t, c, C, hw);
        T d = g[goff + at] * wc;
        dx[dxoff + at] = training ? (d - m1 - ((x[xoff + at] - mu) * rs) * m2) * rs : d * rs;
    }
}
