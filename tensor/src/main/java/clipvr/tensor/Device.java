package clipvr.tensor;

/**
 * Where a tensor's storage lives: {@link #CPU} (Java arrays) or an accelerator such as {@code opencl:0}
 * (see {@code clipvr.tensor.opencl}). {@link Tensor#to(Device)} moves data between devices; every
 * such move is counted by {@link Transfers}.
 */
public record Device(String type, int index) {
    public static final Device CPU = new Device("cpu", 0);

    public boolean isCpu() { return type.equals("cpu"); }

    /** "cpu", "opencl" (= opencl:0) or "opencl:N". */
    public static Device parse(String s) {
        String t = s.trim().toLowerCase();
        int colon = t.indexOf(':');
        String type = colon < 0 ? t : t.substring(0, colon);
        int index;
        try {
            index = colon < 0 ? 0 : Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad device '" + s + "': expected cpu, opencl or opencl:N");
        }
        if (!type.equals("cpu") && !type.equals("opencl") || index < 0)
            throw new IllegalArgumentException("bad device '" + s + "': expected cpu, opencl or opencl:N");
        return new Device(type, index);
    }

    /** The device named by {@code -Dclipvr.device} (default cpu). */
    public static Device fromProperty() { return parse(System.getProperty("clipvr.device", "cpu")); }

    @Override public String toString() { return index == 0 && type.equals("cpu") ? "cpu" : type + ":" + index; }
}
