package clipvr.tensor;

import clipvr.tensor.kernels.CpuBackend;
import clipvr.tensor.opencl.OpenClBackend;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which {@link Backend} runs a tensor's kernels. The CPU backend is always present (SIMD, or the
 * reference kernels with {@code -Dclipvr.kernels=reference}); OpenCL devices get an
 * {@link OpenClBackend} on first use; other devices may {@link #register} theirs.
 * {@link #describe()} is the start-up line naming the backend.
 */
public final class Backends {
    private Backends() {}

    private static final Backend CPU = new CpuBackend(CpuBackend.REFERENCE);
    private static final Map<String, Backend> BY_DEVICE = new ConcurrentHashMap<>(Map.of("cpu", CPU));

    public static Backend cpu() { return CPU; }

    public static Backend of(Tensor t) { return of(t.device()); }

    /**
     * The backend for an op over several operands: the device of the first operand that is not on the
     * CPU (host operands must then be broadcast scalars, which device kernels take by value), else the CPU.
     */
    public static Backend of(Tensor first, Tensor... more) { return of(deviceOf(first, more)); }

    /** The device an op over these operands runs on (see {@link #of(Tensor, Tensor...)}); null operands are skipped. */
    public static Device deviceOf(Tensor first, Tensor... more) {
        if (first != null && !first.device().isCpu()) return first.device();
        for (Tensor t : more) if (t != null && !t.device().isCpu()) return t.device();
        return Device.CPU;
    }

    public static Backend of(Device device) {
        if (device.isCpu()) return CPU;
        Backend b = BY_DEVICE.computeIfAbsent(device.toString(), k -> device.type().equals("opencl") ? OpenClBackend.open(device.index()) : null);
        if (b == null) b = BY_DEVICE.get(device.type());
        if (b == null) throw new IllegalStateException("no backend registered for device " + device);
        return b;
    }

    /** The backend of a non-CPU device, which can allocate and transfer. */
    public static DeviceBackend device(Device device) {
        if (of(device) instanceof DeviceBackend d) return d;
        throw new IllegalStateException("device " + device + " has no device backend");
    }

    public static void register(String deviceType, Backend backend) { BY_DEVICE.put(deviceType, backend); }

    /** e.g. "backend: cpu-simd (512-bit vectors, 2 threads)". */
    public static String describe() { return "backend: " + CPU.name(); }
}
