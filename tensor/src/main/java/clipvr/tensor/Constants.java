package clipvr.tensor;

import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Host constants (masks, normalisation statistics, text-embedding tables) that meet device tensors: each is
 * uploaded once per device on first use, and the copy is kept for as long as the host tensor lives. So a
 * training step uploads its constants only the first time, and later steps move only their inputs and outputs.
 * Only for values that are never modified in place after their first use on a device.
 */
public final class Constants {
    private Constants() {}

    private static final Map<Tensor, Map<Device, Tensor>> CACHE = new WeakHashMap<>();   // keys by identity (Tensor has no equals)

    /** {@code host} itself on the CPU (or when already on {@code device}), else its cached device copy. */
    public static Tensor on(Device device, Tensor host) {
        if (device.equals(host.device())) return host;
        synchronized (CACHE) {
            return CACHE.computeIfAbsent(host, k -> new HashMap<>()).computeIfAbsent(device, host::to);
        }
    }
}
