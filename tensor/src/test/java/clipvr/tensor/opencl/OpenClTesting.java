package clipvr.tensor.opencl;

import clipvr.tensor.DType;
import clipvr.tensor.Device;
import clipvr.tensor.Tensor;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Shared set-up of the OpenCL tests: they skip (not fail) where no OpenCL device exists; CI installs PoCL. */
public final class OpenClTesting {
    private OpenClTesting() {}

    public static final Device DEVICE = new Device("opencl", 0);

    /** Skips the calling test unless opencl:0 exists. */
    public static Device device() {
        String why = OpenClDevice.unavailableReason();
        assumeTrue(why == null, () -> "OpenCL tests skipped: " + why);
        return DEVICE;
    }

    /** Skips unless opencl:0 exists and supports float64 when asked for. */
    public static Device device(DType dtype) {
        Device d = device();
        assumeTrue(dtype == DType.F32 || OpenClDevice.get(0).fp64(), "device has no fp64");
        return d;
    }

    public static Tensor random(DType dtype, SplittableRandom rng, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextDouble(-2, 2);
        return Tensor.of(v, shape).to(dtype);
    }

    public static int[] randomShape(SplittableRandom rng, int minRank, int maxRank, int maxDim) {
        int[] s = new int[rng.nextInt(minRank, maxRank + 1)];
        for (int i = 0; i < s.length; i++) s[i] = rng.nextInt(1, maxDim + 1);
        return s;
    }

    /** Largest |e - a|, and fails with the position when it exceeds atol + rtol·|e| anywhere. */
    public static double assertClose(String what, double[] expected, double[] actual, double atol, double rtol) {
        if (expected.length != actual.length) throw new AssertionError(what + ": length " + actual.length + " != " + expected.length);
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            if (Double.isNaN(e) && Double.isNaN(a) || e == a) continue;
            double d = Math.abs(e - a);
            if (!(d <= atol + rtol * Math.abs(e)))
                throw new AssertionError(what + ": at " + i + " expected " + e + " got " + a + " (|diff| " + d + ")");
            max = Math.max(max, d);
        }
        return max;
    }
}
