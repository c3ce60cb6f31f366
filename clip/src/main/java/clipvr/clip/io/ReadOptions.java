package clipvr.clip.io;

/**
 * Options for reading pickle-based checkpoints.
 *
 * @param lenientGlobals when true, pickle GLOBALs outside the closed handler set (§9.2) become inert placeholders
 *                       instead of errors, so that non-weight entries of training checkpoints ({@code args},
 *                       {@code optimizer}, ...) can be skipped. Blocklisted modules ({@code os}, {@code sys},
 *                       {@code builtins}, {@code __main__}, ...) are rejected even then, and a placeholder can never
 *                       become a tensor.
 * @param limits         resource limits for the unpickler (§9.3)
 */
public record ReadOptions(boolean lenientGlobals, Unpickler.Limits limits) {
    /** Strict globals, default limits. */
    public static final ReadOptions DEFAULT = new ReadOptions(false, Unpickler.Limits.DEFAULT);
    /** Lenient globals, default limits. */
    public static final ReadOptions LENIENT = new ReadOptions(true, Unpickler.Limits.DEFAULT);
}
