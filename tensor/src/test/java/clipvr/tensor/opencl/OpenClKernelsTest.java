package clipvr.tensor.opencl;

import clipvr.tensor.*;
import clipvr.tensor.kernels.ReferenceKernels;
import clipvr.tensor.ops.BinaryOp;
import clipvr.tensor.ops.ReduceOp;
import clipvr.tensor.ops.UnaryOp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.SplittableRandom;

import static clipvr.tensor.opencl.OpenClTesting.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every OpenCL kernel equals its readable CPU twin ({@link ReferenceKernels}, float64 loops for GEMM) on
 * random shapes and strided layouts, in float32 and float64. Tolerances: float64 a few ulp; float32
 * elementwise a few ulp of the float32 result, and for sums the float32 summation bound n·u·Σ|terms|.
 */
class OpenClKernelsTest {
    static final double U32 = 0x1p-24, U64 = 0x1p-53;

    static double eps(DType dt) { return dt == DType.F32 ? U32 : U64; }

    /** A strided (transposed) device view holding the values of a fresh random tensor of the given shape. */
    static Tensor[] pair(DType dt, SplittableRandom rng, Device dev, int[] shape, boolean strided) {
        Tensor host = random(dt, rng, shape);
        if (strided && shape.length >= 2) {
            // store transposed, then view back: a non-contiguous layout on both sides
            Tensor t = host.transpose(0, shape.length - 1).contiguous();
            Tensor d = t.to(dev).transpose(0, shape.length - 1);
            return new Tensor[]{t.transpose(0, shape.length - 1), d};
        }
        return new Tensor[]{host, host.to(dev)};
    }

    @ParameterizedTest @EnumSource(DType.class)
    void unaryOpsMatchReference(DType dt) {
        Device dev = device(dt);
        SplittableRandom rng = new SplittableRandom(1);
        for (UnaryOp op : UnaryOp.values()) {
            int[] shape = randomShape(rng, 1, 4, 6);
            Tensor[] x = pair(dt, rng, dev, shape, rng.nextBoolean());
            if (op == UnaryOp.LOG || op == UnaryOp.SQRT) { x[0] = x[0].abs(); x[1] = x[1].abs(); }
            Tensor want = Tensor.empty(dt, shape), got = Tensor.empty(dev, dt, shape);
            ReferenceKernels.unary(op, x[0], want);
            Backends.of(dev).unary(op, x[1], got);
            assertClose(op + " " + dt, want.toDoubleArray(), got.toDoubleArray(), 8 * eps(dt), 16 * eps(dt));
        }
    }

    @ParameterizedTest @EnumSource(DType.class)
    void binaryOpsBroadcastAndHostScalars(DType dt) {
        Device dev = device(dt);
        SplittableRandom rng = new SplittableRandom(2);
        for (BinaryOp op : BinaryOp.values()) {
            int[] shape = randomShape(rng, 2, 4, 5);
            int[] bshape = shape.clone();
            bshape[rng.nextInt(shape.length)] = 1;                       // broadcast one axis
            Tensor[] a = pair(dt, rng, dev, shape, true), b = pair(dt, rng, dev, bshape, false);
            if (op == BinaryOp.POW) { a[0] = a[0].abs(); a[1] = a[1].abs(); }
            Tensor want = Tensor.empty(dt, shape), got = Tensor.empty(dev, dt, shape);
            ReferenceKernels.binary(op, a[0], b[0].expand(shape), want);
            Backends.of(dev).binary(op, a[1], b[1].expand(shape), got);
            assertClose(op + " " + dt, want.toDoubleArray(), got.toDoubleArray(), 8 * eps(dt), 16 * eps(dt));
            // a host scalar on either side travels by value
            Tensor s = Tensor.scalar(dt, 0.75).expand(shape);
            ReferenceKernels.binary(op, s, a[0], want);
            Backends.of(dev).binary(op, s, a[1], got);
            assertClose(op + " scalar " + dt, want.toDoubleArray(), got.toDoubleArray(), 8 * eps(dt), 16 * eps(dt));
        }
    }

