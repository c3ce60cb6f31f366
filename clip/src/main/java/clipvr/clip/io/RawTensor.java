package clipvr.clip.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A tensor as stored in a checkpoint, independent of the project's compute tensor class.
 *
 * <p>{@code data} holds exactly {@code numel() * dtype.size} bytes, little-endian, row-major (C order), contiguous.
 * It may be a slice of a memory-mapped file; treat it as read-only. The accessor returns an independent view
 * (position 0, little-endian), so callers cannot disturb each other.
 */
public record RawTensor(String name, StorageDType dtype, long[] shape, ByteBuffer data) {

    public RawTensor {
        if (name == null || dtype == null || shape == null || data == null)
            throw new IllegalArgumentException("RawTensor: null component");
        shape = shape.clone();
        long n = numel(shape, name);
        data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
        if ((long) data.remaining() != Math.multiplyExact(n, (long) dtype.size))
            throw new CheckpointException(CheckpointException.Reason.BAD_CONTENT,
                    "tensor '" + name + "' " + dtype + Arrays.toString(shape) + " needs " + n * dtype.size
                            + " bytes but has " + data.remaining());
    }

    @Override public long[] shape() { return shape.clone(); }

    @Override public ByteBuffer data() { return data.duplicate().order(ByteOrder.LITTLE_ENDIAN); }

    public int rank() { return shape.length; }

    public long numel() { return numel(shape, name); }

    public long byteSize() { return (long) data.remaining(); }

    public RawTensor withName(String newName) { return new RawTensor(newName, dtype, shape, data); }

    /** Same bytes with a new shape of the same element count. */
    public RawTensor reshape(long... newShape) { return new RawTensor(name, dtype, newShape, data); }

