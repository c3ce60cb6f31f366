package clipvr.tensor.opencl;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * One OpenCL device as discovered through the ICD loader: {@code opencl:N} is the N-th entry of
 * {@link #list()} (platforms in ICD order, devices in platform order).
 */
public record OpenClDevice(int index, String platform, String name, boolean fp64, long globalMemBytes,
                           long maxWorkGroupSize, MemorySegment platformId, MemorySegment deviceId) {

    @Override public String toString() {
        return "opencl:" + index + " " + name + " (" + platform + ", " + (globalMemBytes >> 20) + " MiB"
                + (fp64 ? ", fp64" : ", no fp64") + ")";
    }

    private static volatile List<OpenClDevice> cached;

    /** All devices of all platforms; throws {@link OpenClException.Unavailable} with an install hint when there are none. */
    public static List<OpenClDevice> list() {
        List<OpenClDevice> c = cached;
        if (c != null) return c;
        synchronized (OpenClDevice.class) {
            if (cached == null) cached = discover();
            return cached;
        }
    }

    /** True when at least one OpenCL device can be used (the tests' skip condition). */
    public static boolean available() {
        try { return !list().isEmpty(); } catch (OpenClException e) { return false; }
    }

    /** Why OpenCL cannot be used here, or null when it can. */
    public static String unavailableReason() {
        try { list(); return null; } catch (OpenClException e) { return e.getMessage(); }
    }

    public static OpenClDevice get(int index) {
        List<OpenClDevice> all = list();
        if (index < 0 || index >= all.size())
            throw new IllegalArgumentException("no device opencl:" + index + "; found " + all.size() + ": " + all);
        return all.get(index);
    }

    private static List<OpenClDevice> discover() {
        if (Cl.LOAD_ERROR != null) throw new OpenClException.Unavailable(Cl.LOAD_ERROR);
        Arena arena = Arena.global();                  // handles live as long as the process
        MemorySegment count = arena.allocate(JAVA_INT);
        int rc = callInt(Cl.getPlatformIDs, 0, MemorySegment.NULL, count);
        int np = count.get(JAVA_INT, 0);
        if (rc != 0 || np == 0)
            throw new OpenClException.Unavailable("no OpenCL platform found (" + OpenClException.name(rc)
                    + "); install a driver, e.g. pocl-opencl-icd for the CPU, or your GPU vendor's ICD");
        MemorySegment platforms = arena.allocate(ADDRESS, np);
        Cl.call("clGetPlatformIDs", Cl.getPlatformIDs, np, platforms, MemorySegment.NULL);
        List<OpenClDevice> out = new ArrayList<>();
        for (int p = 0; p < np; p++) {
            MemorySegment pid = platforms.getAtIndex(ADDRESS, p);
            String pname = Cl.infoString(Cl.getPlatformInfo, "clGetPlatformInfo", pid, Cl.PLATFORM_NAME);
            if (callInt(Cl.getDeviceIDs, pid, Cl.DEVICE_TYPE_ALL, 0, MemorySegment.NULL, count) != 0) continue;
            int nd = count.get(JAVA_INT, 0);
            MemorySegment devs = arena.allocate(ADDRESS, Math.max(nd, 1));
            Cl.call("clGetDeviceIDs", Cl.getDeviceIDs, pid, Cl.DEVICE_TYPE_ALL, nd, devs, MemorySegment.NULL);
            for (int d = 0; d < nd; d++) {
                MemorySegment did = devs.getAtIndex(ADDRESS, d);
                String name = Cl.infoString(Cl.getDeviceInfo, "clGetDeviceInfo", did, Cl.DEVICE_NAME);
                String ext = Cl.infoString(Cl.getDeviceInfo, "clGetDeviceInfo", did, Cl.DEVICE_EXTENSIONS);
                out.add(new OpenClDevice(out.size(), pname, name, ext.contains("cl_khr_fp64"),
                        Cl.infoLong(did, Cl.DEVICE_GLOBAL_MEM_SIZE), Cl.infoLong(did, Cl.DEVICE_MAX_WORK_GROUP_SIZE), pid, did));
            }
        }
        if (out.isEmpty())
            throw new OpenClException.Unavailable("OpenCL platforms found but no device; check the driver (clinfo lists what the ICD sees)");
        return List.copyOf(out);
    }

    private static int callInt(java.lang.invoke.MethodHandle h, Object... args) {
        try { return (int) h.invokeWithArguments(args); }
        catch (Throwable t) { throw new IllegalStateException(t); }
    }
}
