package clipvr.tensor.opencl;

import java.util.Map;

/** An OpenCL call returned an error code; the message names the call and the code (e.g. CL_INVALID_KERNEL_ARGS). */
public class OpenClException extends RuntimeException {
    public final int code;

    public OpenClException(String call, int code, String detail) {
        super(call + " failed: " + name(code) + " (" + code + ")" + (detail == null ? "" : "\n" + detail));
        this.code = code;
    }

    /** No OpenCL ICD loader, no platform or no device: the message says what to install. */
    public static final class Unavailable extends OpenClException {
        public Unavailable(String why) { super("OpenCL", 0, why); }
        @Override public String getMessage() { return super.getMessage().substring(super.getMessage().indexOf('\n') + 1); }
    }

    /** The kernel sources did not compile; the message carries the build log. */
    public static final class BuildFailure extends OpenClException {
        public BuildFailure(int code, String log) { super("clBuildProgram", code, log); }
    }

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(0, "CL_SUCCESS"), Map.entry(-1, "CL_DEVICE_NOT_FOUND"), Map.entry(-2, "CL_DEVICE_NOT_AVAILABLE"),
            Map.entry(-3, "CL_COMPILER_NOT_AVAILABLE"), Map.entry(-4, "CL_MEM_OBJECT_ALLOCATION_FAILURE"),
            Map.entry(-5, "CL_OUT_OF_RESOURCES"), Map.entry(-6, "CL_OUT_OF_HOST_MEMORY"),
            Map.entry(-11, "CL_BUILD_PROGRAM_FAILURE"), Map.entry(-30, "CL_INVALID_VALUE"),
            Map.entry(-32, "CL_INVALID_PLATFORM"), Map.entry(-33, "CL_INVALID_DEVICE"), Map.entry(-34, "CL_INVALID_CONTEXT"),
            Map.entry(-36, "CL_INVALID_COMMAND_QUEUE"), Map.entry(-38, "CL_INVALID_MEM_OBJECT"),
            Map.entry(-44, "CL_INVALID_PROGRAM"), Map.entry(-45, "CL_INVALID_PROGRAM_EXECUTABLE"),
            Map.entry(-46, "CL_INVALID_KERNEL_NAME"), Map.entry(-48, "CL_INVALID_KERNEL"),
            Map.entry(-49, "CL_INVALID_ARG_INDEX"), Map.entry(-50, "CL_INVALID_ARG_VALUE"),
            Map.entry(-51, "CL_INVALID_ARG_SIZE"), Map.entry(-52, "CL_INVALID_KERNEL_ARGS"),
            Map.entry(-54, "CL_INVALID_WORK_GROUP_SIZE"), Map.entry(-55, "CL_INVALID_WORK_ITEM_SIZE"),
            Map.entry(-61, "CL_INVALID_BUFFER_SIZE"), Map.entry(-63, "CL_INVALID_GLOBAL_WORK_SIZE"),
            Map.entry(-1001, "CL_PLATFORM_NOT_FOUND_KHR"));

    public static String name(int code) { return NAMES.getOrDefault(code, "CL_ERROR"); }
}
