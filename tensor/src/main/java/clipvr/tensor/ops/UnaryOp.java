package clipvr.tensor.ops;

/**
 * Elementwise functions of one argument. {@link #apply} is the readable float64 definition every
 * kernel is checked against; the {@code *_GRAD} members are the derivatives autograd needs
 * (f'(x), as a function of the input x).
 */
public enum UnaryOp {
    NEG, EXP, LOG, SQRT, ABS, SIGN, SQUARE, RECIPROCAL, TANH, SIGMOID, RELU, GELU, QUICK_GELU,
    /** d/dx tanh = 1 - tanh²(x). */ TANH_GRAD,
    /** d/dx sigmoid = s(1-s). */ SIGMOID_GRAD,
    /** d/dx relu = [x > 0]. */ RELU_GRAD,
    /** d/dx x·Φ(x) = Φ(x) + x·φ(x). */ GELU_GRAD,
    /** d/dx x·σ(1.702x) = σ + 1.702·x·σ(1-σ). */ QUICK_GELU_GRAD;

    static final double SQRT_HALF = Math.sqrt(0.5);
    static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2 * Math.PI);

    public double apply(double x) {
        return switch (this) {
            case NEG -> -x;
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case ABS -> Math.abs(x);
            case SIGN -> Math.signum(x);
            case SQUARE -> x * x;
            case RECIPROCAL -> 1.0 / x;
            case TANH -> Math.tanh(x);
            case SIGMOID -> sigmoid(x);
            case RELU -> x > 0 || Double.isNaN(x) ? x : 0.0;
            case GELU -> 0.5 * x * (1.0 + Erf.erf(x * SQRT_HALF));
            case QUICK_GELU -> x * sigmoid(1.702 * x);
            case TANH_GRAD -> { double t = Math.tanh(x); yield 1.0 - t * t; }
            case SIGMOID_GRAD -> { double s = sigmoid(x); yield s * (1.0 - s); }
            case RELU_GRAD -> x > 0 ? 1.0 : 0.0;
            case GELU_GRAD -> 0.5 * (1.0 + Erf.erf(x * SQRT_HALF)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
            case QUICK_GELU_GRAD -> { double s = sigmoid(1.702 * x); yield s + 1.702 * x * s * (1.0 - s); }
        };
    }

    /** Numerically stable logistic function. */
    public static double sigmoid(double x) {
        if (x >= 0) return 1.0 / (1.0 + Math.exp(-x));
        double e = Math.exp(x);
        return e / (1.0 + e);
    }
}
