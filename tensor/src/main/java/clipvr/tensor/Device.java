package clipvr.tensor;

/**
 * Where a tensor's storage lives. Only {@link #CPU} exists today; a GPU backend adds device storages
 * and registers a {@link Backend} for its device type.
 */
public record Device(String type, int index) {
    public static final Device CPU = new Device("cpu", 0);

    @Override public String toString() { return index == 0 && type.equals("cpu") ? "cpu" : type + ":" + index; }
}
