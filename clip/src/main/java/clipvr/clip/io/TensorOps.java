package clipvr.clip.io;

import clipvr.clip.io.CheckpointException.Reason;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/** The few dtype-preserving byte-level operations that name mapping needs (§7.2). */
final class TensorOps {

    private TensorOps() {}

    /** Concatenation along dim 0 (q, k, v → in_proj). All parts must share dtype and trailing shape. */
    static RawTensor concat0(String name, List<RawTensor> parts) {
        RawTensor first = parts.get(0);
        long rows = 0;
        long total = 0;
        for (RawTensor p : parts) {
            long[] a = p.shape(), b = first.shape();
            if (p.dtype() != first.dtype() || a.length == 0 || a.length != b.length
                    || !Arrays.equals(a, 1, a.length, b, 1, b.length))
                throw new CheckpointException(Reason.KEY_MISMATCH, "cannot concatenate into '" + name + "': '"
                        + p.name() + "' is " + p.dtype() + Arrays.toString(a) + " but '" + first.name() + "' is "
                        + first.dtype() + Arrays.toString(b));
            rows += a[0];
            total += p.byteSize();
        }
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(total)).order(ByteOrder.LITTLE_ENDIAN);
        for (RawTensor p : parts) out.put(p.data());
        long[] shape = first.shape();
        shape[0] = rows;
        return new RawTensor(name, first.dtype(), shape, out.flip());
    }

    /** Splits along dim 0 into {@code n} equal zero-copy parts (in_proj → q, k, v). */
    static RawTensor[] split0(RawTensor t, int n, String... names) {
        long[] s = t.shape();
        if (s.length == 0 || s[0] % n != 0) throw new CheckpointException(Reason.KEY_MISMATCH, "cannot split '"
                + t.name() + "' " + Arrays.toString(s) + " into " + n + " equal parts along dim 0");
        long[] ps = s.clone();
        ps[0] = s[0] / n;
        int bytes = Math.toIntExact(t.byteSize() / n);
        RawTensor[] out = new RawTensor[n];
        ByteBuffer d = t.data();
        for (int i = 0; i < n; i++) out[i] = new RawTensor(names[i], t.dtype(), ps, d.slice(i * bytes, bytes));
        return out;
    }

    /** 2-D transpose ([a, b] → [b, a]). */
    static RawTensor transpose2d(String name, RawTensor t) {
        long[] s = t.shape();
        if (s.length != 2) throw new CheckpointException(Reason.KEY_MISMATCH, "'" + t.name() + "' has shape "
                + Arrays.toString(s) + "; a 2-D matrix was expected for the transpose into '" + name + "'");
        int rows = (int) s[0], cols = (int) s[1], es = t.dtype().size;
        ByteBuffer src = t.data();
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(t.byteSize())).order(ByteOrder.LITTLE_ENDIAN);
        byte[] el = new byte[es];
        for (int c = 0; c < cols; c++) {
            for (int r = 0; r < rows; r++) {
                src.get(Math.toIntExact(((long) r * cols + c) * es), el);
                out.put(el);
            }
        }
        return new RawTensor(name, t.dtype(), new long[]{cols, rows}, out.flip());
    }
}
