package clipvr.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Direct float32 convolution for stride-1 convolutions with few channels (the SMM mask network's
 * 3×3 convs), where im2col + GEMM has too small a K and N to be efficient:
 * out[n,o,y,x] = b[o] + Σ_c Σ_ky Σ_kx w[o,c,ky,kx] · xpad[n,c,y+ky,x+kx].
 *
 * <p>The input is copied once into a zero-padded buffer whose rows are wide enough that every vector
 * load is in bounds (no masks, no boundary cases). Each work item is one output row (n, y) for all
 * output channels: blocks of 4 output channels × 2 (then 1) vectors along x are accumulated in
 * registers with {@code fma} against broadcast weights, in the fixed order (c, ky, kx) starting from
 * the bias, so the result does not depend on the thread count. The readable twin is
 * {@code Convolution.conv2dDirect}.
 */
public final class DirectConv {
    private DirectConv() {}

    static final VectorSpecies<Float> S = SimdKernels.S;
    static final int L = S.length();
    static final int OB = 4;   // output channels per register block

    /**
     * Stride-1 convolution of contiguous x [n, c, h, w] (offset xOff) with contiguous weight
     * [o, c, kh, kw] (offset wOff) and optional bias [o] (bias null), padding (ph, pw), into the
     * contiguous NCHW result out [n, o, ho, wo] (offset 0).
     */
    public static void conv2d(float[] x, int xOff, int n, int c, int h, int w,
                              float[] wt, int wOff, int o, int kh, int kw,
                              float[] bias, int bOff, int ph, int pw, float[] out) {
        int ho = h + 2 * ph - kh + 1, wo = w + 2 * pw - kw + 1;
        int wr = (wo + L - 1) / L * L;           // output row width rounded up to whole vectors
        int wp = wr + kw - 1;                    // padded input row stride: loads up to x0 + kx + L ≤ wp
        int hp = h + 2 * ph;
        int plane = hp * wp;
        int k = c * kh * kw;
        // zero-padded input copy [n, c, hp, wp]
        float[] xp = new float[n * c * plane];
        Parallel.forRange(n * c, (long) h * w, (p0, p1) -> {
            for (int p = p0; p < p1; p++)
                for (int y = 0; y < h; y++)
                    System.arraycopy(x, xOff + (p * h + y) * w, xp, p * plane + (y + ph) * wp + pw, w);
        });
        // weights regrouped as [o/OB][k][OB] (zero rows for missing channels), offsets of each k within a plane
        int ob = (o + OB - 1) / OB;
        float[] wb = new float[ob * k * OB];
        for (int oc = 0; oc < o; oc++)
            for (int kk = 0; kk < k; kk++)
                wb[((oc / OB) * k + kk) * OB + oc % OB] = wt[wOff + oc * k + kk];
        int[] koff = new int[k];
        for (int ic = 0, kk = 0; ic < c; ic++)
            for (int ky = 0; ky < kh; ky++)
                for (int kx = 0; kx < kw; kx++) koff[kk++] = ic * plane + ky * wp + kx;
        float[] bb = new float[ob * OB];
        if (bias != null) System.arraycopy(bias, bOff, bb, 0, o);
        Parallel.forRange(n * ho, (long) o * k * wo, (r0, r1) -> {
            float[] row = new float[OB * wr];
            for (int r = r0; r < r1; r++) {
                int b = r / ho, y = r % ho;
                int base = b * c * plane + y * wp;
                for (int blk = 0; blk < ob; blk++) {
                    block(xp, base, koff, wb, blk * k * OB, bb, blk * OB, k, wr, row);
                    for (int j = 0; j < OB && blk * OB + j < o; j++)
                        System.arraycopy(row, j * wr, out, ((b * o + blk * OB + j) * ho + y) * wo, wo);
                }
            }
        });
    }

