package clipvr.autograd;

import clipvr.tensor.DType;
import clipvr.tensor.Shape;
import clipvr.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Gradient checking by central finite differences in float64.
 *
 * <p>For a function f of several tensors with any output shape, the scalar L = Σ w ⊙ f(inputs) with a
 * fixed random w (seeded) is differentiated two ways: analytically by {@link Var#backward()}, and
 * numerically element by element, (L(x + h·e_i) - L(x - h·e_i)) / 2h. An element passes when
 * |analytic - numeric| ≤ atol + rtol·|numeric|; the report names the worst element: which input, its
 * multi-index, both values.
 */
public final class GradCheck {
    private GradCheck() {}

    /** Tolerances and step: defaults suit smooth float64 functions. */
    public record Options(double eps, double atol, double rtol, long seed) {
        public static final Options DEFAULT = new Options(1e-6, 1e-6, 1e-4, 1234L);
        public Options withTolerance(double atol, double rtol) { return new Options(eps, atol, rtol, seed); }
        public Options withEps(double e) { return new Options(e, atol, rtol, seed); }
    }

    /** The outcome: worst absolute error over checked elements and where it occurred. */
    public record Result(boolean passed, double worstError, int worstInput, int[] worstIndex,
                         double analytic, double numeric, int checked) {
        public String describe() {
            return (passed ? "passed" : "FAILED") + ": worst |analytic - numeric| = " + worstError
                    + " at input " + worstInput + " index " + Arrays.toString(worstIndex)
                    + " (analytic " + analytic + ", numeric " + numeric + "), " + checked + " elements checked";
        }
    }

    /** Checks every input. */
    public static Result check(Function<List<Var>, Var> f, List<Tensor> inputs, Options o) {
        boolean[] all = new boolean[inputs.size()];
        Arrays.fill(all, true);
        return check(f, inputs, all, o);
    }

    /**
     * Checks the inputs flagged in {@code wrt}; the others are passed as constants (which also tests that
     * an op computes no gradient for, and is not disturbed by, inputs that do not need one).
     */
    public static Result check(Function<List<Var>, Var> f, List<Tensor> inputs, boolean[] wrt, Options o) {
        List<Tensor> xs = new ArrayList<>();
        for (Tensor t : inputs) {
            if (t.dtype() != DType.F64) throw new IllegalArgumentException("GradCheck: inputs must be float64, got " + t.dtype() + " " + Shape.str(t.shape()));
            xs.add(t.copy());
        }
        // analytic
        List<Var> vars = new ArrayList<>();
        for (int i = 0; i < xs.size(); i++) vars.add(Var.leaf(xs.get(i), wrt[i]));
        Var out = f.apply(vars);
        Tensor w = Tensor.uniform(DType.F64, new SplittableRandom(o.seed()), -1, 1, out.shape());
        Var loss = out.mul(Var.constant(w)).sum();
        if (!loss.requiresGrad()) throw new IllegalArgumentException("GradCheck: output does not depend on any checked input");
        loss.backward();
        // numeric
        double worst = -1, wa = 0, wn = 0;
        int worstInput = -1, worstFlat = -1, checked = 0;
        boolean passed = true;
        for (int i = 0; i < xs.size(); i++) {
            if (!wrt[i]) continue;
            Tensor x = xs.get(i);
            Tensor g = vars.get(i).grad();
            for (int e = 0; e < x.numel(); e++) {
                double orig = x.getFlat(e);
                x.setFlat(e, orig + o.eps());
                double plus = value(f, xs, w);
                x.setFlat(e, orig - o.eps());
                double minus = value(f, xs, w);
                x.setFlat(e, orig);
                double numeric = (plus - minus) / (2 * o.eps());
                double analytic = g == null ? 0.0 : g.getFlat(e);
                double err = Math.abs(analytic - numeric);
                if (!(err <= o.atol() + o.rtol() * Math.abs(numeric))) passed = false;
                if (err > worst || Double.isNaN(err)) { worst = err; wa = analytic; wn = numeric; worstInput = i; worstFlat = e; }
                checked++;
            }
        }
        int[] idx = worstInput < 0 ? new int[0] : unflatten(worstFlat, xs.get(worstInput).shape());
        return new Result(passed, worst, worstInput, idx, wa, wn, checked);
    }

    /** Throws an AssertionError with the report when the check fails. */
    public static void assertGradients(Function<List<Var>, Var> f, List<Tensor> inputs, Options o) {
        Result r = check(f, inputs, o);
        if (!r.passed()) throw new AssertionError("GradCheck " + r.describe());
    }

    private static double value(Function<List<Var>, Var> f, List<Tensor> xs, Tensor w) {
        try (var s = GradMode.noGrad()) {
            List<Var> c = new ArrayList<>();
            for (Tensor x : xs) c.add(Var.constant(x));
            return f.apply(c).data().mul(w).sum().item();
        }
    }

    static int[] unflatten(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) { idx[d] = flat % shape[d]; flat /= shape[d]; }
        return idx;
    }
}
