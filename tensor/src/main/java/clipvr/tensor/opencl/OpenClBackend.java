package clipvr.tensor.opencl;

import clipvr.tensor.*;
import clipvr.tensor.ops.BinaryOp;
import clipvr.tensor.ops.ReduceOp;
import clipvr.tensor.ops.UnaryOp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static java.lang.foreign.ValueLayout.*;

/**
 * The {@link Backend} of one OpenCL device ({@code opencl:N}). Kernels are the OpenCL C sources in
 * {@code resources/clipvr/opencl}, in float and double variants; their readable twins are the CPU
 * {@code ReferenceKernels} (and {@code GemmReference}), which the tests hold them to.
 *
 * <p>Device tensors never come back to the host implicitly: an operand on the CPU is accepted only when it
 * is a broadcast scalar (all strides 0), whose value is passed as a kernel argument; anything else is an
 * error that names {@link Tensor#to(Device)}. Uploads and downloads are counted by {@link Transfers}.
 */
public final class OpenClBackend implements DeviceBackend {
    private static final int WG = 64;       // work-group size of the row kernels (rows.cl)

    private final Device device;
    private final ClContext cl;

    private OpenClBackend(Device device, ClContext cl) {
        this.device = device;
        this.cl = cl;
    }

    /** Opens opencl:index (context, queue, program build); throws {@link OpenClException.Unavailable} when there is no device. */
    public static OpenClBackend open(int index) {
        return new OpenClBackend(new Device("opencl", index), new ClContext(OpenClDevice.get(index)));
    }

    @Override public Device device() { return device; }

    @Override public String name() { return "opencl (" + cl.device + ")"; }

    // ------------------------------------------------------------------ memory and transfers

    @Override public Storage allocate(DType dtype, int n) {
        return new Storage.Buffer(device, dtype, n, cl.allocate((long) n * dtype.bytes));
    }