    /** One output row for OB channels: row[j·wr + x] for x in [0, wr). */
    private static void block(float[] xp, int base, int[] koff, float[] wb, int wbOff, float[] bb, int bbOff,
                              int k, int wr, float[] row) {
        FloatVector b0 = FloatVector.broadcast(S, bb[bbOff]), b1 = FloatVector.broadcast(S, bb[bbOff + 1]);
        FloatVector b2 = FloatVector.broadcast(S, bb[bbOff + 2]), b3 = FloatVector.broadcast(S, bb[bbOff + 3]);
        int x0 = 0;
        for (; x0 + 2 * L <= wr; x0 += 2 * L) {
            FloatVector a00 = b0, a10 = b1, a20 = b2, a30 = b3;
            FloatVector a01 = b0, a11 = b1, a21 = b2, a31 = b3;
            int bx = base + x0;
            for (int kk = 0, q = wbOff; kk < k; kk++, q += OB) {
                int a = bx + koff[kk];
                FloatVector v0 = FloatVector.fromArray(S, xp, a), v1 = FloatVector.fromArray(S, xp, a + L);
                FloatVector w0 = FloatVector.broadcast(S, wb[q]), w1 = FloatVector.broadcast(S, wb[q + 1]);
                FloatVector w2 = FloatVector.broadcast(S, wb[q + 2]), w3 = FloatVector.broadcast(S, wb[q + 3]);
                a00 = v0.fma(w0, a00); a01 = v1.fma(w0, a01);
                a10 = v0.fma(w1, a10); a11 = v1.fma(w1, a11);
                a20 = v0.fma(w2, a20); a21 = v1.fma(w2, a21);
                a30 = v0.fma(w3, a30); a31 = v1.fma(w3, a31);
            }
            a00.intoArray(row, x0); a01.intoArray(row, x0 + L);
            a10.intoArray(row, wr + x0); a11.intoArray(row, wr + x0 + L);
            a20.intoArray(row, 2 * wr + x0); a21.intoArray(row, 2 * wr + x0 + L);
            a30.intoArray(row, 3 * wr + x0); a31.intoArray(row, 3 * wr + x0 + L);
        }
        for (; x0 < wr; x0 += L) {
            FloatVector a0 = b0, a1 = b1, a2 = b2, a3 = b3;
            int bx = base + x0;
            for (int kk = 0, q = wbOff; kk < k; kk++, q += OB) {
                FloatVector v = FloatVector.fromArray(S, xp, bx + koff[kk]);
                a0 = v.fma(FloatVector.broadcast(S, wb[q]), a0);
                a1 = v.fma(FloatVector.broadcast(S, wb[q + 1]), a1);
                a2 = v.fma(FloatVector.broadcast(S, wb[q + 2]), a2);
                a3 = v.fma(FloatVector.broadcast(S, wb[q + 3]), a3);
            }
            a0.intoArray(row, x0); a1.intoArray(row, wr + x0);
            a2.intoArray(row, 2 * wr + x0); a3.intoArray(row, 3 * wr + x0);
        }
    }

    /**
     * dL/dx of a stride-1 convolution as a direct convolution: dx = g (padded by kh-1-ph, kw-1-pw) ∗ w',
     * w'[c,o,ky,kx] = w[o,c,kh-1-ky,kw-1-kx]. Needs ph ≤ kh-1 and pw ≤ kw-1. g contiguous [n, o, ho, wo],
     * w contiguous [o, c, kh, kw], result dx contiguous [n, c, h, w].
     */
    public static void conv2dBackwardInput(float[] g, int gOff, int n, int o, int ho, int wo,
                                           float[] wt, int wOff, int c, int kh, int kw, int ph, int pw, float[] dx) {
        float[] wf = new float[c * o * kh * kw];
        for (int oc = 0; oc < o; oc++)
            for (int ic = 0; ic < c; ic++)
                for (int ky = 0; ky < kh; ky++)
                    for (int kx = 0; kx < kw; kx++)
                        wf[((ic * o + oc) * kh + kh - 1 - ky) * kw + kw - 1 - kx] = wt[wOff + ((oc * c + ic) * kh + ky) * kw + kx];
        conv2d(g, gOff, n, o, ho, wo, wf, 0, c, kh, kw, null, 0, kh - 1 - ph, kw - 1 - pw, dx);
    }

