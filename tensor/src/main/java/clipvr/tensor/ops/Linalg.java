package clipvr.tensor.ops;

import clipvr.tensor.Backends;
import clipvr.tensor.Shape;
import clipvr.tensor.Tensor;

import java.util.Arrays;

/**
 * Matrix products. Operands are [..., M, K] and [..., K, N] (or [..., N, K] with {@code transB}),
 * batch axes broadcast. A row-major or column-major (transposed view) matrix goes to the GEMM
 * as-is with the matching transpose flag, so A·Bᵀ never materialises Bᵀ.
 */
public final class Linalg {
    private Linalg() {}

    /** How a batch of matrices sits in its storage: transpose flag, leading dim, batch stride, offset. */
    record Operand(Tensor t, boolean trans, int ld, int batchStride) {}

    /**
     * Describes x [batch..., R, C] as a uniform batch of row- or column-major matrices, copying to
     * contiguous when its layout is neither. Batch axes must collapse to one stride (or 0 = broadcast).
     */
    static Operand operand(Tensor x, int[] batchShape) {
        int r = x.rank();
        int[] full = Arrays.copyOf(batchShape, batchShape.length + 2);
        full[batchShape.length] = x.size(r - 2);
        full[batchShape.length + 1] = x.size(r - 1);
        Tensor e = x.expand(full);
        Operand o = tryOperand(e, batchShape.length);
        if (o != null) return o;
        Tensor c = x.contiguous().expand(full);
        o = tryOperand(c, batchShape.length);
        if (o != null) return o;
        return tryOperand(e.contiguous(), batchShape.length);
    }

    static Operand tryOperand(Tensor e, int nb) {
        int[] s = e.shape(), st = e.strides();
        int rows = s[nb], cols = s[nb + 1], rs = st[nb], cs = st[nb + 1];
        boolean trans;
        int ld;
        if ((cs == 1 || cols == 1) && (rs >= Math.max(cols, 1) || rows == 1)) { trans = false; ld = rows == 1 ? Math.max(cols, 1) : rs; }
        else if ((rs == 1 || rows == 1) && (cs >= Math.max(rows, 1) || cols == 1)) { trans = true; ld = cols == 1 ? Math.max(rows, 1) : cs; }
        else return null;
        // batch axes must be one uniform stride (row-major over the batch) or all broadcast
        int batchStride = 0;
        boolean allZero = true;
        for (int d = 0; d < nb; d++) if (s[d] != 1 && st[d] != 0) allZero = false;
        if (!allZero) {
            int expect = -1;
            int inner = 1;
            for (int d = nb - 1; d >= 0; d--) {
                if (s[d] == 1) continue;
                if (expect < 0) { expect = st[d]; batchStride = st[d]; }
                else if (st[d] != batchStride * inner) return null;
                inner *= s[d];
            }
        }
        return new Operand(e, trans, ld, batchStride);
    }

    public static Tensor matmul(Tensor a, Tensor b, boolean transB) {
        String op = transB ? "matmulT" : "matmul";
        Elementwise.sameDType(op, a, b);
        if (a.rank() < 2 || b.rank() < 2)
            throw new IllegalArgumentException(op + ": operands need rank >= 2, got " + Shape.str(a.shape()) + " and " + Shape.str(b.shape()));
        int m = a.size(-2), k = a.size(-1);
        int kb = transB ? b.size(-1) : b.size(-2), n = transB ? b.size(-2) : b.size(-1);
        if (k != kb)
            throw new IllegalArgumentException(op + ": inner dimensions differ: " + Shape.str(a.shape()) + " and " + Shape.str(b.shape()));
        int[] batch;
        try {
            batch = Shape.broadcast(op, Arrays.copyOf(a.shape(), a.rank() - 2), Arrays.copyOf(b.shape(), b.rank() - 2));
        } catch (IllegalArgumentException e) {     // name the operands, not just their batch parts
            throw new IllegalArgumentException(op + ": batch dimensions of " + Shape.str(a.shape()) + " and "
                    + Shape.str(b.shape()) + " cannot be broadcast", e);
        }
        int nBatch = Shape.numel(batch);
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        Tensor out = Tensor.empty(Backends.deviceOf(a, b), a.dtype(), outShape);
        if (out.numel() == 0) return out;
        if (k == 0) return out.fill(0);
        Operand oa = operand(a, batch);
        Tensor bv = transB ? b.mT() : b;          // logical [.., K, N]
        Operand ob = operand(bv, batch);
        Backends.of(out).gemm(oa.trans, ob.trans, nBatch, m, n, k, 1.0,
                oa.t, oa.t.offset(), oa.batchStride, oa.ld, ob.t, ob.t.offset(), ob.batchStride, ob.ld,
                0.0, out, 0, m * n, n);
        return out;
    }
}
