package clipvr.reprogram.train;

import clipvr.tensor.Device;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Methods that do not run on a device yet are refused up front, with a message naming the method and the flags. */
class DeviceMethodsTest {
    static final Device DEV = new Device("opencl", 0);

    @Test void unsupportedMethodsAndLabelMappingNameTheirFlags() {
        for (Method m : Method.values()) {
            Reprogrammer.requireOnDevice(m, null, Device.CPU);                       // everything runs on the CPU
            if (Reprogrammer.ON_DEVICE.contains(m)) {
                Reprogrammer.requireOnDevice(m, null, DEV);
                continue;
            }
            var e = assertThrows(IllegalArgumentException.class, () -> Reprogrammer.requireOnDevice(m, null, DEV), m.cliName());
            assertTrue(e.getMessage().contains("--method " + m.cliName()) && e.getMessage().contains("--device opencl:0"), e.getMessage());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> Reprogrammer.requireOnDevice(Method.AR, "flm", DEV));
        assertTrue(e.getMessage().contains("--label-mapping flm") && e.getMessage().contains("--device opencl:0"), e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Reprogrammer.requireOnDevice(Method.SMM, null, DEV))
                .getMessage().contains("batch-norm"));
    }
}
