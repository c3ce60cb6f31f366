package clipvr.autograd.optim;

import clipvr.autograd.Var;
import clipvr.autograd.nn.Parameter;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.SequencedMap;

/**
 * The test problem: L(θ) = Σ_i a_i·(θ_i - c_i)², so g_i = 2·a_i·(θ_i - c_i). The optimizers see the
 * gradient from backward; the plain-double references below compute it from the formula.
 */
final class Quadratic {
    static final double[] THETA0 = {0.5, -1.5, 2.0, 0.0, -0.25, 3.0};
    static final double[] A = {1.0, 0.3, 2.5, 0.7, 1.2, 0.05};
    static final double[] C = {1.0, 0.5, -1.0, 0.2, 0.0, -2.0};

    final Parameter theta = new Parameter("theta", Tensor.of(THETA0.clone(), 2, 3), true);

    SequencedMap<String, Parameter> params() {
        LinkedHashMap<String, Parameter> m = new LinkedHashMap<>();
        m.put("layer.theta", theta);
        return m;
    }

    /** Forward + backward of L; returns L. */
    double backward() {
        Var a = Var.constant(Tensor.of(A, 2, 3)), c = Var.constant(Tensor.of(C, 2, 3));
        Var loss = theta.var().sub(c).pow(2).mul(a).sum();
        loss.backward();
        return loss.item();
    }

    static double grad(int i, double th) { return 2 * A[i] * (th - C[i]); }

    static Tensor tensor(double[] v) { return Tensor.of(v.clone(), 2, 3).to(DType.F64); }
}