    @ParameterizedTest @EnumSource(DType.class)
    void whereClampCopyFill(DType dt) {
        Device dev = device(dt);
        SplittableRandom rng = new SplittableRandom(3);
        int[] shape = {3, 4, 5};
        Tensor[] c = pair(dt, rng, dev, shape, true), a = pair(dt, rng, dev, shape, false), b = pair(dt, rng, dev, new int[]{1, 4, 1}, false);
        Tensor want = Tensor.empty(dt, shape), got = Tensor.empty(dev, dt, shape);
        ReferenceKernels.where(c[0].relu(), a[0], b[0].expand(shape), want);
        Backends.of(dev).where(c[1].relu(), a[1], b[1].expand(shape), got);
        assertArrayEquals(want.toDoubleArray(), got.toDoubleArray(), "where");
        ReferenceKernels.clamp(a[0], -0.5, 0.25, want);
        Backends.of(dev).clamp(a[1], -0.5, 0.25, got);
        assertArrayEquals(want.toDoubleArray(), got.toDoubleArray(), "clamp");
        // strided copy with dtype conversion into a strided destination
        DType other = dt == DType.F32 ? DType.F64 : DType.F32;
        Tensor wantT = Tensor.zeros(other, 5, 4, 3), gotT = Tensor.zeros(dev, other, 5, 4, 3);
        ReferenceKernels.copy(a[0], wantT.permute(2, 1, 0));
        Backends.of(dev).copy(a[1], gotT.permute(2, 1, 0));
        assertArrayEquals(wantT.toDoubleArray(), gotT.toDoubleArray(), "copy");
        Tensor f = Tensor.zeros(dev, dt, 4, 6);
        f.narrow(1, 1, 3).fill(2.5);
        assertArrayEquals(expectFill(dt), f.toDoubleArray(), "strided fill");
    }

    private static double[] expectFill(DType dt) {
        Tensor h = Tensor.zeros(dt, 4, 6);
        h.narrow(1, 1, 3).fill(2.5);
        return h.toDoubleArray();
    }

    @ParameterizedTest @EnumSource(DType.class)
    void rowKernelsMatchReference(DType dt) {
        Device dev = device(dt);
        SplittableRandom rng = new SplittableRandom(4);
        for (int trial = 0; trial < 4; trial++) {
            int rows = rng.nextInt(1, 7), n = new int[]{1, 7, 64, 200}[trial];
            Tensor[] x = pair(dt, rng, dev, new int[]{rows, n}, false);
            double sumBound = n * eps(dt) * 2 * n;                         // |x| ≤ 2: n·u·Σ|x|
            for (ReduceOp op : ReduceOp.values()) {
                Tensor want = Tensor.empty(dt, rows), got = Tensor.empty(dev, dt, rows);
                ReferenceKernels.reduceRows(op, x[0], rows, n, want);
                Backends.of(dev).reduceRows(op, x[1], rows, n, got);
                assertClose(op + " n=" + n, want.toDoubleArray(), got.toDoubleArray(), op == ReduceOp.SUM ? sumBound : 0, 0);
            }
            int[] wantArg = new int[rows], gotArg = new int[rows];
            ReferenceKernels.argmaxRows(x[0], rows, n, wantArg);
            Backends.of(dev).argmaxRows(x[1], rows, n, gotArg);
            assertArrayEquals(wantArg, gotArg, "argmax");
            for (boolean log : new boolean[]{false, true}) {
                Tensor want = Tensor.empty(dt, rows, n), got = Tensor.empty(dev, dt, rows, n);
                ReferenceKernels.softmaxRows(x[0], rows, n, log, want);
                Backends.of(dev).softmaxRows(x[1], rows, n, log, got);
                assertClose((log ? "log" : "") + "softmax n=" + n, want.toDoubleArray(), got.toDoubleArray(), 8 * n * eps(dt), 8 * eps(dt));
            }
            Tensor[] w = pair(dt, rng, dev, new int[]{n}, false), b = pair(dt, rng, dev, new int[]{n}, false), g = pair(dt, rng, dev, new int[]{rows, n}, false);
            Tensor want = Tensor.empty(dt, rows, n), mean = Tensor.empty(dt, rows), rstd = Tensor.empty(dt, rows);
            Tensor got = Tensor.empty(dev, dt, rows, n), dmean = Tensor.empty(dev, dt, rows), drstd = Tensor.empty(dev, dt, rows);
            ReferenceKernels.layerNormRows(x[0], rows, n, w[0], b[0], 1e-5, want, mean, rstd);
            Backends.of(dev).layerNormRows(x[1], rows, n, w[1], b[1], 1e-5, got, dmean, drstd);
            double lnTol = 64 * n * eps(dt);
            assertClose("layerNorm n=" + n, want.toDoubleArray(), got.toDoubleArray(), lnTol * 100, 0);
            assertClose("layerNorm mean", mean.toDoubleArray(), dmean.toDoubleArray(), lnTol, 0);
            assertClose("layerNorm rstd", rstd.toDoubleArray(), drstd.toDoubleArray(), lnTol * 100, lnTol);
            Tensor wantDx = Tensor.empty(dt, rows, n), gotDx = Tensor.empty(dev, dt, rows, n);
            ReferenceKernels.layerNormBackwardRows(x[0], g[0], rows, n, w[0], mean, rstd, wantDx);
            Backends.of(dev).layerNormBackwardRows(x[1], g[1], rows, n, w[1], mean.to(dev), rstd.to(dev), gotDx);
            assertClose("layerNormBackward n=" + n, wantDx.toDoubleArray(), gotDx.toDoubleArray(), lnTol * 1000, 0);
        }
    }

