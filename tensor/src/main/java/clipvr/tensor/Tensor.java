package clipvr.tensor;

import clipvr.tensor.ops.*;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * An n-dimensional array of float32 or float64 on a device (the CPU, or an OpenCL device).
 *
 * <p>A tensor is a view: {@code (storage, offset, shape, strides)}. Element {@code (i0..ik)} lives at
 * {@code offset + Σ i_d·strides[d]} of the storage. Reshape (when possible), permute, transpose, narrow,
 * select, expand, squeeze and unsqueeze return new views of the same storage without copying;
 * {@link #contiguous()} copies only when needed. Ops allocate fresh contiguous outputs and never
 * modify their inputs; the few in-place methods end in {@code InPlace} or are named {@code fill}/{@code copyFrom}.
 *
 * <p>The fluent methods below are thin: shape logic lives in {@code clipvr.tensor.ops}, arithmetic in
 * the {@link Backend} kernels (reference or SIMD, see {@link Backends}).
 */
public final class Tensor {
    private final Storage storage;
    private final int offset;
    private final int[] shape;
    private final int[] strides;

    Tensor(Storage storage, int offset, int[] shape, int[] strides) {
        this.storage = storage;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
    }

    // ------------------------------------------------------------------ creation

    /** A view over an existing storage (no copy, no checks beyond bounds). */
    public static Tensor view(Storage storage, int offset, int[] shape, int[] strides) {
        Tensor t = new Tensor(storage, offset, shape.clone(), strides.clone());
        t.checkBounds();
        return t;
    }

    public static Tensor empty(DType dtype, int... shape) {
        return new Tensor(Storage.allocate(dtype, Shape.numel(shape)), 0, shape.clone(), Shape.contiguousStrides(shape));
    }

    /** Uninitialised contiguous tensor on {@code device} (the CPU path is exactly {@link #empty(DType, int...)}). */
    public static Tensor empty(Device device, DType dtype, int... shape) {
        if (device.isCpu()) return empty(dtype, shape);
        Storage s = Backends.device(device).allocate(dtype, Shape.numel(shape));
        return new Tensor(s, 0, shape.clone(), Shape.contiguousStrides(shape));
    }

    public static Tensor zeros(Device device, DType dtype, int... shape) {
        return device.isCpu() ? zeros(dtype, shape) : empty(device, dtype, shape).fill(0);
    }

    public static Tensor full(Device device, DType dtype, double value, int... shape) {
        return device.isCpu() ? full(dtype, value, shape) : empty(device, dtype, shape).fill(value);
    }

    public static Tensor zeros(DType dtype, int... shape) { return empty(dtype, shape); }

    public static Tensor ones(DType dtype, int... shape) { return full(dtype, 1.0, shape); }

    public static Tensor full(DType dtype, double value, int... shape) { return empty(dtype, shape).fill(value); }

    public static Tensor scalar(DType dtype, double value) { return full(dtype, value); }

    /** Wraps {@code data} (no copy) as a contiguous float32 tensor of the given shape. */
    public static Tensor of(float[] data, int... shape) {
        if (shape.length == 0 && data.length != 1) shape = new int[]{data.length};
        if (Shape.numel(shape) != data.length)
            throw new IllegalArgumentException("of: " + data.length + " values do not fill shape " + Shape.str(shape));
        return new Tensor(new Storage.Floats(data), 0, shape.clone(), Shape.contiguousStrides(shape));
    }

    /** Wraps {@code data} (no copy) as a contiguous float64 tensor of the given shape. */
    public static Tensor of(double[] data, int... shape) {
        if (shape.length == 0 && data.length != 1) shape = new int[]{data.length};
        if (Shape.numel(shape) != data.length)
            throw new IllegalArgumentException("of: " + data.length + " values do not fill shape " + Shape.str(shape));
        return new Tensor(new Storage.Doubles(data), 0, shape.clone(), Shape.contiguousStrides(shape));
    }

    /** [n] = 0, 1, ..., n-1. */
    public static Tensor arange(DType dtype, int n) {
        Tensor t = empty(dtype, n);
        for (int i = 0; i < n; i++) t.setFlat(i, i);
        return t;
    }

    /** Standard normal samples, drawn in row-major order from {@code rng} (deterministic for a seed). */
    public static Tensor randn(DType dtype, RandomGenerator rng, int... shape) {
        Tensor t = empty(dtype, shape);
        switch (t.storage) {
            case Storage.Floats(float[] a) -> { for (int i = 0; i < a.length; i++) a[i] = (float) rng.nextGaussian(); }
            case Storage.Doubles(double[] a) -> { for (int i = 0; i < a.length; i++) a[i] = rng.nextGaussian(); }
            case Storage.Buffer b -> throw new AssertionError("empty(dtype, ...) allocates on the host");
        }
        return t;
    }

    /** Uniform samples in [lo, hi), row-major order. */
    public static Tensor uniform(DType dtype, RandomGenerator rng, double lo, double hi, int... shape) {
        Tensor t = empty(dtype, shape);
        switch (t.storage) {
            case Storage.Floats(float[] a) -> { for (int i = 0; i < a.length; i++) a[i] = (float) (lo + (hi - lo) * rng.nextDouble()); }
            case Storage.Doubles(double[] a) -> { for (int i = 0; i < a.length; i++) a[i] = lo + (hi - lo) * rng.nextDouble(); }
            case Storage.Buffer b -> throw new AssertionError("empty(dtype, ...) allocates on the host");
        }
        return t;
    }

    // ------------------------------------------------------------------ metadata

    public int[] shape() { return shape.clone(); }
    public int size(int axis) { return shape[Shape.axis("size", axis, shape.length)]; }
    public int rank() { return shape.length; }
    public int numel() { return Shape.numel(shape); }
    public int[] strides() { return strides.clone(); }
    public int offset() { return offset; }
    public Storage storage() { return storage; }
    public DType dtype() { return storage.dtype(); }
    public Device device() { return storage.device(); }

    /** The float32 storage array (the whole buffer: index it with {@link #offset()} and strides). */
    public float[] f32() {
        if (storage instanceof Storage.Floats(float[] a)) return a;
        if (storage instanceof Storage.Buffer) throw onDevice("f32()");
        throw new IllegalStateException("expected a float32 tensor, got " + dtype() + " " + Shape.str(shape));
    }

    /** The float64 storage array (the whole buffer: index it with {@link #offset()} and strides). */
    public double[] f64() {
        if (storage instanceof Storage.Doubles(double[] a)) return a;
        if (storage instanceof Storage.Buffer) throw onDevice("f64()");
        throw new IllegalStateException("expected a float64 tensor, got " + dtype() + " " + Shape.str(shape));
    }

    /** True when the elements are laid out row-major without gaps (size-1 dims may have any stride). */
    public boolean isContiguous() {
        int expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] == 1) continue;
            if (strides[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }

    public boolean sameShape(Tensor o) { return Arrays.equals(shape, o.shape); }

    // ------------------------------------------------------------------ element access (slow path, for tests and setup)

    private int flatToOffset(int flat) {
        int off = offset;
        for (int d = shape.length - 1; d >= 0; d--) {
            int n = shape[d];
            off += (flat % n) * strides[d];
            flat /= n;
        }
        return off;
    }

    private int indexToOffset(int[] idx) {
        if (idx.length != shape.length)
            throw new IllegalArgumentException("index " + Arrays.toString(idx) + " has wrong rank for shape " + Shape.str(shape));
        int off = offset;
        for (int d = 0; d < idx.length; d++) {
            int i = idx[d] < 0 ? idx[d] + shape[d] : idx[d];
            if (i < 0 || i >= shape[d])
                throw new IndexOutOfBoundsException("index " + Arrays.toString(idx) + " out of bounds for shape " + Shape.str(shape));
            off += i * strides[d];
        }
        return off;
    }

    private double read(int storageIndex) {
        return switch (storage) {
            case Storage.Floats(float[] a) -> a[storageIndex];
            case Storage.Doubles(double[] a) -> a[storageIndex];
            case Storage.Buffer b -> throw onDevice("element access");
        };
    }

    private void write(int storageIndex, double v) {
        switch (storage) {
            case Storage.Floats(float[] a) -> a[storageIndex] = (float) v;
            case Storage.Doubles(double[] a) -> a[storageIndex] = v;
            case Storage.Buffer b -> throw onDevice("element access");
        }
    }

    private IllegalStateException onDevice(String what) {
        return new IllegalStateException(what + " needs a host tensor, this " + dtype() + " " + Shape.str(shape)
                + " is on " + device() + "; move it with to(Device.CPU) first");
    }

    /** Element at a multi-index (negative indices count from the end). */
    public double get(int... idx) { return read(indexToOffset(idx)); }

    public void set(double v, int... idx) { write(indexToOffset(idx), v); }

    /** Element at a row-major flat position of this view. */
    public double getFlat(int i) { return read(flatToOffset(i)); }

    public void setFlat(int i, double v) { write(flatToOffset(i), v); }

    /** The single value of a one-element tensor. */
    public double item() {
        if (numel() != 1) throw new IllegalStateException("item() needs one element, shape is " + Shape.str(shape));
        if (storage instanceof Storage.Buffer) return to(Device.CPU).item();      // an explicit read: one counted download
        return read(offset);
    }

    /** A fresh row-major float[] copy of the values. */
    public float[] toFloatArray() {
        Tensor c = to(DType.F32).contiguous().to(Device.CPU);
        return Arrays.copyOfRange(c.f32(), c.offset, c.offset + c.numel());
    }

    /** A fresh row-major double[] copy of the values. */
    public double[] toDoubleArray() {
        Tensor c = to(DType.F64).contiguous().to(Device.CPU);
        return Arrays.copyOfRange(c.f64(), c.offset, c.offset + c.numel());
    }

    // ------------------------------------------------------------------ copies and conversion

    /** A contiguous copy (always a new storage). */
    public Tensor copy() {
        Tensor out = empty(device(), dtype(), shape);
        Backends.of(this).copy(this, out);
        return out;
    }

    /** This tensor if already contiguous, else a contiguous copy. */
    public Tensor contiguous() { return isContiguous() ? this : copy(); }

    /** Converts to another dtype (returns this when it already has it). */
    public Tensor to(DType dtype) {
        if (dtype == dtype()) return this;
        Tensor out = empty(device(), dtype, shape);
        Backends.of(this).copy(this, out);
        return out;
    }

    /**
     * This tensor on {@code device} (this when already there): a contiguous copy moved in one counted
     * transfer ({@link Transfers}). The only way data crosses between host and device.
     */
    public Tensor to(Device device) {
        Device from = device();
        if (device.equals(from)) return this;
        if (from.isCpu()) {
            return new Tensor(Backends.device(device).upload(contiguous()), 0, shape.clone(), Shape.contiguousStrides(shape));
        }
        Tensor host = Backends.device(from).download(contiguous());
        return device.isCpu() ? host : host.to(device);
    }

    /** Copies {@code src} (broadcast to this shape, any dtype) into this view, in place. */
    public Tensor copyFrom(Tensor src) {
        Backends.of(this).copy(src.expand(shape), this);
        return this;
    }

    /** Sets every element of this view to {@code v}, in place. */
    public Tensor fill(double v) {
        if (storage instanceof Storage.Buffer) {
            Backends.device(device()).fill(this, v);
        } else if (isContiguous()) {
            int n = numel();
            switch (storage) {
                case Storage.Floats(float[] a) -> Arrays.fill(a, offset, offset + n, (float) v);
                case Storage.Doubles(double[] a) -> Arrays.fill(a, offset, offset + n, v);
                case Storage.Buffer b -> throw new AssertionError();
            }
        } else {
            copyFrom(scalar(dtype(), v));
        }
        return this;
    }

    // ------------------------------------------------------------------ views (no copy)

    /** Same data, new shape; one dimension may be -1. Throws if the strides do not allow a view. */
    public Tensor view(int... newShape) {
        int[] s = inferShape("view", newShape);
        int[] st = Views.viewStrides(shape, strides, s);
        if (st == null)
            throw new IllegalArgumentException("view: shape " + Shape.str(shape) + " with strides " + Arrays.toString(strides)
                    + " cannot be viewed as " + Shape.str(s) + "; use reshape (copies) or contiguous() first");
        return new Tensor(storage, offset, s, st);
    }

    /** A view when the layout allows it, else a contiguous copy with the new shape. */
    public Tensor reshape(int... newShape) {
        int[] s = inferShape("reshape", newShape);
        int[] st = Views.viewStrides(shape, strides, s);
        if (st != null) return new Tensor(storage, offset, s, st);
        Tensor c = copy();
        return new Tensor(c.storage, 0, s, Shape.contiguousStrides(s));
    }

    private int[] inferShape(String op, int[] newShape) {
        int[] s = newShape.clone();
        int infer = -1, known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException(op + ": more than one -1 in " + Shape.str(newShape));
                infer = i;
            } else known *= s[i];
        }
        int n = numel();
        if (infer >= 0) {
            if (known == 0 || n % known != 0)
                throw new IllegalArgumentException(op + ": cannot infer -1 in " + Shape.str(newShape) + " for " + n + " elements of " + Shape.str(shape));
            s[infer] = n / known;
        }
        if (Shape.numel(s) != n)
            throw new IllegalArgumentException(op + ": shape " + Shape.str(shape) + " (" + n + " elements) cannot become " + Shape.str(newShape));
        return s;
    }

    /** Reorders the axes: result axis i is this tensor's axis perm[i]. */
    public Tensor permute(int... perm) {
        if (perm.length != shape.length)
            throw new IllegalArgumentException("permute: " + Arrays.toString(perm) + " does not match rank of " + Shape.str(shape));
        int[] s = new int[perm.length], st = new int[perm.length];
        boolean[] seen = new boolean[perm.length];
        for (int i = 0; i < perm.length; i++) {
            int p = Shape.axis("permute", perm[i], shape.length);
            if (seen[p]) throw new IllegalArgumentException("permute: repeated axis in " + Arrays.toString(perm));
            seen[p] = true;
            s[i] = shape[p];
            st[i] = strides[p];
        }
        return new Tensor(storage, offset, s, st);
    }

    /** Swaps two axes. */
    public Tensor transpose(int a, int b) {
        int[] perm = new int[shape.length];
        for (int i = 0; i < perm.length; i++) perm[i] = i;
        a = Shape.axis("transpose", a, shape.length);
        b = Shape.axis("transpose", b, shape.length);
        perm[a] = b;
        perm[b] = a;
        return permute(perm);
    }

    /** Swaps the last two axes (matrix transpose). */
    public Tensor mT() {
        if (shape.length < 2) throw new IllegalArgumentException("mT: needs rank >= 2, shape is " + Shape.str(shape));
        return transpose(-2, -1);
    }

    /** Elements [start, start+length) along {@code axis}. */
    public Tensor narrow(int axis, int start, int length) {
        int a = Shape.axis("narrow", axis, shape.length);
        if (start < 0) start += shape[a];
        if (start < 0 || length < 0 || start + length > shape[a])
            throw new IllegalArgumentException("narrow: [" + start + ", " + (start + length) + ") out of range for axis " + a + " of " + Shape.str(shape));
        int[] s = shape.clone();
        s[a] = length;
        return new Tensor(storage, offset + start * strides[a], s, strides.clone());
    }

    /** Index {@code index} of {@code axis}, removing that axis. */
    public Tensor select(int axis, int index) {
        int a = Shape.axis("select", axis, shape.length);
        return narrow(a, index, 1).squeeze(a);
    }

    /** Broadcasts to {@code newShape} with stride 0 on expanded axes (NumPy rules; -1 keeps a dimension). */
    public Tensor expand(int... newShape) {
        if (newShape.length < shape.length)
            throw new IllegalArgumentException("expand: cannot expand " + Shape.str(shape) + " to fewer dims " + Shape.str(newShape));
        int lead = newShape.length - shape.length;
        int[] s = new int[newShape.length], st = new int[newShape.length];
        for (int i = 0; i < newShape.length; i++) {
            int target = newShape[i];
            if (i < lead) {
                if (target < 0) throw new IllegalArgumentException("expand: -1 not allowed for new leading axis in " + Shape.str(newShape));
                s[i] = target;
                st[i] = 0;
            } else {
                int d = shape[i - lead];
                if (target == -1 || target == d) { s[i] = d; st[i] = strides[i - lead]; }
                else if (d == 1) { s[i] = target; st[i] = 0; }
                else throw new IllegalArgumentException("expand: shape " + Shape.str(shape) + " cannot be broadcast to " + Shape.str(newShape));
            }
        }
        if (Arrays.equals(s, shape) && Arrays.equals(st, strides)) return this;
        return new Tensor(storage, offset, s, st);
    }

    /** Removes axis {@code axis}, which must have size 1. */
    public Tensor squeeze(int axis) {
        int a = Shape.axis("squeeze", axis, shape.length);
        if (shape[a] != 1) throw new IllegalArgumentException("squeeze: axis " + a + " of " + Shape.str(shape) + " is not 1");
        int[] s = new int[shape.length - 1], st = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) if (i != a) { s[j] = shape[i]; st[j++] = strides[i]; }
        return new Tensor(storage, offset, s, st);
    }

    /** Inserts a size-1 axis at position {@code axis} (0..rank). */
    public Tensor unsqueeze(int axis) {
        int a = axis < 0 ? axis + shape.length + 1 : axis;
        if (a < 0 || a > shape.length)
            throw new IllegalArgumentException("unsqueeze: axis " + axis + " out of range for " + Shape.str(shape));
        int[] s = new int[shape.length + 1], st = new int[shape.length + 1];
        for (int i = 0, j = 0; i < s.length; i++) {
            if (i == a) { s[i] = 1; st[i] = a < shape.length ? strides[a] * shape[a] : 1; }
            else { s[i] = shape[j]; st[i] = strides[j++]; }
        }
        return new Tensor(storage, offset, s, st);
    }

    /** Merges axes [start, end] into one. */
    public Tensor flatten(int start, int end) {
        int a = Shape.axis("flatten", start, shape.length), b = Shape.axis("flatten", end, shape.length);
        int[] s = new int[shape.length - (b - a)];
        int j = 0;
        for (int i = 0; i < a; i++) s[j++] = shape[i];
        int m = 1;
        for (int i = a; i <= b; i++) m *= shape[i];
        s[j++] = m;
        for (int i = b + 1; i < shape.length; i++) s[j++] = shape[i];
        return reshape(s);
    }

    private void checkBounds() {
        if (numel() == 0) return;
        long lo = offset, hi = offset;
        for (int d = 0; d < shape.length; d++) {
            long span = (long) (shape[d] - 1) * strides[d];
            if (span < 0) lo += span; else hi += span;
        }
        if (lo < 0 || hi >= storage.length())
            throw new IllegalArgumentException("view " + Shape.str(shape) + " strides " + Arrays.toString(strides)
                    + " offset " + offset + " does not fit a storage of " + storage.length());
    }

    // ------------------------------------------------------------------ elementwise (ops/Elementwise)

    public Tensor add(Tensor o) { return Elementwise.binary(BinaryOp.ADD, this, o); }
    public Tensor sub(Tensor o) { return Elementwise.binary(BinaryOp.SUB, this, o); }
    public Tensor mul(Tensor o) { return Elementwise.binary(BinaryOp.MUL, this, o); }
    public Tensor div(Tensor o) { return Elementwise.binary(BinaryOp.DIV, this, o); }
    public Tensor pow(Tensor o) { return Elementwise.binary(BinaryOp.POW, this, o); }
    public Tensor maximum(Tensor o) { return Elementwise.binary(BinaryOp.MAX, this, o); }
    public Tensor minimum(Tensor o) { return Elementwise.binary(BinaryOp.MIN, this, o); }
    public Tensor add(double c) { return Elementwise.binary(BinaryOp.ADD, this, scalar(dtype(), c)); }
    public Tensor sub(double c) { return Elementwise.binary(BinaryOp.SUB, this, scalar(dtype(), c)); }
    public Tensor mul(double c) { return Elementwise.binary(BinaryOp.MUL, this, scalar(dtype(), c)); }
    public Tensor div(double c) { return Elementwise.binary(BinaryOp.DIV, this, scalar(dtype(), c)); }
    public Tensor pow(double c) { return Elementwise.binary(BinaryOp.POW, this, scalar(dtype(), c)); }

    public Tensor neg() { return Elementwise.unary(UnaryOp.NEG, this); }
    public Tensor exp() { return Elementwise.unary(UnaryOp.EXP, this); }
    public Tensor log() { return Elementwise.unary(UnaryOp.LOG, this); }
    public Tensor sqrt() { return Elementwise.unary(UnaryOp.SQRT, this); }
    public Tensor abs() { return Elementwise.unary(UnaryOp.ABS, this); }
    public Tensor tanh() { return Elementwise.unary(UnaryOp.TANH, this); }
    public Tensor sigmoid() { return Elementwise.unary(UnaryOp.SIGMOID, this); }
    public Tensor relu() { return Elementwise.unary(UnaryOp.RELU, this); }
    /** GELU, exact erf form: x·Φ(x). */
    public Tensor gelu() { return Elementwise.unary(UnaryOp.GELU, this); }
    /** CLIP's QuickGELU: x·sigmoid(1.702·x). */
    public Tensor quickGelu() { return Elementwise.unary(UnaryOp.QUICK_GELU, this); }
    public Tensor unary(UnaryOp op) { return Elementwise.unary(op, this); }

    /** min(max(x, lo), hi); pass ±Infinity to leave a side open. */
    public Tensor clamp(double lo, double hi) { return Elementwise.clamp(this, lo, hi); }

    /** cond ? a : b elementwise (cond != 0 is true), with broadcasting of all three. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) { return Elementwise.where(cond, a, b); }

    /** this += alpha·o (o broadcast to this shape), in place. */
    public Tensor addInPlace(Tensor o, double alpha) { Elementwise.axpyInPlace(this, o, alpha); return this; }

    /** this *= c, in place. */
    public Tensor mulInPlace(double c) { Elementwise.scaleInPlace(this, c); return this; }

    /** this *= o elementwise (o broadcast to this shape), in place; this * o == o * this bit for bit. */
    public Tensor mulInPlace(Tensor o) { Elementwise.binaryInPlace(BinaryOp.MUL, this, o); return this; }

    // ------------------------------------------------------------------ reductions (ops/Reductions)

    public Tensor sum(int[] axes, boolean keepdim) { return Reductions.sum(this, axes, keepdim); }
    public Tensor sum() { return Reductions.sum(this, null, false); }
    public Tensor sum(int axis, boolean keepdim) { return Reductions.sum(this, new int[]{axis}, keepdim); }
    public Tensor mean(int[] axes, boolean keepdim) { return Reductions.mean(this, axes, keepdim); }
    public Tensor mean() { return Reductions.mean(this, null, false); }
    public Tensor mean(int axis, boolean keepdim) { return Reductions.mean(this, new int[]{axis}, keepdim); }
    public Tensor max(int axis, boolean keepdim) { return Reductions.max(this, axis, keepdim); }
    public Tensor max() { return Reductions.max(this.reshape(-1), 0, false); }
    /** Indices of the maximum along {@code axis} (first occurrence), as an int array in row-major order of the reduced shape. */
    public int[] argmax(int axis) { return Reductions.argmax(this, axis); }
    /** Variance over axes; {@code unbiased} divides by n-1 (PyTorch's default) instead of n. */
    public Tensor var(int[] axes, boolean unbiased, boolean keepdim) { return Reductions.var(this, axes, unbiased, keepdim); }

    /** Sums broadcast axes away so the result has {@code target} shape (the adjoint of expand). */
    public Tensor sumTo(int... target) { return Reductions.sumTo(this, target); }

    // ------------------------------------------------------------------ normalisation and linear algebra

    public Tensor softmax(int axis) { return Normalization.softmax(this, axis, false); }
    public Tensor logSoftmax(int axis) { return Normalization.softmax(this, axis, true); }

    /** Layer norm over the last axis with optional affine weight/bias (null to skip). */
    public Tensor layerNorm(Tensor weight, Tensor bias, double eps) { return Normalization.layerNorm(this, weight, bias, eps).out(); }

    /** [..., M, K] · [..., K, N] → [..., M, N] with broadcast batch axes (2-D and batched). */
    public Tensor matmul(Tensor b) { return Linalg.matmul(this, b, false); }

    /** [..., M, K] · [..., N, K]ᵀ → [..., M, N] without materialising the transpose. */
    public Tensor matmulT(Tensor b) { return Linalg.matmul(this, b, true); }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder("Tensor(").append(dtype()).append(' ').append(Shape.str(shape));
        int n = Math.min(numel(), 8);
        sb.append(" [");
        for (int i = 0; i < n; i++) sb.append(i > 0 ? ", " : "").append((float) getFlat(i));
        if (numel() > n) sb.append(", ...");
        return sb.append("])").toString();
    }
}
