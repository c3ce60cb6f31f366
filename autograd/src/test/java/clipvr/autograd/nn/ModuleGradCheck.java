package clipvr.autograd.nn;

import clipvr.autograd.GradCheck;
import clipvr.autograd.Var;
import clipvr.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** GradCheck of a float64 module w.r.t. its input and every parameter (parameters are bound to GradCheck's Vars). */
final class ModuleGradCheck {
    private ModuleGradCheck() {}

    static GradCheck.Result check(Module m, Layer forward, Tensor x) {
        List<Parameter> ps = m.parameters();
        List<Var> saved = ps.stream().map(Parameter::var).toList();
        List<Tensor> inputs = new ArrayList<>();
        inputs.add(x);
        for (Parameter p : ps) inputs.add(p.data());
        try {
            return GradCheck.check(vars -> {
                for (int i = 0; i < ps.size(); i++) ps.get(i).bind(vars.get(i + 1));
                return forward.forward(vars.getFirst());
            }, inputs, GradCheck.Options.DEFAULT);
        } finally {
            for (int i = 0; i < ps.size(); i++) ps.get(i).bind(saved.get(i));
        }
    }

    static void assertGradients(Module m, Layer forward, Tensor x) {
        GradCheck.Result r = check(m, forward, x);
        assertTrue(r.passed(), m.getClass().getSimpleName() + " GradCheck " + r.describe());
    }

    /** Max |a - b| over all elements (shapes must match). */
    static double maxAbsDiff(Tensor a, double[] b) {
        double[] av = a.toDoubleArray();
        if (av.length != b.length) throw new AssertionError("length " + av.length + " vs " + b.length);
        double m = 0;
        for (int i = 0; i < b.length; i++) m = Math.max(m, Math.abs(av[i] - b[i]));
        return m;
    }
}