    static long numel(long[] shape, String name) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) throw new CheckpointException(CheckpointException.Reason.BAD_CONTENT,
                    "tensor '" + name + "' has a negative dimension in shape " + Arrays.toString(shape));
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw new CheckpointException(CheckpointException.Reason.VALIDATION_OVERFLOW,
                        "tensor '" + name + "' shape " + Arrays.toString(shape) + " overflows");
            }
        }
        return n;
    }

    // ----------------------------------------------------------------------------------------------------------
    // element access and conversion

    /** Element {@code i} (flat, row-major) converted to double. Booleans are 0/1; integers are exact up to 2^53. */
    public double getDouble(long i) {
        int b = Math.toIntExact(i * dtype.size);
        return switch (dtype) {
            case BOOL -> data.get(b) != 0 ? 1 : 0;
            case U8 -> data.get(b) & 0xFF;
            case I8 -> data.get(b);
            case I16 -> data.getShort(b);
            case I32 -> data.getInt(b);
            case I64 -> data.getLong(b);
            case F16 -> Float.float16ToFloat(data.getShort(b));
            case BF16 -> Float.intBitsToFloat((data.getShort(b) & 0xFFFF) << 16);
            case F32 -> data.getFloat(b);
            case F64 -> data.getDouble(b);
        };
    }

    /** Element {@code i} as a long; floating-point values must be integral. */
    public long getLong(long i) {
        int b = Math.toIntExact(i * dtype.size);
        return switch (dtype) {
            case I64 -> data.getLong(b);
            case I32 -> data.getInt(b);
            default -> {
                double v = getDouble(i);
                if (v != Math.rint(v) || Double.isInfinite(v))
                    throw new CheckpointException(CheckpointException.Reason.BAD_CONTENT,
                            "tensor '" + name + "' element " + i + " = " + v + " is not an integer");
                yield (long) v;
            }
        };
    }

    public float[] toFloatArray() {
        int n = arrayLength();
        float[] out = new float[n];
        switch (dtype) {
            case F32 -> data.asFloatBuffer().get(0, out);
            case F16 -> { for (int i = 0; i < n; i++) out[i] = Float.float16ToFloat(data.getShort(2 * i)); }
            case BF16 -> { for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat((data.getShort(2 * i) & 0xFFFF) << 16); }
            default -> { for (int i = 0; i < n; i++) out[i] = (float) getDouble(i); }
        }
        return out;
    }

    public double[] toDoubleArray() {
        int n = arrayLength();
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = getDouble(i);
        return out;
    }

    public long[] toLongArray() {
        int n = arrayLength();
        long[] out = new long[n];
        for (int i = 0; i < n; i++) out[i] = getLong(i);
        return out;
    }

    public int[] toIntArray() {
        int n = arrayLength();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            long v = getLong(i);
            if (v != (int) v) throw new CheckpointException(CheckpointException.Reason.BAD_CONTENT,
                    "tensor '" + name + "' element " + i + " = " + v + " does not fit in an int");
            out[i] = (int) v;
        }
        return out;
    }

    private int arrayLength() {
        long n = numel();
        if (n > Integer.MAX_VALUE - 8) throw new CheckpointException(CheckpointException.Reason.LIMIT_EXCEEDED,
                "tensor '" + name + "' has " + n + " elements, too many for a Java array");
        return (int) n;
    }

    /** Converts to another dtype (float→float rounds to nearest even; float→int must be integral). */
    public RawTensor convertTo(StorageDType target) {
        if (target == dtype) return this;
        if (target.isFloatingPoint() || !dtype.isFloatingPoint()) {
            return fromDoubles(name, target, shape, toDoubleArray());
        }
        return fromLongs(name, target, shape, toLongArray());
    }

    /** True when dtype, shape and bytes are identical. */
    public boolean contentEquals(RawTensor o) {
        return dtype == o.dtype && Arrays.equals(shape, o.shape) && data.equals(o.data);
    }

    @Override public String toString() {
        return "RawTensor[" + name + " " + dtype + Arrays.toString(shape) + "]";
    }

    @Override public boolean equals(Object o) {
        return o instanceof RawTensor t && name.equals(t.name) && contentEquals(t);
    }

    @Override public int hashCode() { return name.hashCode() * 31 + Arrays.hashCode(shape); }

    // ----------------------------------------------------------------------------------------------------------
    // factories (values are encoded into a fresh heap buffer)

    public static RawTensor ofFloats(String name, long[] shape, float[] values) {
        return fromFloats(name, StorageDType.F32, shape, values);
    }

    /** Encodes float values into {@code dtype} (F16/BF16 round to nearest even; integer targets need integral values). */
    public static RawTensor fromFloats(String name, StorageDType dtype, long[] shape, float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) d[i] = values[i];
        return fromDoubles(name, dtype, shape, d);
    }

    public static RawTensor fromDoubles(String name, StorageDType dtype, long[] shape, double[] values) {
        ByteBuffer b = alloc(name, dtype, shape, values.length);
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            int p = i * dtype.size;
            switch (dtype) {
                case F64 -> b.putDouble(p, v);
                case F32 -> b.putFloat(p, (float) v);
                case F16 -> b.putShort(p, Float.floatToFloat16((float) v));
                case BF16 -> b.putShort(p, floatToBFloat16((float) v));
                default -> putInteger(b, p, dtype, integral(name, i, v));
            }
        }
        return new RawTensor(name, dtype, shape, b);
    }

    public static RawTensor fromLongs(String name, StorageDType dtype, long[] shape, long[] values) {
        ByteBuffer b = alloc(name, dtype, shape, values.length);
        for (int i = 0; i < values.length; i++) {
            int p = i * dtype.size;
            if (dtype.isFloatingPoint()) {
                double v = values[i];
                switch (dtype) {
                    case F64 -> b.putDouble(p, v);
                    case F32 -> b.putFloat(p, (float) v);
                    case F16 -> b.putShort(p, Float.floatToFloat16((float) v));
                    default -> b.putShort(p, floatToBFloat16((float) v));
                }
            } else putInteger(b, p, dtype, values[i]);
        }
        return new RawTensor(name, dtype, shape, b);
    }

    public static RawTensor fromInts(String name, StorageDType dtype, long[] shape, int[] values) {
        long[] l = new long[values.length];
        for (int i = 0; i < l.length; i++) l[i] = values[i];
        return fromLongs(name, dtype, shape, l);
    }

    /** float32 → bfloat16 bits, round to nearest even; NaN stays a (quiet) NaN. */
    public static short floatToBFloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x0040);
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    private static ByteBuffer alloc(String name, StorageDType dtype, long[] shape, int count) {
        if (numel(shape, name) != count) throw new IllegalArgumentException(
                "tensor '" + name + "': " + count + " values for shape " + Arrays.toString(shape));
        return ByteBuffer.allocate(Math.multiplyExact(count, dtype.size)).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static long integral(String name, int i, double v) {
        if (v != Math.rint(v) || Double.isInfinite(v)) throw new CheckpointException(
                CheckpointException.Reason.BAD_CONTENT, "tensor '" + name + "' element " + i + " = " + v
                + " cannot be stored in an integer dtype");
        return (long) v;
    }

    private static void putInteger(ByteBuffer b, int p, StorageDType dtype, long v) {
        switch (dtype) {
            case BOOL -> b.put(p, (byte) (v != 0 ? 1 : 0));
            case U8, I8 -> b.put(p, (byte) v);
            case I16 -> b.putShort(p, (short) v);
            case I32 -> b.putInt(p, (int) v);
            case I64 -> b.putLong(p, v);
            default -> throw new AssertionError(dtype);
        }
    }
}
