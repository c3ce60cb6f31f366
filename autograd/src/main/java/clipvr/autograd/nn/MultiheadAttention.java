package clipvr.autograd.nn;

import clipvr.autograd.Var;
import clipvr.autograd.ops.Attention;
import clipvr.tensor.DType;
import clipvr.tensor.Shape;
import clipvr.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Multi-head self-attention in PyTorch's {@code nn.MultiheadAttention} layout, batch first:
 * in_proj_weight [3D, D] (rows: W_q, W_k, W_v), in_proj_bias [3D], out_proj.weight [D, D], out_proj.bias [D].
 *
 * <pre>
 *   q, k, v = x·W_qᵀ + b_q, x·W_kᵀ + b_k, x·W_vᵀ + b_v    row blocks of the packed in_proj
 *   head_h  = softmax(q_h·k_hᵀ / √d_head + mask)·v_h  per head, d_head = D / heads   (Attention.attention: fused on a device)
 *   y       = concat_h(head_h)·W_outᵀ + b_out
 * </pre>
 * Init as PyTorch: in_proj_weight xavier_uniform, in_proj_bias 0, out_proj.weight Linear's default, out_proj.bias 0.
 */
public final class MultiheadAttention extends Module implements Layer {
    public final int dim, heads, headDim;
    private final Parameter inProjWeight, inProjBias;
    private final Linear outProj;

    public MultiheadAttention(int dim, int heads, boolean bias, DType dtype, RandomGenerator rng) {
        if (heads <= 0 || dim % heads != 0)
            throw new IllegalArgumentException("MultiheadAttention: dim " + dim + " is not divisible by " + heads + " heads");
        this.dim = dim;
        this.heads = heads;
        this.headDim = dim / heads;
        this.inProjWeight = param("in_proj_weight", Init.xavierUniform(dtype, rng, dim, 3 * dim, 3 * dim, dim));
        this.inProjBias = bias ? param("in_proj_bias", Tensor.zeros(dtype, 3 * dim)) : null;
        this.outProj = child("out_proj", new Linear(dim, dim, bias, dtype, rng));
        if (bias) outProj.bias().data().fill(0.0);
    }

    public Parameter inProjWeight() { return inProjWeight; }
    public Parameter inProjBias() { return inProjBias; }
    public Linear outProj() { return outProj; }

    /** Self-attention without a mask: x [B, T, D] → [B, T, D]. */
    @Override public Var forward(Var x) { return forward(x, null); }

    /**
     * Self-attention: x [B, T, D], optional additive mask [T, T] (added to every head's scores, e.g.
     * {@link #causalMask}) → [B, T, D].
     */
    public Var forward(Var x, Tensor mask) {
        int[] s = x.shape();
        if (s.length != 3 || s[2] != dim)
            throw new IllegalArgumentException("MultiheadAttention(" + dim + "): expected [B, T, " + dim + "], got " + Shape.str(s));
        int b = s[0], t = s[1], h = heads, hd = headDim;
        if (mask != null && (mask.rank() != 2 || mask.size(0) != t || mask.size(1) != t))
            throw new IllegalArgumentException("MultiheadAttention: mask " + Shape.str(mask.shape()) + " is not [" + t + ", " + t + "]");

        Var x2 = x.reshape(b * t, dim);                                            // [B·T, D]
        Var q = heads(project(x2, 0), b, t);                                       // [B, H, T, hd]
        Var k = heads(project(x2, 1), b, t);                                       // [B, H, T, hd]
        Var v = heads(project(x2, 2), b, t);                                       // [B, H, T, hd]

        Var y = Attention.attention(q, k, v, mask, 1.0 / Math.sqrt(hd));           // [B, H, T, hd], fused on a device
        y = y.permute(0, 2, 1, 3).reshape(b * t, h * hd);                          // [B·T, D], heads concatenated
        return outProj.forward(y).reshape(b, t, dim);                              // [B, T, D]
    }

    /**
     * Causal self-attention over packed sequences of different lengths: x2 [R, D] holds, one group after
     * another, {@code counts[g]} sequences of {@code lengths[g]} rows each (R = Σ counts·lengths). The
     * projections run once over all R rows; attention runs per group on [counts[g], H, lengths[g], hd], so
     * no position is computed for padding. Row r of the result equals row r of {@link #forward} on the
     * padded batch up to float rounding (the softmax sums over fewer masked zeros). Returns [R, D].
     */
    public Var forwardPackedCausal(Var x2, int[] counts, int[] lengths) {
        int r = x2.size(0);
        Var q = project(x2, 0), k = project(x2, 1), v = project(x2, 2);           // [R, D] each
        List<Var> out = new ArrayList<>(counts.length);
        int at = 0;
        for (int g = 0; g < counts.length; g++) {
            int b = counts[g], t = lengths[g], rows = b * t;
            Var qg = heads(q.narrow(0, at, rows), b, t), kg = heads(k.narrow(0, at, rows), b, t), vg = heads(v.narrow(0, at, rows), b, t);
            Var y = Attention.attention(qg, kg, vg, causalMask(qg.data().device(), qg.dtype(), t), 1.0 / Math.sqrt(headDim)); // [b, H, t, hd]
            out.add(y.permute(0, 2, 1, 3).reshape(rows, dim));                     // [b·t, D]
            at += rows;
        }
        if (at != r) throw new IllegalArgumentException("forwardPackedCausal: groups cover " + at + " rows of " + r);
        Var y = out.size() == 1 ? out.getFirst() : clipvr.autograd.ops.Select.cat(out, 0);  // [R, D]
        return outProj.forward(y);
    }

    /**
     * x2 [B·T, D] times the i-th row block of the packed weight (q, k or v), plus that block of the bias.
     * Three products on views of the packed weight cost the same FLOPs as one on [3D, D], and their
     * backward (dx = dq·W_q + dk·W_k + dv·W_v) needs no slicing of a [B·T, 3D] gradient.
     */
    private Var project(Var x2, int i) {
        return clipvr.autograd.ops.LinearAlgebra.linear(x2, inProjWeight.var().narrow(0, i * dim, dim),  // [B·T, D]
                inProjBias == null ? null : inProjBias.var().narrow(0, i * dim, dim));
    }

    /** [B·T, D] → [B, H, T, hd]. */
    private Var heads(Var z, int b, int t) {
        return z.reshape(b, t, heads, headDim).permute(0, 2, 1, 3);
    }

    private static final java.util.Map<String, Tensor> DEVICE_MASKS = new java.util.concurrent.ConcurrentHashMap<>();

    /** {@link #causalMask(DType, int)} on {@code device}; off the CPU it is uploaded once per (device, dtype, T) and cached. */
    public static Tensor causalMask(clipvr.tensor.Device device, DType dtype, int t) {
        if (device.isCpu()) return causalMask(dtype, t);
        return DEVICE_MASKS.computeIfAbsent(device + "/" + dtype + "/" + t, k -> causalMask(dtype, t).to(device));
    }

    /** [T, T] additive causal mask: 0 on and below the diagonal, -inf above (position i sees j ≤ i). */
    public static Tensor causalMask(DType dtype, int t) {
        Tensor m = Tensor.zeros(dtype, t, t);
        for (int i = 0; i < t; i++)
            for (int j = i + 1; j < t; j++) m.set(Double.NEGATIVE_INFINITY, i, j);
        return m;
    }
}
