package clipvr.tensor.opencl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static java.lang.foreign.ValueLayout.*;

/**
 * One device's context, in-order command queue and kernel program. The program is every
 * {@code clipvr/opencl/*.cl} resource, instantiated for float ({@code name_f}) and, when the device has
 * fp64, double ({@code name_d}); it is built once when the context opens. Launches are serialised
 * (kernel objects hold their arguments), and the in-order queue orders them; reads block.
 */
final class ClContext {
    /** Templated sources, instantiated per element type with {@code T} and the suffix macro {@code F(name)}. */
    private static final String[] TYPED = {"elementwise.cl", "fused.cl", "rows.cl", "batchnorm.cl", "attention.cl", "gemm.cl", "movement.cl"};

    final OpenClDevice device;
    private final MemorySegment context, queue, program;
    private final Map<String, MemorySegment> kernels = new HashMap<>();

    ClContext(OpenClDevice device) {
        this.device = device;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment devs = a.allocate(ADDRESS);
            devs.set(ADDRESS, 0, device.deviceId());
            context = Cl.create("clCreateContext", Cl.createContext, MemorySegment.NULL, 1, devs, MemorySegment.NULL, MemorySegment.NULL);
            queue = Cl.create("clCreateCommandQueue", Cl.createCommandQueue, context, device.deviceId(), 0L);
            String src = source(device.fp64());
            MemorySegment strings = a.allocate(ADDRESS);
            strings.set(ADDRESS, 0, a.allocateFrom(src, StandardCharsets.UTF_8));
            program = Cl.create("clCreateProgramWithSource", Cl.createProgramWithSource, context, 1, strings, MemorySegment.NULL);
            int rc;
            try {
                rc = (int) Cl.buildProgram.invokeWithArguments(program, 1, devs, a.allocateFrom(""), MemorySegment.NULL, MemorySegment.NULL);
            } catch (Throwable t) { throw new IllegalStateException(t); }
            if (rc != 0) throw new OpenClException.BuildFailure(rc, buildLog());
        }
    }

    static String source(boolean fp64) {
        StringBuilder sb = new StringBuilder();
        if (fp64) sb.append("#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n");
        sb.append(resource("common.cl"));
        String[][] types = fp64 ? new String[][]{{"float", "f"}, {"double", "d"}} : new String[][]{{"float", "f"}};
        for (String[] t : types) {
            sb.append("\n#define T ").append(t[0]).append("\n#define F(name) name##_").append(t[1]).append('\n');
            for (String file : TYPED) sb.append(resource(file));
            sb.append("\n#undef T\n#undef F\n");
        }
        // conversions between every pair of element types
        for (String[] s : types)
            for (String[] d : types)
                sb.append("\n#define S ").append(s[0]).append("\n#define D ").append(d[0])
                        .append("\n#define COPY copy_").append(s[1]).append(d[1]).append('\n')
                        .append(resource("copy.cl")).append("\n#undef S\n#undef D\n#undef COPY\n");
        return sb.toString();
    }

    private static String resource(String name) {
        try (InputStream in = ClContext.class.getResourceAsStream("/clipvr/opencl/" + name)) {
            if (in == null) throw new IllegalStateException("missing kernel source clipvr/opencl/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) { throw new UncheckedIOException(e); }
    }

    private String buildLog() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment size = a.allocate(JAVA_LONG);
            Cl.call("clGetProgramBuildInfo", Cl.getProgramBuildInfo, program, device.deviceId(), Cl.PROGRAM_BUILD_LOG, 0L, MemorySegment.NULL, size);
            MemorySegment log = a.allocate(Math.max(1, size.get(JAVA_LONG, 0)));
            Cl.call("clGetProgramBuildInfo", Cl.getProgramBuildInfo, program, device.deviceId(), Cl.PROGRAM_BUILD_LOG, log.byteSize(), log, MemorySegment.NULL);
            return log.getString(0, StandardCharsets.UTF_8);
        }
    }

    private static final long GC_BYTES = Long.getLong("clipvr.opencl.gcBytes", 1L << 30);
    private static final java.util.concurrent.atomic.AtomicLong SINCE_GC = new java.util.concurrent.atomic.AtomicLong();

    /** A new buffer; asks for a GC (whose cleaners free unreachable buffers) when much device memory is held and more is coming. */
    ClBuffer allocate(long bytes) {
        if (SINCE_GC.addAndGet(bytes) > GC_BYTES / 2 && ClBuffer.LIVE.get() + bytes > GC_BYTES) {
            SINCE_GC.set(0);
            System.gc();
        }
        MemorySegment mem = Cl.create("clCreateBuffer", Cl.createBuffer, context, Cl.MEM_READ_WRITE, Math.max(bytes, 8), MemorySegment.NULL);
        return new ClBuffer(mem, bytes);
    }

    synchronized void write(ClBuffer dst, long offsetBytes, MemorySegment host) {
        Cl.call("clEnqueueWriteBuffer", Cl.enqueueWriteBuffer, queue, dst.mem, 1, offsetBytes, host.byteSize(), host, 0, MemorySegment.NULL, MemorySegment.NULL);
    }

    synchronized void read(ClBuffer src, long offsetBytes, MemorySegment host) {
        Cl.call("clEnqueueReadBuffer", Cl.enqueueReadBuffer, queue, src.mem, 1, offsetBytes, host.byteSize(), host, 0, MemorySegment.NULL, MemorySegment.NULL);
    }

    synchronized void finish() { Cl.call("clFinish", Cl.finish, queue); }

    /** Bytes of local (work-group shared) memory, passed as a kernel argument. */
    record Local(long bytes) {}

    /**
     * Enqueues kernel {@code name} over {@code global} work-items in groups of {@code local} (null: the
     * driver chooses). Arguments: {@link ClBuffer}, Integer, Float, Double, int[8] (an OpenCL int8), {@link Local}.
     */
    synchronized void launch(String name, long[] global, long[] local, Object... args) {
        MemorySegment k = kernels.computeIfAbsent(name, n -> {
            try (Arena a = Arena.ofConfined()) {
                return Cl.create("clCreateKernel(" + n + ")", Cl.createKernel, program, a.allocateFrom(n));
            }
        });
        try (Arena a = Arena.ofConfined()) {
            for (int i = 0; i < args.length; i++) {
                MemorySegment v;
                long size;
                switch (args[i]) {
                    case ClBuffer b -> { v = a.allocate(ADDRESS); v.set(ADDRESS, 0, b.mem); size = 8; }
                    case Integer x -> { v = a.allocate(JAVA_INT); v.set(JAVA_INT, 0, x); size = 4; }
                    case Float x -> { v = a.allocate(JAVA_FLOAT); v.set(JAVA_FLOAT, 0, x); size = 4; }
                    case Double x -> { v = a.allocate(JAVA_DOUBLE); v.set(JAVA_DOUBLE, 0, x); size = 8; }
                    case int[] x when x.length == 8 -> { v = a.allocateFrom(JAVA_INT, x); size = 32; }
                    case Local l -> { v = MemorySegment.NULL; size = l.bytes(); }
                    default -> throw new IllegalArgumentException(name + ": unsupported kernel argument " + args[i]);
                }
                Cl.call("clSetKernelArg(" + name + ", " + i + ")", Cl.setKernelArg, k, i, size, v);
            }
            MemorySegment g = a.allocateFrom(JAVA_LONG, global);
            MemorySegment l = local == null ? MemorySegment.NULL : a.allocateFrom(JAVA_LONG, local);
            Cl.call("clEnqueueNDRangeKernel(" + name + ")", Cl.enqueueNDRangeKernel, queue, k, global.length,
                    MemorySegment.NULL, g, l, 0, MemorySegment.NULL, MemorySegment.NULL);
        }
    }
}
