package clipvr.tensor.ops;

/** Elementwise functions of two (broadcast) arguments; {@link #apply} is the float64 definition. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW, MAX, MIN,
    /** a > b ? 1 : 0 (used for masks in backward passes). */ GT,
    /** a == b ? 1 : 0. */ EQ;

    public double apply(double a, double b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case POW -> Math.pow(a, b);
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case GT -> a > b ? 1.0 : 0.0;
            case EQ -> a == b ? 1.0 : 0.0;
        };
    }
}
