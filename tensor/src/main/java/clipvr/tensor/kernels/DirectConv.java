package clipvr.tensor.kernels;

import jdk.incubator.vector.FloatVector;
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
}