    @Override public Storage upload(Tensor host) {
        int n = host.numel();
        Storage s = allocate(host.dtype(), n);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment seg = switch (host.storage()) {
                case Storage.Floats(float[] x) -> a.allocateFrom(JAVA_FLOAT, Arrays.copyOfRange(x, host.offset(), host.offset() + n));
                case Storage.Doubles(double[] x) -> a.allocateFrom(JAVA_DOUBLE, Arrays.copyOfRange(x, host.offset(), host.offset() + n));
                case Storage.Buffer b -> throw new IllegalArgumentException("upload: tensor is already on " + b.device());
            };
            if (n > 0) cl.write(mem(s), 0, seg);
        }
        Transfers.upload((long) n * host.dtype().bytes);
        return s;
    }

    @Override public Tensor download(Tensor t) {
        if (!t.isContiguous()) throw new IllegalArgumentException("download needs a contiguous tensor");
        int n = t.numel();
        int bytes = t.dtype().bytes;
        Tensor out = Tensor.empty(t.dtype(), t.shape());
        if (n > 0) try (Arena a = Arena.ofConfined()) {
            MemorySegment seg = a.allocate((long) n * bytes, 8);
            cl.read(buf(t), (long) t.offset() * bytes, seg);
            switch (out.storage()) {
                case Storage.Floats(float[] x) -> MemorySegment.copy(seg, JAVA_FLOAT, 0, x, 0, n);
                case Storage.Doubles(double[] x) -> MemorySegment.copy(seg, JAVA_DOUBLE, 0, x, 0, n);
                case Storage.Buffer b -> throw new AssertionError();
            }
        }
        Transfers.download((long) n * bytes);
        return out;
    }

    /** Waits until every enqueued kernel has finished (for timing). */
    public void finish() { cl.finish(); }

    // ------------------------------------------------------------------ operands

    private ClBuffer mem(Storage s) {
        if (s instanceof Storage.Buffer b && b.device().equals(device) && b.memory() instanceof ClBuffer m) return m;
        throw new IllegalArgumentException("operand lives on " + s.device() + ", kernel runs on " + device
                + ": move it with to(Device) first (no implicit transfers)");
    }

    private ClBuffer buf(Tensor t) { return mem(t.storage()); }

    private String k(String name, DType dtype) {
        if (dtype == DType.F64 && !cl.device.fp64())
            throw new UnsupportedOperationException(device + " (" + cl.device.name() + ") has no float64 support");
        return name + (dtype == DType.F32 ? "_f" : "_d");
    }

    private static Object scalar(DType dtype, double v) { return dtype == DType.F32 ? (Object) (float) v : (Object) v; }

    private static int[] pack(int[] a) {
        if (a.length > 8) throw new IllegalArgumentException("OpenCL kernels support rank <= 8, got " + a.length);
        return Arrays.copyOf(a, 8);
    }

    /** True for a host tensor whose elements are all one storage value (a broadcast scalar). */
    private static boolean hostScalar(Tensor t) {
        if (!t.device().isCpu() || t.numel() == 0) return false;
        for (int s : t.strides()) if (s != 0) return t.numel() == 1;
        return true;
    }

    /**
     * The iteration space of an elementwise kernel: out's shape with size-1 axes dropped and neighbouring axes
     * merged where every operand steps through them contiguously (a contiguous tensor is one axis, a bias over
     * [N, D] two), so a work-item does fewer divisions to find its elements. strides[0] is out's.
     */
    private record Layout(int[] shape, int[][] strides) {
        static Layout of(Tensor out, Tensor... ins) {
            int[] s = out.shape();
            int k = ins.length + 1;
            int[][] st = new int[k][];
            st[0] = out.strides();
            for (int i = 0; i < ins.length; i++) st[i + 1] = hostScalar(ins[i]) ? new int[s.length] : ins[i].strides();
            int[] ns = new int[s.length];                       // groups, innermost first
            int[][] nst = new int[k][s.length];
            int r = 0;
            for (int d = s.length - 1; d >= 0; d--) {
                if (s[d] == 1) continue;
                boolean merge = r > 0;
                for (int j = 0; merge && j < k; j++) if (st[j][d] != nst[j][r - 1] * ns[r - 1]) merge = false;
                if (merge) ns[r - 1] *= s[d];
                else {
                    ns[r] = s[d];
                    for (int j = 0; j < k; j++) nst[j][r] = st[j][d];
                    r++;
                }
            }
            if (r == 0) return new Layout(new int[]{1}, new int[k][1]);
            int[] shape = new int[r];
            int[][] strides = new int[k][r];
            for (int a = 0; a < r; a++) {
                shape[a] = ns[r - 1 - a];
                for (int j = 0; j < k; j++) strides[j][a] = nst[j][r - 1 - a];
            }
            if (r > 8) throw new IllegalArgumentException("OpenCL kernels support rank <= 8 after merging axes, got " + r);
            return new Layout(shape, strides);
        }
    }

    /** Head arguments (n, rank, shape, out, outoff, outst) of the elementwise kernels. */
    private List<Object> head(Tensor out, Layout l) {
        return new ArrayList<>(List.of(out.numel(), l.shape().length, pack(l.shape()), buf(out), out.offset(), pack(l.strides()[0])));
    }

    /** Appends the OPERAND(x) argument group (buffer, offset, strides, host, value) of input {@code i} (1-based in the layout). */
    private void operand(List<Object> args, Tensor t, Tensor out, Layout l, int i) {
        DType dtype = out.dtype();
        if (hostScalar(t)) {
            args.addAll(List.of(buf(out), 0, new int[8], 1, scalar(dtype, t.getFlat(0))));
        } else {
            if (t.dtype() != dtype) throw new IllegalArgumentException("dtype mismatch: " + t.dtype() + " operand in a " + dtype + " kernel");
            args.addAll(List.of(buf(t), t.offset(), pack(l.strides()[i]), 0, scalar(dtype, 0)));
        }
    }

    private static long[] items(int n) { return new long[]{(n + 63L) / 64 * 64}; }

    // ------------------------------------------------------------------ elementwise

    @Override public void fill(Tensor t, double v) {
        if (t.numel() == 0) return;
        List<Object> args = head(t, Layout.of(t));
        args.add(scalar(t.dtype(), v));
        cl.launch(k("fill", t.dtype()), items(t.numel()), null, args.toArray());
    }

    @Override public void copy(Tensor src, Tensor dst) {
        if (dst.numel() == 0) return;
        if (hostScalar(src)) { fill(dst, src.getFlat(0)); return; }
        String name = "copy_" + (src.dtype() == DType.F32 ? "f" : "d") + (dst.dtype() == DType.F32 ? "f" : "d");
        if ((src.dtype() == DType.F64 || dst.dtype() == DType.F64) && !cl.device.fp64())
            throw new UnsupportedOperationException(device + " has no float64 support");
        Layout l = Layout.of(dst, src);
        List<Object> args = head(dst, l);
        args.addAll(List.of(buf(src), src.offset(), pack(l.strides()[1])));
        cl.launch(name, items(dst.numel()), null, args.toArray());
    }

    @Override public void unary(UnaryOp op, Tensor x, Tensor out) {
        if (out.numel() == 0) return;
        Layout l = Layout.of(out, x);
        List<Object> args = head(out, l);
        args.addFirst(op.ordinal());
        operand(args, x, out, l, 1);
        cl.launch(k("unary", out.dtype()), items(out.numel()), null, args.toArray());
    }

    @Override public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        if (out.numel() == 0) return;
        Layout l = Layout.of(out, a, b);
        List<Object> args = head(out, l);
        args.addFirst(op.ordinal());
        operand(args, a, out, l, 1);
        operand(args, b, out, l, 2);
        cl.launch(k("binary", out.dtype()), items(out.numel()), null, args.toArray());
    }

    @Override public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        if (out.numel() == 0) return;
        Tensor c = hostScalar(cond) || cond.dtype() == out.dtype() ? cond : cond.to(out.dtype());   // converted on the device
        Layout l = Layout.of(out, c, a, b);
        List<Object> args = head(out, l);
        operand(args, c, out, l, 1);
        operand(args, a, out, l, 2);
        operand(args, b, out, l, 3);
        cl.launch(k("where", out.dtype()), items(out.numel()), null, args.toArray());
    }

    @Override public void clamp(Tensor x, double lo, double hi, Tensor out) {
        if (out.numel() == 0) return;
        Layout l = Layout.of(out, x);
        List<Object> args = head(out, l);
        operand(args, x, out, l, 1);
        args.add(scalar(out.dtype(), lo));
        args.add(scalar(out.dtype(), hi));
        cl.launch(k("clamp", out.dtype()), items(out.numel()), null, args.toArray());
    }

    // ------------------------------------------------------------------ fused (fused.cl)

    private static void contiguous(String op, Tensor... ts) {
        for (Tensor t : ts) if (t != null && !t.isContiguous()) throw new IllegalArgumentException(op + ": operands must be contiguous");
    }

    @Override public void biasQuickGelu(Tensor x, Tensor bias, int rows, int n, Tensor out) {
        int total = rows * n;
        if (total == 0) return;
        contiguous("biasQuickGelu", x, bias, out);
        cl.launch(k("bias_quick_gelu", x.dtype()), items(total), null, total, n, buf(x), x.offset(),
                bias == null ? buf(x) : buf(bias), bias == null ? 0 : bias.offset(), bias == null ? 0 : 1, buf(out), out.offset());
    }

    @Override public void biasQuickGeluBackward(Tensor x, Tensor bias, Tensor g, int rows, int n, Tensor dh) {
        int total = rows * n;
        if (total == 0) return;
        contiguous("biasQuickGeluBackward", x, bias, g, dh);
        cl.launch(k("bias_quick_gelu_backward", x.dtype()), items(total), null, total, n, buf(x), x.offset(),
                bias == null ? buf(x) : buf(bias), bias == null ? 0 : bias.offset(), bias == null ? 0 : 1,
                buf(g), g.offset(), buf(dh), dh.offset());
    }

    @Override public void adamUpdate(Tensor theta, Tensor g, Tensor m, Tensor v, double lr, double beta1, double beta2, double eps,
                                     double weightDecay, boolean decoupled, double bc1, double bc2) {
        int total = theta.numel();
        if (total == 0) return;
        contiguous("adamUpdate", theta, g, m, v);
        DType dt = theta.dtype();
        cl.launch(k("adam_update", dt), items(total), null, total, buf(theta), theta.offset(), buf(g), g.offset(),
                buf(m), m.offset(), buf(v), v.offset(), scalar(dt, beta1), scalar(dt, 1 - beta1), scalar(dt, beta2), scalar(dt, 1 - beta2),
                scalar(dt, weightDecay), decoupled ? 1 : 0, scalar(dt, 1 - lr * weightDecay), scalar(dt, Math.sqrt(bc2)), scalar(dt, eps),
                scalar(dt, lr / bc1));
    }

    // ------------------------------------------------------------------ batch norm (batchnorm.cl): one work-group per channel

    @Override public void batchNormForward(Tensor x, int n, int c, int hw, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                           boolean training, double momentum, double eps, Tensor y, Tensor mean, Tensor rstd) {
        int m = n * hw;
        if (c == 0 || m == 0) return;
        contiguous("batchNormForward", x, runningMean, runningVar, weight, bias, y, mean, rstd);
        DType dt = x.dtype();
        boolean running = runningMean != null;
        cl.launch(k("batchnorm_forward", dt), rowGroups(c), new long[]{WG},
                c, hw, m, training ? 1 : 0, scalar(dt, momentum), scalar(dt, m > 1 ? (double) m / (m - 1) : 1), scalar(dt, eps),
                buf(x), x.offset(), weight == null ? buf(x) : buf(weight), weight == null ? 0 : weight.offset(), weight == null ? 0 : 1,
                bias == null ? buf(x) : buf(bias), bias == null ? 0 : bias.offset(), bias == null ? 0 : 1,
                running ? buf(runningMean) : buf(y), running ? runningMean.offset() : 0,
                running ? buf(runningVar) : buf(y), running ? runningVar.offset() : 0, running ? 1 : 0,
                buf(y), y.offset(), buf(mean), mean.offset(), buf(rstd), rstd.offset(), local(dt));
    }

    @Override public void batchNormBackward(Tensor x, Tensor g, int n, int c, int hw, Tensor weight, Tensor mean, Tensor rstd,
                                            boolean training, Tensor dx, Tensor dweight, Tensor dbias) {
        int m = n * hw;
        if (c == 0) return;
        contiguous("batchNormBackward", x, g, weight, mean, rstd, dx, dweight, dbias);
        DType dt = x.dtype();
        cl.launch(k("batchnorm_backward", dt), rowGroups(c), new long[]{WG},
                c, hw, m, training ? 1 : 0, buf(x), x.offset(), buf(g), g.offset(),
                weight == null ? buf(x) : buf(weight), weight == null ? 0 : weight.offset(), weight == null ? 0 : 1,
                buf(mean), mean.offset(), buf(rstd), rstd.offset(),
                dx == null ? 0 : 1, dx == null ? buf(x) : buf(dx), dx == null ? 0 : dx.offset(),
                buf(dweight), dweight.offset(), buf(dbias), dbias.offset(), local(dt));
    }

    // ------------------------------------------------------------------ attention (attention.cl): one work-group per row

    /** (buffer, offset, batch stride, head stride, row stride) of a [A, H, rows, cols] or [A, rows, cols] view, unit column stride. */
    private List<Object> heads(String op, Tensor t) {
        int[] st = t.strides();
        int r = t.rank();
        if ((r != 3 && r != 4) || t.size(-1) > 1 && st[r - 1] != 1)
            throw new IllegalArgumentException(op + ": expected a rank-3/4 view with unit last stride, got strides " + Arrays.toString(st));
        return List.of(buf(t), t.offset(), st[0], r == 4 ? st[1] : 0, st[r - 2]);
    }

    @Override public void attentionForward(Tensor q, Tensor k, Tensor v, Tensor mask, double scale, Tensor probs, Tensor out) {
        int r = q.rank(), h = r == 4 ? q.size(1) : 1, heads = q.size(0) * h;
        int nq = q.size(-2), nk = k.size(-2), d = q.size(-1), dv = v.size(-1);
        if (heads == 0 || nq == 0) return;
        contiguous("attentionForward", mask, probs, out);
        DType dt = q.dtype();
        List<Object> args = new ArrayList<>(List.of(h, nq, nk, d, dv, scalar(dt, scale)));
        args.addAll(heads("attention", q));
        args.addAll(heads("attention", k));
        args.addAll(heads("attention", v));
        args.addAll(List.of(mask == null ? buf(q) : buf(mask), mask == null ? 0 : mask.offset(), mask == null ? 0 : 1,
                buf(probs), probs.offset(), buf(out), out.offset(), local(dt)));
        cl.launch(k("attention_forward", dt), rowGroups(heads * nq), new long[]{WG}, args.toArray());
    }

    @Override public void attentionBackward(Tensor q, Tensor k, Tensor v, Tensor probs, Tensor g, double scale,
                                            Tensor dq, Tensor dk, Tensor dv) {
        int r = q.rank(), h = r == 4 ? q.size(1) : 1, heads = q.size(0) * h;
        int nq = q.size(-2), nk = k.size(-2), d = q.size(-1), dvs = v.size(-1);
        if (heads == 0) return;
        contiguous("attentionBackward", probs, g, dq, dk, dv);
        if (dq.offset() != 0 || dk.offset() != 0 || dv.offset() != 0)
            throw new IllegalArgumentException("attentionBackward: dq, dk, dv must be fresh tensors (offset 0)");
        DType dt = q.dtype();
        ClBuffer ds = cl.allocate((long) heads * nq * nk * dt.bytes);                 // dS [.., T, S], scratch
        if (nq > 0) {
            List<Object> a = new ArrayList<>(List.of(h, nq, nk, d, dvs, scalar(dt, scale)));
            a.addAll(heads("attention", k));
            a.addAll(heads("attention", v));
            a.addAll(List.of(buf(probs), probs.offset(), buf(g), g.offset(), ds, buf(dq), local(dt)));
            cl.launch(k("attention_backward_q", dt), rowGroups(heads * nq), new long[]{WG}, a.toArray());
        }
        if (nk > 0) {
            List<Object> b = new ArrayList<>(List.of(h, nq, nk, d, dvs));
            b.addAll(heads("attention", q));
            b.addAll(List.of(buf(probs), probs.offset(), buf(g), g.offset(), ds, buf(dk), buf(dv)));
            cl.launch(k("attention_backward_kv", dt), rowGroups(heads * nk), new long[]{WG}, b.toArray());
        }
    }

    // ------------------------------------------------------------------ rows

    private static long[] rowGroups(int rows) { return new long[]{(long) rows * WG}; }

    private ClContext.Local local(DType dtype) { return new ClContext.Local((long) WG * dtype.bytes); }

    @Override public void reduceRows(ReduceOp op, Tensor x, int rows, int n, Tensor out) {
        if (rows == 0) return;
        cl.launch(k("reduce_rows", x.dtype()), rowGroups(rows), new long[]{WG},
                op.ordinal(), n, buf(x), x.offset(), buf(out), out.offset(), local(x.dtype()));
    }

    /** The indices come back to the host: one counted download (argmax results are outputs, e.g. predictions). */
    @Override public void argmaxRows(Tensor x, int rows, int n, int[] out) {
        if (rows == 0) return;
        ClBuffer idx = cl.allocate(4L * rows);
        cl.launch(k("argmax_rows", x.dtype()), rowGroups(rows), new long[]{WG},
                n, buf(x), x.offset(), idx, local(x.dtype()), new ClContext.Local(4L * WG));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment seg = a.allocate(4L * rows, 4);
            cl.read(idx, 0, seg);
            MemorySegment.copy(seg, JAVA_INT, 0, out, 0, rows);
        }
        Transfers.download(4L * rows);
    }

    @Override public void argmaxRows(Tensor x, int rows, int n, Tensor out) {
        if (rows == 0) return;
        contiguous("argmaxRows", x, out);
        cl.launch(k("argmax_rows_t", x.dtype()), rowGroups(rows), new long[]{WG},
                n, buf(x), x.offset(), buf(out), out.offset(), local(x.dtype()), new ClContext.Local(4L * WG));
    }

    @Override public void topkMeanRows(Tensor x, int rows, int n, int k, Tensor out) {
        if (rows == 0) return;
        contiguous("topkMeanRows", x, out);
        cl.launch(k("topk_mean_rows", x.dtype()), items(rows), null, rows, n, k, buf(x), x.offset(), buf(out), out.offset());
    }

    @Override public void topkMeanBackwardRows(Tensor x, Tensor g, int rows, int n, int k, Tensor dx) {
        if (rows == 0 || n == 0) return;
        contiguous("topkMeanBackwardRows", x, g, dx);
        cl.launch(k("topk_mean_backward_rows", x.dtype()), items(rows * n), null, rows, n, k, buf(x), x.offset(),
                buf(g), g.offset(), buf(dx), dx.offset());
    }

    @Override public void softmaxRows(Tensor x, int rows, int n, boolean log, Tensor out) {
        if (rows == 0) return;
        cl.launch(k("softmax_rows", x.dtype()), rowGroups(rows), new long[]{WG},
                n, log ? 1 : 0, buf(x), x.offset(), buf(out), out.offset(), local(x.dtype()));
    }

    @Override public void layerNormRows(Tensor x, int rows, int n, Tensor weight, Tensor bias, double eps,
                                        Tensor out, Tensor mean, Tensor rstd) {
        if (rows == 0) return;
        DType dt = x.dtype();
        Tensor m = mean != null ? mean : Tensor.empty(device, dt, rows), r = rstd != null ? rstd : Tensor.empty(device, dt, rows);
        cl.launch(k("layernorm_rows", dt), rowGroups(rows), new long[]{WG},
                n, scalar(dt, eps), buf(x), x.offset(),
                weight == null ? buf(x) : buf(weight), weight == null ? 0 : weight.offset(), weight == null ? 0 : 1,
                bias == null ? buf(x) : buf(bias), bias == null ? 0 : bias.offset(), bias == null ? 0 : 1,
                buf(out), out.offset(), buf(m), m.offset(), buf(r), r.offset(), local(dt));
    }

    @Override public void layerNormBackwardRows(Tensor x, Tensor g, int rows, int n, Tensor weight, Tensor mean, Tensor rstd, Tensor dx) {
        if (rows == 0) return;
        DType dt = x.dtype();
        cl.launch(k("layernorm_backward_rows", dt), rowGroups(rows), new long[]{WG},
                n, buf(x), x.offset(), buf(g), g.offset(),
                weight == null ? buf(x) : buf(weight), weight == null ? 0 : weight.offset(), weight == null ? 0 : 1,
                buf(mean), mean.offset(), buf(rstd), rstd.offset(), buf(dx), dx.offset(), local(dt));
    }

    // ------------------------------------------------------------------ GEMM

    private static final int TILE = 32, LS = 8;     // gemm.cl: 32×32 tile of C per 8×8 work-group

    @Override public void gemm(boolean transA, boolean transB, int batch, int m, int n, int k, double alpha,
                               Tensor a, int aOff, int strideA, int lda, Tensor b, int bOff, int strideB, int ldb,
                               double beta, Tensor c, int cOff, int strideC, int ldc) {
        if (batch == 0 || m == 0 || n == 0) return;
        DType dt = c.dtype();
        long gx = (long) ((n + TILE - 1) / TILE) * LS, gy = (long) ((m + TILE - 1) / TILE) * LS;
        cl.launch(k("gemm", dt), new long[]{gx, gy, batch}, new long[]{LS, LS, 1},
                transA ? 1 : 0, transB ? 1 : 0, m, n, k, scalar(dt, alpha),
                buf(a), aOff, strideA, lda, buf(b), bOff, strideB, ldb, scalar(dt, beta),
                buf(c), cOff, strideC, ldc);
    }

    // ------------------------------------------------------------------ data movement

    /** Index arrays are inputs that come from the host: one counted upload each. */
    private ClBuffer ints(int[] values) {
        ClBuffer b = cl.allocate(4L * values.length);
        try (Arena a = Arena.ofConfined()) { cl.write(b, 0, a.allocateFrom(JAVA_INT, values)); }
        Transfers.upload(4L * values.length);
        return b;
    }

    @Override public void indexSelect(Tensor x, int axis, int[] index, Tensor out) {
        if (out.numel() == 0) return;
        cl.launch(k("index_select", x.dtype()), items(out.numel()), null, out.numel(), out.rank(), pack(out.shape()), axis,
                ints(index), buf(x), x.offset(), pack(x.strides()), buf(out));
    }

    @Override public void gather(Tensor x, int axis, int[] index, int[] indexShape, Tensor out) {
        if (index.length == 0) return;
        cl.launch(k("gather", x.dtype()), items(index.length), null,
                index.length, indexShape.length, pack(indexShape), axis, ints(index), buf(x), x.offset(), pack(x.strides()), buf(out));
    }

    @Override public void gatherBackward(Tensor g, int axis, int[] index, int[] indexShape, Tensor dx) {
        if (dx.numel() == 0) return;
        cl.launch(k("gather_backward", g.dtype()), items(dx.numel()), null, dx.numel(), dx.rank(), pack(dx.shape()), axis,
                index.length == 0 ? ints(new int[1]) : ints(index), pack(indexShape), buf(g), g.offset(), buf(dx));
    }

    @Override public void scatterRows(Tensor g, int[] index, int rows, int k, Tensor win) {
        if (rows == 0) return;
        cl.launch(k("scatter_rows", g.dtype()), items(rows), null, rows, k, ints(index), buf(g), g.offset(), buf(win));
    }

    @Override public void scatterRows(Tensor g, Tensor index, int rows, int k, Tensor win) {
        if (rows == 0) return;
        contiguous("scatterRows", g, index, win);
        cl.launch(k("scatter_rows_t", g.dtype()), items(rows), null, rows, k, buf(index), index.offset(), buf(g), g.offset(), buf(win));
    }
}
