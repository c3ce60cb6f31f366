package clipvr.autograd.nn;

import clipvr.tensor.DType;
import clipvr.tensor.Tensor;

import java.util.random.RandomGenerator;

/** PyTorch's default initialisers (values drawn row-major from the given generator). */
public final class Init {
    private Init() {}

    /**
     * Pass as the generator to build a module whose weights will be loaded afterwards: initialisers then
     * return a zero-cost broadcast zero view (no memory, no random draws). Every such parameter must be
     * replaced (e.g. {@link Parameter#setData}) before the module is used.
     */
    public static final RandomGenerator NONE = new RandomGenerator() {
        @Override public long nextLong() { throw new IllegalStateException("Init.NONE draws no random numbers"); }
    };

    static Tensor placeholder(DType dtype, int... shape) { return Tensor.scalar(dtype, 0.0).expand(shape); }

    /**
     * kaiming_uniform_(a = √5), PyTorch's default for Linear and Conv weights:
     * gain = √(2 / (1 + a²)) = √(1/3), bound = gain·√(3 / fan_in) = 1/√fan_in, W ~ U(-bound, bound).
     */
    public static Tensor kaimingUniform(DType dtype, RandomGenerator rng, int fanIn, int... shape) {
        return uniform(dtype, rng, 1.0 / Math.sqrt(fanIn), shape);
    }

    /** xavier_uniform_: bound = √(6 / (fan_in + fan_out)) (MultiheadAttention's in_proj_weight). */
    public static Tensor xavierUniform(DType dtype, RandomGenerator rng, int fanIn, int fanOut, int... shape) {
        return uniform(dtype, rng, Math.sqrt(6.0 / (fanIn + fanOut)), shape);
    }

    /** U(-bound, bound); Linear/Conv biases use bound = 1/√fan_in. */
    public static Tensor uniform(DType dtype, RandomGenerator rng, double bound, int... shape) {
        if (rng == NONE) return placeholder(dtype, shape);
        return Tensor.uniform(dtype, rng, -bound, bound, shape);
    }

    /** N(0, 1) (Embedding's default). */
    public static Tensor normal(DType dtype, RandomGenerator rng, int... shape) {
        if (rng == NONE) return placeholder(dtype, shape);
        return Tensor.randn(dtype, rng, shape);
    }
}
