package clipvr.tensor.opencl;

import clipvr.tensor.DeviceMemory;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;

/**
 * A {@code cl_mem} buffer; released by a {@link Cleaner} once no tensor storage refers to it. The Java heap
 * does not feel device memory, so {@link #LIVE} counts the bytes not yet released and {@link ClContext#allocate}
 * asks for a collection when more than {@code -Dclipvr.opencl.gcBytes} (default 1 GiB) are held and half as much
 * has been allocated since the last one.
 */
final class ClBuffer implements DeviceMemory {
    private static final Cleaner CLEANER = Cleaner.create();
    static final java.util.concurrent.atomic.AtomicLong LIVE = new java.util.concurrent.atomic.AtomicLong();

    final MemorySegment mem;
    private final long bytes;

    ClBuffer(MemorySegment mem, long bytes) {
        this.mem = mem;
        this.bytes = bytes;
        long address = mem.address();       // the cleaning action must not capture this object
        LIVE.addAndGet(bytes);
        CLEANER.register(this, () -> {
            LIVE.addAndGet(-bytes);
            Cl.call("clReleaseMemObject", Cl.releaseMemObject, MemorySegment.ofAddress(address));
        });
    }

    @Override public long bytes() { return bytes; }
}
