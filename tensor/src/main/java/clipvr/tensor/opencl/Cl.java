package clipvr.tensor.opencl;

import java.lang.foreign.*;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.*;

/**
 * The OpenCL 1.2 calls we use, bound from the ICD loader {@code libOpenCL.so.1} with {@code java.lang.foreign}
 * at run time (no JNI, no native build). Handles (platform, device, context, queue, mem, program, kernel)
 * are opaque pointers; every call that returns an error code goes through {@link #check}.
 */
final class Cl {
    private Cl() {}

    static final long DEVICE_TYPE_ALL = 0xFFFFFFFFL;
    static final int PLATFORM_NAME = 0x0902, DEVICE_NAME = 0x102B, DEVICE_EXTENSIONS = 0x1030,
            DEVICE_GLOBAL_MEM_SIZE = 0x101F, DEVICE_MAX_WORK_GROUP_SIZE = 0x1004, DEVICE_TYPE = 0x1000,
            PROGRAM_BUILD_LOG = 0x1183;
    static final long MEM_READ_WRITE = 1;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIB;
    static final String LOAD_ERROR;

    static {
        SymbolLookup lib = null;
        String err = null;
        for (String name : new String[]{"libOpenCL.so.1", "libOpenCL.so", "OpenCL"}) {
            try { lib = SymbolLookup.libraryLookup(name, Arena.global()); break; }
            catch (IllegalArgumentException e) { err = e.getMessage(); }
        }
        LIB = lib;
        LOAD_ERROR = lib == null ? "no OpenCL ICD loader (libOpenCL.so.1) found: " + err
                + "; install ocl-icd-libopencl1 and a driver, e.g. pocl-opencl-icd for the CPU" : null;
    }

    private static MethodHandle fn(String name, MemoryLayout ret, MemoryLayout... args) {
        if (LIB == null) return null;
        MemorySegment sym = LIB.find(name).orElseThrow(() -> new OpenClException.Unavailable(name + " missing from libOpenCL"));
        return LINKER.downcallHandle(sym, ret == null ? FunctionDescriptor.ofVoid(args) : FunctionDescriptor.of(ret, args));
    }

    private static final MemoryLayout P = ADDRESS, I = JAVA_INT, L = JAVA_LONG;
    static final MethodHandle
            getPlatformIDs = fn("clGetPlatformIDs", I, I, P, P),
            getPlatformInfo = fn("clGetPlatformInfo", I, P, I, L, P, P),
            getDeviceIDs = fn("clGetDeviceIDs", I, P, L, I, P, P),
            getDeviceInfo = fn("clGetDeviceInfo", I, P, I, L, P, P),
            createContext = fn("clCreateContext", P, P, I, P, P, P, P),
            createCommandQueue = fn("clCreateCommandQueue", P, P, P, L, P),
            createBuffer = fn("clCreateBuffer", P, P, L, L, P, P),
            enqueueWriteBuffer = fn("clEnqueueWriteBuffer", I, P, P, I, L, L, P, I, P, P),
            enqueueReadBuffer = fn("clEnqueueReadBuffer", I, P, P, I, L, L, P, I, P, P),
            createProgramWithSource = fn("clCreateProgramWithSource", P, P, I, P, P, P),
            buildProgram = fn("clBuildProgram", I, P, I, P, P, P, P),
            getProgramBuildInfo = fn("clGetProgramBuildInfo", I, P, P, I, L, P, P),
            createKernel = fn("clCreateKernel", P, P, P, P),
            setKernelArg = fn("clSetKernelArg", I, P, I, L, P),
            enqueueNDRangeKernel = fn("clEnqueueNDRangeKernel", I, P, P, I, P, P, P, I, P, P),
            finish = fn("clFinish", I, P),
            releaseMemObject = fn("clReleaseMemObject", I, P);

    static void check(String call, int code) {
        if (code != 0) throw new OpenClException(call, code, null);
    }

    /** Calls a function whose last argument is a {@code cl_int* errcode_ret} and returns its handle. */
    static MemorySegment create(String call, MethodHandle h, Object... argsWithoutErr) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(JAVA_INT);
            Object[] args = java.util.Arrays.copyOf(argsWithoutErr, argsWithoutErr.length + 1);
            args[args.length - 1] = err;
            MemorySegment handle = (MemorySegment) h.invokeWithArguments(args);
            check(call, err.get(JAVA_INT, 0));
            return handle;
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(call, t);
        }
    }

    /** Calls an {@code int}-returning function and checks the code. */
    static void call(String name, MethodHandle h, Object... args) {
        try {
            check(name, (int) h.invokeWithArguments(args));
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(name, t);
        }
    }

    /** A string-valued clGet*Info query (two calls: size, then value). */
    static String infoString(MethodHandle h, String name, MemorySegment handle, int param) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment size = a.allocate(JAVA_LONG);
            call(name, h, handle, param, 0L, MemorySegment.NULL, size);
            MemorySegment buf = a.allocate(Math.max(1, size.get(JAVA_LONG, 0)));
            call(name, h, handle, param, buf.byteSize(), buf, MemorySegment.NULL);
            return buf.getString(0, StandardCharsets.UTF_8).trim();
        }
    }

    static long infoLong(MemorySegment device, int param) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_LONG);
            v.set(JAVA_LONG, 0, 0L);
            call("clGetDeviceInfo", getDeviceInfo, device, param, 8L, v, MemorySegment.NULL);
            return v.get(JAVA_LONG, 0);
        }
    }
}
