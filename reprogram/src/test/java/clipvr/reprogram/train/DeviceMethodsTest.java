package clipvr.reprogram.train;

import clipvr.tensor.Device;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every method runs on a device now (SMM and its shared-mask variants, AttrVR, and --label-mapping included), so the
 * up-front check refuses nothing; DeviceTrainStepTest and LabelMappingDeviceTest hold the device runs to the CPU's.
 */
class DeviceMethodsTest {
    static final Device DEV = new Device("opencl", 0);

    @Test void everyMethodAndLabelMappingIsAcceptedOnADevice() {
        assertEquals(java.util.EnumSet.allOf(Method.class), Reprogrammer.ON_DEVICE);
        for (Method m : Method.values())
            for (String lm : new String[]{null, "rlm", "ilm", "flm", "blm", "blmp"}) {
                Reprogrammer.requireOnDevice(m, lm, Device.CPU);
                Reprogrammer.requireOnDevice(m, lm, DEV);
            }
    }
}
