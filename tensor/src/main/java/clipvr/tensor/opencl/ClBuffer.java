package clipvr.tensor.opencl;

import clipvr.tensor.DeviceMemory;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;

/** A {@code cl_mem} buffer; released by a {@link Cleaner} once no tensor storage refers to it. */
final class ClBuffer implements DeviceMemory {
    private static final Cleaner CLEANER = Cleaner.create();

    final MemorySegment mem;
    private final long bytes;

    ClBuffer(MemorySegment mem, long bytes) {
        this.mem = mem;
        this.bytes = bytes;
        long address = mem.address();       // the cleaning action must not capture this object
        CLEANER.register(this, () -> Cl.call("clReleaseMemObject", Cl.releaseMemObject, MemorySegment.ofAddress(address)));
    }

    @Override public long bytes() { return bytes; }
}
