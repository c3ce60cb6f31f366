package clipvr.tensor;

import java.util.Arrays;

/** Shape and stride arithmetic shared by every op: numel, contiguous strides, axes, broadcasting. */
public final class Shape {
    private Shape() {}

    public static int numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + str(shape));
            n *= d;
        }
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("tensor too large: " + str(shape));
        return (int) n;
    }

    /** Row-major strides: stride[d] = prod(shape[d+1..]). */
    public static int[] contiguousStrides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int d = shape.length - 1; d >= 0; d--) { s[d] = acc; acc *= Math.max(shape[d], 1); }
        return s;
    }

    /** Normalises a possibly negative axis against a rank, with an error naming the op. */
    public static int axis(String op, int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= Math.max(rank, 1) || (rank == 0 && a != 0))
            throw new IllegalArgumentException(op + ": axis " + axis + " out of range for rank " + rank);
        return a;
    }

    /** Normalised, sorted, de-duplicated axes; an empty or null array means "all axes". */
    public static int[] axes(String op, int[] axes, int rank) {
        if (axes == null || axes.length == 0) {
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) all[i] = i;
            return all;
        }
        int[] a = new int[axes.length];
        for (int i = 0; i < axes.length; i++) a[i] = axis(op, axes[i], rank);
        Arrays.sort(a);
        for (int i = 1; i < a.length; i++)
            if (a[i] == a[i - 1]) throw new IllegalArgumentException(op + ": repeated axis " + a[i]);
        return a;
    }

    /** NumPy broadcasting of two shapes; a mismatch names the op and both shapes. */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1)
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b) + " cannot be broadcast");
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Shape after reducing {@code axes} (sorted) with or without keeping them as size 1. */
    public static int[] reduced(int[] shape, int[] axes, boolean keepdim) {
        boolean[] r = new boolean[shape.length];
        for (int a : axes) r[a] = true;
        int[] out = new int[keepdim ? shape.length : shape.length - axes.length];
        for (int d = 0, j = 0; d < shape.length; d++) {
            if (!r[d]) out[j++] = shape[d];
            else if (keepdim) out[j++] = 1;
        }
        return out;
    }

    public static String str(int[] shape) { return Arrays.toString(shape); }

    public static int[] of(int... dims) { return dims.clone(); }
}
