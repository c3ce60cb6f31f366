package clipvr.tensor;

/**
 * The flat buffer under a tensor. Views (reshape, permute, narrow, expand) share one storage and differ
 * only in shape, strides and offset. Host storages are plain Java arrays so kernels index them directly;
 * a {@link Buffer} lives in a device's memory and only its device's {@link Backend} can read it.
 */
public sealed interface Storage permits Storage.Floats, Storage.Doubles, Storage.Buffer {
    DType dtype();
    int length();
    default Device device() { return Device.CPU; }

    /** float32 host storage. */
    record Floats(float[] a) implements Storage {
        public DType dtype() { return DType.F32; }
        public int length() { return a.length; }
    }

    /** float64 host storage. */
    record Doubles(double[] a) implements Storage {
        public DType dtype() { return DType.F64; }
        public int length() { return a.length; }
    }

    /** {@code length} elements of {@code dtype} in the memory of {@code device} (e.g. an OpenCL buffer). */
    record Buffer(Device device, DType dtype, int length, DeviceMemory memory) implements Storage {}

    static Storage allocate(DType dtype, int n) {
        return switch (dtype) {
            case F32 -> new Floats(new float[n]);
            case F64 -> new Doubles(new double[n]);
        };
    }
}
