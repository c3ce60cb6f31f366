package clipvr.tensor.ops;

import clipvr.tensor.Backends;
import clipvr.tensor.DType;
import clipvr.tensor.Device;
import clipvr.tensor.Shape;
import clipvr.tensor.Tensor;

import java.util.Arrays;

/** Elementwise ops with NumPy broadcasting; the arithmetic is in the backend kernels. */
public final class Elementwise {
    private Elementwise() {}

    static void sameDType(String op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype())
            throw new IllegalArgumentException(op + ": dtype mismatch " + a.dtype() + " " + Shape.str(a.shape())
                    + " vs " + b.dtype() + " " + Shape.str(b.shape()));
    }

    public static Tensor unary(UnaryOp op, Tensor x) {
        Tensor out = Tensor.empty(x.device(), x.dtype(), x.shape());
        Backends.of(x).unary(op, x, out);
        return out;
    }

    /** out = op(a, b) with shape broadcast(a, b). */
    public static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        sameDType(op.name().toLowerCase(), a, b);
        int[] shape = Shape.broadcast(op.name().toLowerCase(), a.shape(), b.shape());
        Device device = Backends.deviceOf(a, b);      // a host scalar may meet a device tensor
        Tensor out = Tensor.empty(device, a.dtype(), shape);
        Backends.of(device).binary(op, a.expand(shape), b.expand(shape), out);
        return out;
    }

    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        sameDType("where", a, b);
        int[] shape = Shape.broadcast("where", Shape.broadcast("where", cond.shape(), a.shape()), b.shape());
        Device device = Backends.deviceOf(a, b, cond);
        Tensor out = Tensor.empty(device, a.dtype(), shape);
        Backends.of(device).where(cond.expand(shape), a.expand(shape), b.expand(shape), out);
        return out;
    }

    public static Tensor clamp(Tensor x, double lo, double hi) {
        if (lo > hi) throw new IllegalArgumentException("clamp: min " + lo + " > max " + hi);
        Tensor out = Tensor.empty(x.device(), x.dtype(), x.shape());
        Backends.of(x).clamp(x, lo, hi, out);
        return out;
    }

    /** y += alpha·x in place (x broadcast to y's shape); y may be a strided view whose elements do not overlap. */
    public static void axpyInPlace(Tensor y, Tensor x, double alpha) {
        binaryInPlace(BinaryOp.ADD, y, alpha == 1.0 ? x : binary(BinaryOp.MUL, x, Tensor.scalar(x.dtype(), alpha)));
    }

    /** y = op(y, x) in place (x broadcast to y's shape); y may be a strided view whose elements do not overlap. */
    public static void binaryInPlace(BinaryOp op, Tensor y, Tensor x) {
        String name = op.name().toLowerCase() + "InPlace";
        sameDType(name, y, x);
        for (int d = 0; d < y.rank(); d++)
            if (y.strides()[d] == 0 && y.size(d) > 1)
                throw new IllegalArgumentException(name + ": target is a broadcast view " + Shape.str(y.shape()));
        if (!Arrays.equals(Shape.broadcast(name, y.shape(), x.shape()), y.shape()))
            throw new IllegalArgumentException(name + ": " + Shape.str(x.shape()) + " does not broadcast to the target's shape "
                    + Shape.str(y.shape()));
        Backends.of(y).binary(op, y, x.expand(y.shape()), y);
    }

    /** y *= c in place; y must be contiguous. */
    public static void scaleInPlace(Tensor y, double c) {
        if (!y.isContiguous()) throw new IllegalArgumentException("mulInPlace: target must be contiguous, shape " + Shape.str(y.shape()));
        Backends.of(y).binary(BinaryOp.MUL, y, Tensor.scalar(y.dtype(), c).expand(y.shape()), y);
    }

    /** A 0-d tensor of {@code dtype} (convenience for kernels that need a typed constant). */
    static Tensor constant(DType dtype, double v) { return Tensor.scalar(dtype, v); }
}
