package clipvr.reprogram.train;

/** A non-finite loss or parameter stopped the run; the last good checkpoint (previous epoch) is kept. */
public final class TrainingDivergedException extends RuntimeException {
    private final int epoch;
    private final int iteration;

    public TrainingDivergedException(int epoch, int iteration, String message, Throwable cause) {
        super(message, cause);
        this.epoch = epoch;
        this.iteration = iteration;
    }

    public int epoch() { return epoch; }
    public int iteration() { return iteration; }
}
