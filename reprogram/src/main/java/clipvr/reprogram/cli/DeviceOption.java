package clipvr.reprogram.cli;

import clipvr.tensor.Backends;
import clipvr.tensor.Device;
import clipvr.tensor.opencl.OpenClException;
import picocli.CommandLine.Option;

/**
 * {@code --device cpu|opencl[:N]}, a picocli mixin for the commands that run models. The default is
 * {@code -Dclipvr.device}, else the CPU. A device that cannot be opened is a usage error whose message says
 * what is missing (no ICD loader, no platform, no device N) and lists the devices that exist.
 */
public final class DeviceOption {
    @Option(names = "--device", paramLabel = "DEVICE",
            description = "where the model runs: cpu (default, or -Dclipvr.device) or opencl[:N] (an OpenCL GPU, or PoCL on the CPU)")
    String device;

    /** The chosen device, opened (its kernels built); also recorded in -Dclipvr.device for the code it calls. */
    public Device resolve() {
        Device d = device == null ? Device.fromProperty() : Device.parse(device);
        if (d.isCpu()) return d;
        try {
            Backends.of(d);
        } catch (OpenClException e) {
            throw new IllegalArgumentException("--device " + d + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--device " + d + ": " + e.getMessage());
        }
        System.setProperty("clipvr.device", d.toString());
        return d;
    }

    /** The start-up line naming the backend that runs the model. */
    public static String describe(Device d) { return d.isCpu() ? Backends.describe() : "backend: " + Backends.of(d).name(); }

    /** Waits for the device's queued kernels (for timing); nothing on the CPU. */
    public static void finish(Device d) { if (!d.isCpu()) Backends.device(d).finish(); }
}
