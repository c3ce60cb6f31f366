/* Fused kernels: several elementwise steps in one pass over memory. Each has a readable twin, the unfused
 * composition of the existing ops (clipvr.tensor.ops.Fused on the CPU), which the tests hold it to.
 * One work-item per element; every operand contiguous. Uses F(sigmoid) from elementwise.cl. */

/* out[r, j] = h·σ(1.702h), h = x[r, j] + bias[j]        x, out [rows, n]; bias [n] (hasBias = 0: none)
 * twin: x.add(bias).unary(QUICK_GELU) */
__kernel void F(bias_quick_gelu)(int total, int n, __global const T* x, int xoff, __global const T* bias, int boff, int hasBias,
                                 __global T* out, int ooff) {
    int i = get_global_id(0);
    if (i >= total) return;
    T h = x[xoff + i] + (hasBias ? bias[boff + i % n] : (T)0);
    out[ooff + i] = h * F(sigmoid)((T)1.702 * h);
}

/* dh[r, j] = g[r, j] · (σ + 1.702·h·σ(1-σ)), σ = σ(1.702h), h = x[r, j] + bias[j]: the gradient of QuickGELU(x + bias)
 * with respect to x (and, summed over rows by the caller, bias).  twin: g.mul(x.add(bias).unary(QUICK_GELU_GRAD)) */
__kernel void F(bias_quick_gelu_backward)(int total, int n, __global const T* x, int xoff, __global const T* bias, int boff, int hasBias,
                                          __global const T* g, int goff, __global T* dh, int doff) {
    int i = get_global_id(0);
    if (i >= total) return;
    T h = x[xoff + i] + (hasBias ? bias[boff + i % n] : (T)0);
    T s = F(sigmoid)((T)1.702 * h);
    dh[doff + i] = g[goff + i] * (s + (T)1.702 * h * s * ((T)1 - s));
}

/* One Adam / AdamW update of θ, m, v in place (torch.optim semantics; the twin is clipvr.autograd.optim.Adam's
 * composition of scale, axpy, sqrt and divide kernels):
 *   decoupled: θ ← θ·keep  (keep = 1 - lr·wd)          else: g ← g + wd·θ
 *   m ← β₁·m + (1-β₁)·g,  v ← β₂·v + (1-β₂)·g²
 *   θ ← θ - step · m / (√v / √bc2 + eps)                step = lr / bc1 */
__kernel void F(adam_update)(int total, __global T* theta, int toff, __global const T* grad, int goff,
                             __global T* m, int moff, __global T* v, int voff_,
                             T beta1, T oneMinusBeta1, T beta2, T oneMinusBeta2, T wd, int decoupled, T keep,
                             T sqrtBc2, T eps, T step) {
    int i = get_global_id(0);
    if (i >= total) return;
    T th = theta[toff + i], g = grad[goff + i];
    if (wd != (T)0) {
        if (decoupled) th = th * keep;
        else g = g + th * wd;
    }
    T mi = m[moff + i] * beta1 + g * oneMinusBeta1;
    T vi = v[voff_ + i] * beta2 + (g * g) * oneMinusBeta2;
    m[moff + i] = mi;
    v[voff_ + i] = vi;
    theta[toff + i] = th + (mi / (sqrt(vi) / sqrtBc2 + eps)) * -step;
}
