package clipvr.autograd.nn;

import clipvr.autograd.Var;
import clipvr.autograd.ops.LinearAlgebra;
import clipvr.tensor.DType;
import clipvr.tensor.Shape;

import java.util.random.RandomGenerator;

/**
 * y = x·Wᵀ + b with weight [out, in] and bias [out] (PyTorch layout), over any leading axes.
 * Init as PyTorch: W ~ kaiming_uniform(a=√5) = U(±1/√in), b ~ U(±1/√in), drawn in that order.
 */
public final class Linear extends Module implements Layer {
    public final int in, out;
    private final Parameter weight, bias;

    public Linear(int in, int out, boolean bias, DType dtype, RandomGenerator rng) {
        this.in = in;
        this.out = out;
        this.weight = param("weight", Init.kaimingUniform(dtype, rng, in, out, in));
        this.bias = bias ? param("bias", Init.uniform(dtype, rng, 1.0 / Math.sqrt(in), out)) : null;
    }

    public Linear(int in, int out, RandomGenerator rng) { this(in, out, true, DType.F32, rng); }

    public Parameter weight() { return weight; }
    public Parameter bias() { return bias; }

    /** x [..., in] → [..., out]. */
    @Override public Var forward(Var x) {
        int[] s = x.shape();
        if (s.length == 0 || s[s.length - 1] != in)
            throw new IllegalArgumentException("Linear(" + in + " → " + out + "): input " + Shape.str(s) + " does not end in " + in);
        Var x2 = s.length == 2 ? x : x.reshape(-1, in);                  // [N, in]
        Var y = LinearAlgebra.linear(x2, weight.var(), bias == null ? null : bias.var());   // [N, out] = x2·Wᵀ + b
        if (s.length == 2) return y;
        s[s.length - 1] = out;
        return y.reshape(s);                                              // [..., out]
    }
}