    @ParameterizedTest @EnumSource(DType.class)
    void gemmAllTransposesBatchedAgainstFloat64Loops(DType dt) {
        Device dev = device(dt);
        SplittableRandom rng = new SplittableRandom(5);
        for (int trial = 0; trial < 8; trial++) {
            boolean ta = (trial & 1) != 0, tb = (trial & 2) != 0, broadcastB = (trial & 4) != 0;
            int batch = rng.nextInt(1, 4), m = rng.nextInt(1, 70), n = rng.nextInt(1, 70), k = rng.nextInt(1, 90);
            int lda = (ta ? m : k) + rng.nextInt(3), ldb = (tb ? k : n) + rng.nextInt(3), ldc = n + rng.nextInt(3);
            int sa = (ta ? k : m) * lda, sb = broadcastB ? 0 : (tb ? n : k) * ldb, sc = m * ldc;
            int aOff = rng.nextInt(4), bOff = rng.nextInt(4);
            Tensor a = random(dt, rng, aOff + batch * sa), b = random(dt, rng, bOff + (broadcastB ? 1 : batch) * (tb ? n : k) * ldb);
            Tensor c = random(dt, rng, batch * sc);
            double alpha = 0.5 + rng.nextDouble(), beta = trial % 3 == 0 ? 0 : rng.nextDouble();
            Tensor got = c.to(dev);
            Backends.of(dev).gemm(ta, tb, batch, m, n, k, alpha, a.to(dev), aOff, sa, lda, b.to(dev), bOff, sb, ldb, beta, got, 0, sc, ldc);
            double[] av = a.toDoubleArray(), bv = b.toDoubleArray(), cv = c.toDoubleArray(), g = got.toDoubleArray();
            for (int p = 0; p < batch; p++)
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++) {
                        double s = 0, abs = 0;
                        for (int q = 0; q < k; q++) {
                            double x = av[aOff + p * sa + (ta ? q * lda + i : i * lda + q)];
                            double y = bv[bOff + p * sb + (tb ? j * ldb + q : q * ldb + j)];
                            s += x * y;
                            abs += Math.abs(x * y);
                        }
                        int at = p * sc + i * ldc + j;
                        double want = alpha * s + beta * cv[at];
                        double tol = 2 * (k + 2) * eps(dt) * (alpha * abs + Math.abs(beta * cv[at])) + 1e-300;
                        if (!(Math.abs(want - g[at]) <= tol))
                            throw new AssertionError("gemm ta=" + ta + " tb=" + tb + " [" + p + "," + i + "," + j + "] want " + want + " got " + g[at]);
                    }
            // padding columns between rows (j ≥ n) keep their old values
            for (int p = 0; p < batch; p++) for (int i = 0; i < m; i++) for (int j = n; j < ldc; j++)
                assertEquals(cv[p * sc + i * ldc + j], g[p * sc + i * ldc + j], "gemm wrote outside C");
        }
    }

    @ParameterizedTest @EnumSource(DType.class)
    void matmulOnAClipShapeMatchesCpu(DType dt) {
        // the CPU GEMM and the device agree on a CLIP-like projection shape
        Device dev = device(dt);
        SplittableRandom rng = new SplittableRandom(6);
        Tensor x = random(dt, rng, 50, 96), w = random(dt, rng, 64, 96);
        double[] want = x.matmulT(w).toDoubleArray(), got = x.to(dev).matmulT(w.to(dev)).toDoubleArray();
        assertClose("matmulT", want, got, 2 * 96 * eps(dt) * 4 * 96, 0);
        if (dt == DType.F64) assertClose("matmulT f64", want, got, 1e-12, 0);
    }

    @ParameterizedTest @EnumSource(DType.class)
    void sameRunTwiceGivesSameBits(DType dt) {
        Device dev = device(dt);
        SplittableRandom rng = new SplittableRandom(7);
        Tensor x = random(dt, rng, 33, 130).to(dev), w = random(dt, rng, 130, 70).to(dev);
        double[] first = x.matmul(w).softmax(1).sum(0, false).toDoubleArray();
        double[] second = x.matmul(w).softmax(1).sum(0, false).toDoubleArray();
        assertEquals(Arrays.toString(first), Arrays.toString(second));
    }
}
