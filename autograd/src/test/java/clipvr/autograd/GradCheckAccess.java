package clipvr.autograd;

/** Test access to GradCheck's package-private helpers. */
public final class GradCheckAccess {
    private GradCheckAccess() {}

    /** Row-major multi-index of a flat position in {@code shape}. */
    public static int[] unflatten(int flat, int[] shape) { return GradCheck.unflatten(flat, shape); }
}
