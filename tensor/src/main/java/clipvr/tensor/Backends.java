package clipvr.tensor;

import clipvr.tensor.kernels.CpuBackend;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which {@link Backend} runs a tensor's kernels: one per device type. The CPU backend is always
 * present (SIMD, or the reference kernels with {@code -Dclipvr.kernels=reference}); other devices
 * register theirs at run time. {@link #describe()} is the start-up line naming the backend.
 */
public final class Backends {
    private Backends() {}

    private static final Backend CPU = new CpuBackend(CpuBackend.REFERENCE);
    private static final Map<String, Backend> BY_DEVICE = new ConcurrentHashMap<>(Map.of("cpu", CPU));

    public static Backend cpu() { return CPU; }

    public static Backend of(Tensor t) { return of(t.device()); }

    public static Backend of(Device device) {
        Backend b = BY_DEVICE.get(device.type());
        if (b == null) throw new IllegalStateException("no backend registered for device " + device);
        return b;
    }

    public static void register(String deviceType, Backend backend) { BY_DEVICE.put(deviceType, backend); }

    /** e.g. "backend: cpu-simd (512-bit vectors, 2 threads)". */
    public static String describe() { return "backend: " + CPU.name(); }
}