    /**
     * dL/dW[o,c,ky,kx] = Σ_n Σ_y Σ_x g[n,o,y,x] · xpad[n,c,y+ky,x+kx] for a stride-1 convolution with kw = 3.
     * g contiguous [n, o, ho, wo], x contiguous [n, c, h, w], result dw contiguous [o, c, kh, 3].
     * Pairs of output channels are split over threads; each pair accumulates, row by row in a fixed
     * order, into per-lane partial sums that are reduced at the end in lane order (so the result does not
     * depend on the thread count, nor on JIT warm-up: reduceLanes(ADD) is unordered, see SimdKernels.addLanes).
     */
    public static void conv2dBackwardWeight(float[] g, int gOff, float[] x, int xOff, int n, int c, int h, int w,
                                            int o, int kh, int kw, int ph, int pw, float[] dw) {
        if (kw != 3) throw new IllegalArgumentException("conv2dBackwardWeight: direct kernel needs kw = 3");
        int ho = h + 2 * ph - kh + 1, wo = w + 2 * pw - kw + 1;
        int nv = (wo + L - 1) / L, wr = nv * L, wp = wr + kw - 1, hp = h + 2 * ph, plane = hp * wp;
        float[] xp = new float[n * c * plane];
        Parallel.forRange(n * c, (long) h * w, (p0, p1) -> {
            for (int p = p0; p < p1; p++)
                for (int y = 0; y < h; y++)
                    System.arraycopy(x, xOff + (p * h + y) * w, xp, p * plane + (y + ph) * wp + pw, w);
        });
        // g rows as full vectors: g itself when wo is a multiple of L, else a copy with zeroed row tails
        boolean ragged = wo % L != 0;
        float[] gs;
        int gsOff;
        if (ragged) {
            float[] gp = new float[n * o * ho * wr];
            Parallel.forRange(n * o, (long) ho * wo, (p0, p1) -> {
                for (int p = p0; p < p1; p++)
                    for (int y = 0; y < ho; y++)
                        System.arraycopy(g, gOff + (p * ho + y) * wo, gp, (p * ho + y) * wr, wo);
            });
            gs = gp;
            gsOff = 0;
        } else {
            gs = g;
            gsOff = gOff;
        }
        VectorMask<Float> tail = S.indexInRange(0, wo - (nv - 1) * L);   // lanes of the last vector inside the row
        int pairs = (o + 1) / 2, per = 2 * kw * L;
        Parallel.forRange(pairs, (long) n * ho * wo * c * kh * kw * 2, (q0, q1) -> {
            float[] acc = new float[c * kh * per];
            for (int q = q0; q < q1; q++) {
                java.util.Arrays.fill(acc, 0f);
                int o0 = 2 * q;
                for (int b = 0; b < n; b++)
                    for (int y = 0; y < ho; y++) {
                        int g0 = gsOff + ((b * o + o0) * ho + y) * wr;
                        int g1 = o0 + 1 < o ? g0 + ho * wr : g0;   // odd o: the last pair repeats its channel
                        for (int ic = 0; ic < c; ic++)
                            for (int ky = 0; ky < kh; ky++) {
                                int a = (ic * kh + ky) * per;
                                int xr = (b * c + ic) * plane + (y + ky) * wp;
                                FloatVector s00 = FloatVector.fromArray(S, acc, a), s01 = FloatVector.fromArray(S, acc, a + L),
                                        s02 = FloatVector.fromArray(S, acc, a + 2 * L), s10 = FloatVector.fromArray(S, acc, a + 3 * L),
                                        s11 = FloatVector.fromArray(S, acc, a + 4 * L), s12 = FloatVector.fromArray(S, acc, a + 5 * L);
                                for (int v = 0; v < nv; v++) {
                                    int xo = v * L;
                                    FloatVector u0 = FloatVector.fromArray(S, gs, g0 + xo), u1 = FloatVector.fromArray(S, gs, g1 + xo);
                                    FloatVector x0, x1, x2;
                                    if (v < nv - 1 || !ragged) {
                                        x0 = FloatVector.fromArray(S, xp, xr + xo);
                                        x1 = FloatVector.fromArray(S, xp, xr + xo + 1);
                                        x2 = FloatVector.fromArray(S, xp, xr + xo + 2);
                                    } else {   // lanes past the output width: g is 0 there, and x is masked to 0 (it may be inf)
                                        x0 = FloatVector.fromArray(S, xp, xr + xo, tail);
                                        x1 = FloatVector.fromArray(S, xp, xr + xo + 1, tail);
                                        x2 = FloatVector.fromArray(S, xp, xr + xo + 2, tail);
                                    }
                                    s00 = u0.fma(x0, s00); s01 = u0.fma(x1, s01); s02 = u0.fma(x2, s02);
                                    s10 = u1.fma(x0, s10); s11 = u1.fma(x1, s11); s12 = u1.fma(x2, s12);
                                }
                                s00.intoArray(acc, a); s01.intoArray(acc, a + L); s02.intoArray(acc, a + 2 * L);
                                s10.intoArray(acc, a + 3 * L); s11.intoArray(acc, a + 4 * L); s12.intoArray(acc, a + 5 * L);
                            }
                    }
                for (int j = 0; j < 2 && o0 + j < o; j++)
                    for (int ic = 0; ic < c; ic++)
                        for (int ky = 0; ky < kh; ky++)
                            for (int kx = 0; kx < kw; kx++)
                                dw[(((o0 + j) * c + ic) * kh + ky) * kw + kx] =
                                        SimdKernels.addLanes(FloatVector.fromArray(S, acc, (ic * kh + ky) * per + (j * kw + kx) * L));
            }
        });
    }
}
