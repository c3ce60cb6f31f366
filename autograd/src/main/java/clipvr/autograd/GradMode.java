package clipvr.autograd;

/**
 * Whether ops record a graph. Inside {@code try (var s = GradMode.noGrad()) { ... }} no backward
 * closures are kept (inference mode: low memory, no graph), per thread.
 */
public final class GradMode {
    private GradMode() {}

    private static final ThreadLocal<int[]> DISABLED = ThreadLocal.withInitial(() -> new int[1]);

    public static boolean enabled() { return DISABLED.get()[0] == 0; }

    /** A scope that disables graph recording until closed (scopes nest). */
    public static Scope noGrad() {
        int[] counter = DISABLED.get();
        counter[0]++;
        boolean[] closed = {false};
        return () -> {
            if (!closed[0]) { closed[0] = true; counter[0]--; }   // closing twice is harmless
        };
    }

    public interface Scope extends AutoCloseable { @Override void close(); }
}
