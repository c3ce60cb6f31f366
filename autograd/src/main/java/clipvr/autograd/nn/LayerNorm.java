package clipvr.autograd.nn;

import clipvr.autograd.Var;
import clipvr.autograd.ops.Norms;
import clipvr.tensor.DType;
import clipvr.tensor.Shape;
import clipvr.tensor.Tensor;

/** y = (x - μ)/√(σ² + eps)·γ + β over the last axis (biased σ²), γ = 1, β = 0 initially; eps 1e-5. */
public final class LayerNorm extends Module implements Layer {
    public final int dim;
    public final double eps;
    private final Parameter weight, bias;

    public LayerNorm(int dim, double eps, DType dtype) {
        this.dim = dim;
        this.eps = eps;
        this.weight = param("weight", Tensor.ones(dtype, dim));
        this.bias = param("bias", Tensor.zeros(dtype, dim));
    }

    public LayerNorm(int dim, DType dtype) { this(dim, 1e-5, dtype); }

    public Parameter weight() { return weight; }
    public Parameter bias() { return bias; }

    /** x [..., dim] → [..., dim]. */
    @Override public Var forward(Var x) {
        if (x.size(-1) != dim)
            throw new IllegalArgumentException("LayerNorm(" + dim + "): input " + Shape.str(x.shape()) + " does not end in " + dim);
        return Norms.layerNorm(x, weight.var(), bias.var(), eps);
    }
}
