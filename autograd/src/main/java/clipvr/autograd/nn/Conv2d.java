package clipvr.autograd.nn;

import clipvr.autograd.Var;
import clipvr.autograd.ops.Conv;
import clipvr.tensor.DType;
import clipvr.tensor.ops.Windows;

import java.util.random.RandomGenerator;

/**
 * 2-D convolution, weight [O, C, kh, kw], bias [O] (PyTorch layout; groups = 1, dilation = 1).
 * Init as PyTorch: W ~ kaiming_uniform(a=√5) = U(±1/√fan_in), b ~ U(±1/√fan_in), fan_in = C·kh·kw.
 */
public final class Conv2d extends Module implements Layer {
    public final int inChannels, outChannels;
    public final Windows.Geometry geometry;
    private final Parameter weight, bias;

    public Conv2d(int inChannels, int outChannels, Windows.Geometry geometry, boolean bias, DType dtype, RandomGenerator rng) {
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.geometry = geometry;
        int fanIn = inChannels * geometry.kh() * geometry.kw();
        this.weight = param("weight", Init.kaimingUniform(dtype, rng, fanIn, outChannels, inChannels, geometry.kh(), geometry.kw()));
        this.bias = bias ? param("bias", Init.uniform(dtype, rng, 1.0 / Math.sqrt(fanIn), outChannels)) : null;
    }

    /** Square kernel {@code k}, {@code stride}, zero {@code padding} on both sides. */
    public Conv2d(int inChannels, int outChannels, int k, int stride, int padding, boolean bias, DType dtype, RandomGenerator rng) {
        this(inChannels, outChannels, Windows.Geometry.square(k, stride, padding), bias, dtype, rng);
    }

    public Parameter weight() { return weight; }
    public Parameter bias() { return bias; }

    /** x [N, C, H, W] → [N, O, Ho, Wo], Ho = (H + 2·ph - kh) / sh + 1. */
    @Override public Var forward(Var x) {
        return Conv.conv2d(x, weight.var(), bias == null ? null : bias.var(), geometry);
    }
}
