package clipvr.tensor;

/**
 * A handle to memory owned by a device backend (an OpenCL {@code cl_mem}, a CUDA pointer, ...). The
 * tensor core never looks inside; the backend that allocated it casts it back to its own type.
 * Backends release the memory when the handle becomes unreachable (a {@link java.lang.ref.Cleaner}).
 */
public interface DeviceMemory {
    /** Size in bytes. */
    long bytes();
}
