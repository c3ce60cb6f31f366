package clipvr.reprogram.method;

import clipvr.autograd.GradCheck;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;

import java.util.SplittableRandom;

/** Small float64 fixtures shared by the reprogramming tests. */
public final class TestTensors {
    private TestTensors() {}

    public static final GradCheck.Options OPTIONS = GradCheck.Options.DEFAULT;

    public static Tensor uniform(long seed, double lo, double hi, int... shape) {
        return Tensor.uniform(DType.F64, new SplittableRandom(seed), lo, hi, shape);
    }

    public static Tensor normal(long seed, int... shape) {
        return Tensor.randn(DType.F64, new SplittableRandom(seed), shape);
    }

    /** Rows of a random [n, e] matrix, each L2-normalised (stand-in text embeddings). */
    public static Tensor unitRows(long seed, int n, int e) {
        Tensor t = normal(seed, n, e);
        return t.div(t.mul(t).sum(1, true).sqrt());
    }

    public static double maxAbsDiff(Tensor a, Tensor b) { return a.sub(b).abs().max().item(); }
}
