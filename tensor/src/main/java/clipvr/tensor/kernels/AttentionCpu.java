package clipvr.tensor.kernels;

import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Scaled dot-product attention on the CPU in float32, fused per (batch·head) and query row, with the same bits as
 * its composition ({@code clipvr.autograd.ops.Attention}: q·kᵀ, ×scale, +mask, softmax, ·v, and the adjoints of
 * those ops):
 *
 * <pre>
 *   forward, row i:   s_j  = Σ_c q_ic·k_jc  (one fma chain over c, from 0, as the GEMM micro-kernel's)
 *                     s_j  = s_j·scale + mask_ij;  p = softmax(s)  (SimdKernels.softmaxRow);  o_i = Σ_j p_ij·v_j
 *   backward, row i:  dp_j = Σ_c g_ic·v_jc;  ds_j = (p_j·(dp_j − Σ_j' dp_j'·p_j'))·scale
 *                     dq_i = Σ_j ds_j·k_j;  dk_j += ds_j·q_i;  dv_j += p_ij·g_i  (chains over i in order)
 * </pre>
 *
 * Every output element is the same chain of float operations, in the same order, as in the composition, so the
 * results are equal bit for bit whenever each of the composition's six products would run on the packed GEMM path
 * in one K block ({@link #applies}: more than 4 rows, more than {@code Gemm.SMALL_WORK} multiply-adds, K ≤ KC);
 * elsewhere the composition runs. What it saves: the per-head packing of 65 × 64 operands, a 64-column micro-panel
 * for N = 65 of which one column is used, and the separate passes over the [.., T, S] scores (pretraining step, JFR:
 * attention held 17 % of the samples for 7 % of the FLOPs). Switch: {@code -Dclipvr.attention=composition} (and
 * {@code -Dclipvr.kernels=reference}) run the composition.
 */
public final class AttentionCpu {
    private AttentionCpu() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** False under {@code -Dclipvr.attention=composition}. */
    public static final boolean ENABLED = !"composition".equals(System.getProperty("clipvr.attention", "fused"));

    /**
     * True when q [.., T, d], k [.., S, d], v [.., S, dv] (unit last stride, float32, on the CPU) can take the fused path
     * with the composition's bits: every product of the composition has more than 4 rows and more than
     * {@link Gemm#SMALL_WORK} multiply-adds (else it runs {@code GemmSmall}, another summation order) and K ≤ KC.
     */
    public static boolean applies(Tensor q, Tensor k, Tensor v) {
        if (!ENABLED || CpuBackend.REFERENCE || !q.device().isCpu()) return false;
        if (q.dtype() != DType.F32 || k.dtype() != DType.F32 || v.dtype() != DType.F32) return false;
        int r = q.rank(), t = q.size(-2), s = k.size(-2), d = q.size(-1), dv = v.size(-1);
        if (q.strides()[r - 1] != 1 || k.strides()[r - 1] != 1 || v.strides()[r - 1] != 1) return false;
        if (t <= 4 || s <= 4) return false;
        if ((long) t * s * d <= Gemm.SMALL_WORK || (long) t * s * dv <= Gemm.SMALL_WORK) return false;
        int kc = GemmSimd.KC;
        return t <= kc && s <= kc && d <= kc && dv <= kc;
    }

    /** Where head z of a [A, H, R, C] or [A, R, C] tensor starts, and its row stride. */
    private record Heads(Tensor x, int count, int rowStride) {
        static Heads of(Tensor x) {
            int r = x.rank();
            return new Heads(x, r == 4 ? x.size(0) * x.size(1) : x.size(0), x.strides()[r - 2]);
        }

        int offset(int z) {
            int[] st = x.strides();
            return x.rank() == 4 ? x.offset() + z / x.size(1) * st[0] + z % x.size(1) * st[1] : x.offset() + z * st[0];
        }
    }

    /** Rows [0, rows) of head z, columns [0, cols), into dst as rows of width {@code width} (zero padded). */
    private static void copyRows(float[] src, int off, int rowStride, int rows, int cols, float[] dst, int width) {
        for (int i = 0; i < rows; i++) System.arraycopy(src, off + i * rowStride, dst, i * width, cols);
    }

    /** dst[c·width + j] = src[off + j·rowStride + c]: the head's [rows, cols] transposed, zero padded to width. */
    private static void transpose(float[] src, int off, int rowStride, int rows, int cols, float[] dst, int width) {
        for (int c = 0; c < cols; c++) {
            int d = c * width, sIdx = off + c;
            for (int j = 0; j < rows; j++, sIdx += rowStride) dst[d + j] = src[sIdx];
        }
    }

    /**
     * c[i·cw + j] = Σ_{p < n} A(i, p)·b[p·bw + j] for i < m and j < w (w a multiple of L, at most bw), with
     * A(i, p) = a[aOff + i·ai + p·ap], so A or Aᵀ: one fma chain per element over p in order, from zero, as the GEMM
     * micro-kernel accumulates it, in 6-row × 4-vector register blocks (4 × 2 where the GEMM uses its AVX2 tile,
     * {@link GemmKernel#NV}: {@link #gemm4}), then 6 × 1 for the last vectors. Rows past m
     * repeat row m − 1 and are not stored.
     */
    static void gemm(float[] a, int aOff, int ai, int ap, int m, int n, float[] b, int bw, int w, float[] c, int cw) {
        if (GemmKernel.NV == 2) {
            gemm4(a, aOff, ai, ap, m, n, b, bw, w, c, cw);
            return;
        }
        for (int i0 = 0; i0 < m; i0 += 6) {
            int rows = Math.min(6, m - i0);
            int a0 = aOff + i0 * ai, a1 = aOff + Math.min(i0 + 1, m - 1) * ai, a2 = aOff + Math.min(i0 + 2, m - 1) * ai,
                a3 = aOff + Math.min(i0 + 3, m - 1) * ai, a4 = aOff + Math.min(i0 + 4, m - 1) * ai, a5 = aOff + Math.min(i0 + 5, m - 1) * ai;
            int j = 0;
            for (; j + 4 * L <= w; j += 4 * L) block6x4(a, a0, a1, a2, a3, a4, a5, ap, n, b, bw, j, c, i0 * cw + j, cw, rows);
            for (; j < w; j += L) block6x1(a, a0, a1, a2, a3, a4, a5, ap, n, b, bw, j, c, i0 * cw + j, cw, rows);
        }
    }

    private static void block6x4(float[] a, int a0, int a1, int a2, int a3, int a4, int a5, int ap, int n,
                                 float[] b, int bw, int j, float[] c, int ci, int cw, int rows) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z, c20 = z, c21 = z, c22 = z, c23 = z;
        FloatVector c30 = z, c31 = z, c32 = z, c33 = z, c40 = z, c41 = z, c42 = z, c43 = z, c50 = z, c51 = z, c52 = z, c53 = z;
        for (int p = 0, bi = j, pa = 0; p < n; p++, bi += bw, pa += ap) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bi + 2 * L), b3 = FloatVector.fromArray(S, b, bi + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + pa]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, a[a1 + pa]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(S, a[a2 + pa]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(S, a[a3 + pa]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32); c33 = x.fma(b3, c33);
            x = FloatVector.broadcast(S, a[a4 + pa]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41); c42 = x.fma(b2, c42); c43 = x.fma(b3, c43);
            x = FloatVector.broadcast(S, a[a5 + pa]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51); c52 = x.fma(b2, c52); c53 = x.fma(b3, c53);
        }
        c00.intoArray(c, ci); c01.intoArray(c, ci + L); c02.intoArray(c, ci + 2 * L); c03.intoArray(c, ci + 3 * L);
        if (rows > 1) { ci += cw; c10.intoArray(c, ci); c11.intoArray(c, ci + L); c12.intoArray(c, ci + 2 * L); c13.intoArray(c, ci + 3 * L); }
        if (rows > 2) { ci += cw; c20.intoArray(c, ci); c21.intoArray(c, ci + L); c22.intoArray(c, ci + 2 * L); c23.intoArray(c, ci + 3 * L); }
        if (rows > 3) { ci += cw; c30.intoArray(c, ci); c31.intoArray(c, ci + L); c32.intoArray(c, ci + 2 * L); c33.intoArray(c, ci + 3 * L); }
        if (rows > 4) { ci += cw; c40.intoArray(c, ci); c41.intoArray(c, ci + L); c42.intoArray(c, ci + 2 * L); c43.intoArray(c, ci + 3 * L); }
        if (rows > 5) { ci += cw; c50.intoArray(c, ci); c51.intoArray(c, ci + L); c52.intoArray(c, ci + 2 * L); c53.intoArray(c, ci + 3 * L); }
    }

    /**
     * {@link #gemm} for AVX2's 16 registers, the GEMM's {@link GemmKernelAvx2} shape: 4-row × 2-vector blocks (8
     * accumulators; 6 × 4 needs 29 registers, and C2 spilled an accumulator of 6 × 2 in every step), then 6 × 1.
     */
    private static void gemm4(float[] a, int aOff, int ai, int ap, int m, int n, float[] b, int bw, int w, float[] c, int cw) {
        for (int i0 = 0; i0 < m; i0 += 4) {
            int rows = Math.min(4, m - i0);
            int a0 = aOff + i0 * ai, a1 = aOff + Math.min(i0 + 1, m - 1) * ai, a2 = aOff + Math.min(i0 + 2, m - 1) * ai,
                a3 = aOff + Math.min(i0 + 3, m - 1) * ai;
            int j = 0;
            for (; j + 2 * L <= w; j += 2 * L) block4x2(a, a0, a1, a2, a3, ap, n, b, bw, j, c, i0 * cw + j, cw, rows);
            // the last vector column: 6 x 1 with rows 4 and 5 repeating row 3 (rows <= 4 are stored)
            for (; j < w; j += L) block6x1(a, a0, a1, a2, a3, a3, a3, ap, n, b, bw, j, c, i0 * cw + j, cw, rows);
        }
    }

    private static void block4x2(float[] a, int a0, int a1, int a2, int a3, int ap, int n,
                                 float[] b, int bw, int j, float[] c, int ci, int cw, int rows) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        for (int p = 0, bi = j, pa = 0; p < n; p++, bi += bw, pa += ap) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + pa]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + pa]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + pa]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + pa]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
        }
        c00.intoArray(c, ci); c01.intoArray(c, ci + L);
        if (rows > 1) { ci += cw; c10.intoArray(c, ci); c11.intoArray(c, ci + L); }
        if (rows > 2) { ci += cw; c20.intoArray(c, ci); c21.intoArray(c, ci + L); }
        if (rows > 3) { ci += cw; c30.intoArray(c, ci); c31.intoArray(c, ci + L); }
    }

    private static void block6x1(float[] a, int a0, int a1, int a2, int a3, int a4, int a5, int ap, int n,
                                 float[] b, int bw, int j, float[] c, int ci, int cw, int rows) {
        FloatVector z = FloatVector.zero(S), c0 = z, c1 = z, c2 = z, c3 = z, c4 = z, c5 = z;
        for (int p = 0, bi = j, pa = 0; p < n; p++, bi += bw, pa += ap) {
            FloatVector bv = FloatVector.fromArray(S, b, bi);
            c0 = FloatVector.broadcast(S, a[a0 + pa]).fma(bv, c0);
            c1 = FloatVector.broadcast(S, a[a1 + pa]).fma(bv, c1);
            c2 = FloatVector.broadcast(S, a[a2 + pa]).fma(bv, c2);
            c3 = FloatVector.broadcast(S, a[a3 + pa]).fma(bv, c3);
            c4 = FloatVector.broadcast(S, a[a4 + pa]).fma(bv, c4);
            c5 = FloatVector.broadcast(S, a[a5 + pa]).fma(bv, c5);
        }
        c0.intoArray(c, ci);
        if (rows > 1) c1.intoArray(c, ci += cw);
        if (rows > 2) c2.intoArray(c, ci += cw);
        if (rows > 3) c3.intoArray(c, ci += cw);
        if (rows > 4) c4.intoArray(c, ci += cw);
        if (rows > 5) c5.intoArray(c, ci += cw);
    }

    /**
     * probs [.., T, S] (fresh, contiguous) and out [.., T, dv] (fresh, unit last stride, any head and row strides: e.g.
     * the heads' view of a [A, T, H, dv] buffer) from q, k, v and an optional contiguous float32 mask [T, S].
     */
    public static void forward(Tensor q, Tensor k, Tensor v, Tensor mask, double scale, Tensor probs, Tensor out) {
        Heads hq = Heads.of(q), hk = Heads.of(k), hv = Heads.of(v), ho = Heads.of(out);
        int t = q.size(-2), s = k.size(-2), d = q.size(-1), dv = v.size(-1), sp = GemmSimd.roundUp(s, L), dvp = GemmSimd.roundUp(dv, L);
        float sf = (float) scale;
        float[] qa = q.f32(), ka = k.f32(), va = v.f32(), pa = probs.f32(), oa = out.f32();
        float[] ma = mask == null ? null : mask.f32();
        int mo = mask == null ? 0 : mask.offset(), po = probs.offset();
        Parallel.forRange(hq.count(), 2L * t * s * (d + dv), Parallel.CHUNKS_PER_THREAD, (z0, z1) -> {
            float[] kT = new float[d * sp], vP = new float[s * dvp], sc = new float[t * sp], p = new float[t * s], o = new float[t * dvp];
            for (int z = z0; z < z1; z++) {
                transpose(ka, hk.offset(z), hk.rowStride(), s, d, kT, sp);                  // kᵀ [d, S]
                copyRows(va, hv.offset(z), hv.rowStride(), s, dv, vP, dvp);                 // v [S, dv]
                gemm(qa, hq.offset(z), hq.rowStride(), 1, t, d, kT, sp, sp, sc, sp);        // q·kᵀ [T, S]
                int pz = po + z * t * s;
                for (int i = 0; i < t; i++) {
                    int r = i * sp;
                    for (int j = 0; j < s; j++) sc[r + j] = sc[r + j] * sf;                 // ×scale
                    if (ma != null) for (int j = 0; j < s; j++) sc[r + j] = sc[r + j] + ma[mo + i * s + j];
                    SimdKernels.softmaxRow(sc, r, pa, pz + i * s, s, false);                // p_i
                }
                gemm(pa, pz, s, 1, t, s, vP, dvp, dvp, o, dvp);                             // p·v [T, dv]
                for (int i = 0, oz = ho.offset(z); i < t; i++) System.arraycopy(o, i * dvp, oa, oz + i * ho.rowStride(), dv);
            }
        });
    }

    /**
     * dq, dk, dv (fresh, shaped as q, k, v, unit last stride, any head and row strides) from the saved probs [.., T, S]
     * (contiguous) and the upstream gradient g [.., T, dv] (unit last stride, any head and row strides).
     */
    public static void backward(Tensor q, Tensor k, Tensor v, Tensor probs, Tensor g, double scale,
                                Tensor dq, Tensor dk, Tensor dv) {
        Heads hq = Heads.of(q), hk = Heads.of(k), hv = Heads.of(v), hg = Heads.of(g);
        Heads hdq = Heads.of(dq), hdk = Heads.of(dk), hdv = Heads.of(dv);
        int t = q.size(-2), s = k.size(-2), d = q.size(-1), dvw = v.size(-1), sp = GemmSimd.roundUp(s, L), dp = GemmSimd.roundUp(d, L), dvp = GemmSimd.roundUp(dvw, L);
        float sf = (float) scale;
        float[] qa = q.f32(), ka = k.f32(), va = v.f32(), pa = probs.f32(), ga = g.f32();
        float[] dqa = dq.f32(), dka = dk.f32(), dva = dv.f32();
        int po = probs.offset(), gs = hg.rowStride();
        Parallel.forRange(hq.count(), 4L * t * s * (d + dvw), Parallel.CHUNKS_PER_THREAD, (z0, z1) -> {
            float[] vT = new float[dvw * sp], kP = new float[s * dp], qP = new float[t * dp], gP = new float[t * dvp];
            float[] dpm = new float[t * sp], prod = new float[s], ds = new float[t * s];
            float[] dqm = new float[t * dp], dkm = new float[s * dp], dvm = new float[s * dvp];
            for (int z = z0; z < z1; z++) {
                transpose(va, hv.offset(z), hv.rowStride(), s, dvw, vT, sp);               // vᵀ [dv, S]
                copyRows(ka, hk.offset(z), hk.rowStride(), s, d, kP, dp);                  // k [S, d]
                copyRows(qa, hq.offset(z), hq.rowStride(), t, d, qP, dp);                  // q [T, d]
                int gz = hg.offset(z), pz = po + z * t * s;
                copyRows(ga, gz, gs, t, dvw, gP, dvp);                                      // g [T, dv]
                gemm(ga, gz, gs, 1, t, dvw, vT, sp, sp, dpm, sp);                           // dp = g·vᵀ [T, S]
                for (int i = 0; i < t; i++) {
                    int r = i * sp, pr = pz + i * s;
                    for (int j = 0; j < s; j++) prod[j] = dpm[r + j] * pa[pr + j];          // dp ⊙ p
                    float rs = SimdKernels.sum(prod, 0, s);                                  // Σ_j dp_j·p_j
                    for (int j = 0; j < s; j++) ds[i * s + j] = pa[pr + j] * (dpm[r + j] - rs) * sf;   // softmax', ×scale
                }
                gemm(ds, 0, s, 1, t, s, kP, dp, dp, dqm, dp);                               // dq = ds·k [T, d]
                gemm(ds, 0, 1, s, s, t, qP, dp, dp, dkm, dp);                               // dk = dsᵀ·q [S, d]
                gemm(pa, pz, 1, s, s, t, gP, dvp, dvp, dvm, dvp);                           // dv = pᵀ·g [S, dv]
                for (int i = 0, qz = hdq.offset(z); i < t; i++) System.arraycopy(dqm, i * dp, dqa, qz + i * hdq.rowStride(), d);
                for (int j = 0, kz = hdk.offset(z), vz = hdv.offset(z); j < s; j++) {
                    System.arraycopy(dkm, j * dp, dka, kz + j * hdk.rowStride(), d);
                    System.arraycopy(dvm, j * dvp, dva, vz + j * hdv.rowStride(), dvw);
                }
            }
        });
    }
}
