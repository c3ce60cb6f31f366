/* Fused attention per (batch·head) p = a·H + h (T = nq query rows, S = nk key rows):  P = softmax(Q·Kᵀ·scale + mask),  O = P·V,  and its backward.
 * Q [.., T, d], K [.., S, d], V [.., S, dv] are views with a unit column stride: row t of head p starts at
 * off + a·sa + h·sh + t·st (so the heads of a [B·T, D] projection are read in place); mask [T, S], P, O and the
 * gradients are contiguous. One work-group of WG items per output row; every sum runs in index order within an item,
 * then group_reduce's fixed tree (rows.cl): bitwise repeatable, no atomics. No barrier sits under a branch.
 * Twins: the compositions in clipvr.tensor.ops.Attention (matmulT, mul, add, softmax, matmul and their adjoints). */

inline long F(att_row)(int p, int H, int sa, int sh, int st, int t) {
    return (long)(p / H) * sa + (long)(p % H) * sh + (long)t * st;
}

/* Group r = p·nq + i: scores s_j = (q_i·k_j)·scale + mask[i, j] into P's row, then the row softmax exactly as
 * softmax_rows (max, Σ exp(s - max), exp(s - max)/Σ), then o_i[c] = Σ_j P[i, j]·v_j[c]. */
__kernel void F(attention_forward)(int H, int nq, int nk, int d, int dv, T scale,
                                   __global const T* q, int qoff, int qa, int qh, int qt,
                                   __global const T* k, int koff, int ka, int kh, int kt,
                                   __global const T* v, int voff, int va, int vh, int vt,
                                   __global const T* mask, int moff, int hasMask,
                                   __global T* P, int poff, __global T* out, int ooff, __local T* sh) {
    int r = get_group_id(0), lid = get_local_id(0);
    int p = r / nq, i = r % nq;
    __global const T* qi = q + qoff + F(att_row)(p, H, qa, qh, qt, i);
    __global T* prow = P + poff + (long)r * nk;
    T mx = (T)-INFINITY;
    for (int j = lid; j < nk; j += WG) {
        __global const T* kj = k + koff + F(att_row)(p, H, ka, kh, kt, j);
        T s = 0;
        for (int c = 0; c < d; c++) s += qi[c] * kj[c];
        s = s * scale;
        if (hasMask) s = s + mask[moff + (long)i * nk + j];
        prow[j] = s;
        mx = fmax(mx, s);
    }
    sh[lid] = mx;
    mx = F(group_reduce)(sh, 1);
    if (mx == (T)-INFINITY) mx = 0;                     /* a fully masked row: avoid inf - inf */
    T sum = 0;
    for (int j = lid; j < nk; j += WG) sum += exp(prow[j] - mx);
    sh[lid] = sum;
    sum = F(group_reduce)(sh, 0);
    for (int j = lid; j < nk; j += WG) prow[j] = exp(prow[j] - mx) / sum;
    barrier(CLK_GLOBAL_MEM_FENCE);                      /* the whole row of P, written by all items, is read below */
    for (int c = lid; c < dv; c += WG) {
        T o = 0;
        for (int j = 0; j < nk; j++) o += prow[j] * v[voff + F(att_row)(p, H, va, vh, vt, j) + c];
        out[ooff + (long)r * dv + c] = o;
    }
}

/* Backward, query side, group r = p·nq + i, upstream g [.., T, dv]:
 *     dP[i, j] = g_i·v_j,  D_i = Σ_j dP[i, j]·P[i, j] (dsum),  dS[i, j] = P[i, j]·(dP[i, j] - D_i)·scale   (softmax and scale adjoints)
 *     dq_i[c] = Σ_j dS[i, j]·k_j[c]
 * dS [.., T, S] is kept for the key side. */
__kernel void F(attention_backward_q)(int H, int nq, int nk, int d, int dv,  T scale,
                                      __global const T* k, int koff, int ka, int kh, int kt,
                                      __global const T* v, int voff, int va, int vh, int vt,
                                      __global const T* P, int poff, __global const T* g, int goff,
                                      __global T* dS, __global T* dq, __local T* sh) {
    int r = get_group_id(0), lid = get_local_id(0);
    int p = r / nq;
    __global const T* prow = P + poff + (long)r * nk;
    __global const T* gi = g + goff + (long)r * dv;
    __global T* srow = dS + (long)r * nk;
    T acc = 0;
    for (int j = lid; j < nk; j += WG) {
        __global const T* vj = v + voff + F(att_row)(p, H, va, vh, vt, j);
        T dp = 0;
        for (int c = 0; c < dv; c++) dp += gi[c] * vj[c];
        srow[j] = dp;
        acc += dp * prow[j];
    }
    sh[lid] = acc;
    T dsum = F(group_reduce)(sh, 0);
    for (int j = lid; j < nk; j += WG) srow[j] = (prow[j] * (srow[j] - dsum)) * scale;
    barrier(CLK_GLOBAL_MEM_FENCE);
    for (int c = lid; c < d; c += WG) {
        T a = 0;
        for (int j = 0; j < nk; j++) a += srow[j] * k[koff + F(att_row)(p, H, ka, kh, kt, j) + c];
        dq[(long)r * d + c] = a;
    }
}

/* Backward, key side, group r = p·nk + j:  dv_j[c] = Σ_i P[i, j]·g_i[c],  dk_j[c] = Σ_i dS[i, j]·q_i[c]. */
__kernel void F(attention_backward_kv)(int H, int nq, int nk, int d, int dv,
                                       __global const T* q, int qoff, int qa, int qh, int qt,
                                       __global const T* P, int poff, __global const T* g, int goff,
                                       __global const T* dS, __global T* dk, __global T* dvo) {
    int r = get_group_id(0), lid = get_local_id(0);
    int p = r / nk, j = r % nk;
    __global const T* pcol = P + poff + (long)p * nq * nk + j;
    __global const T* scol = dS + (long)p * nq * nk + j;
    for (int c = lid; c < dv; c += WG) {
        T a = 0;
        for (int i = 0; i < nq; i++) a += pcol[(long)i * nk] * g[goff + ((long)p * nq + i) * dv + c];
        dvo[(long)r * dv + c] = a;
    }
    for (int c = lid; c < d; c += WG) {
        T a = 0;
        for (int i = 0; i < nq; i++) a += scol[(long)i * nk] * q[qoff + F(att_row)(p, H, qa, qh, qt, i) + c];
        dk[(long)r * d + c] = a;
    }
}
