package clipvr.reprogram.input;

import clipvr.autograd.Var;
import clipvr.autograd.ops.Conv;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import clipvr.tensor.ops.Windows;

import java.util.random.RandomGenerator;

/**
 * A 3×3 convolution, stride 1, padding 1, with bias ({@code nn.Conv2d(cin, cout, 3, 1, 1)}), initialised as
 * PyTorch does: weight kaiming-uniform with a = √5, i.e. U(−1/√fan_in, 1/√fan_in), then bias
 * U(−1/√fan_in, 1/√fan_in), fan_in = cin·9, values drawn in row-major order from {@code rng}.
 */
public record ConvLayer(Var weight, Var bias) {
    public static final Windows.Geometry GEOMETRY = Windows.Geometry.square(3, 1, 1);

    public static ConvLayer init(int cin, int cout, DType dtype, RandomGenerator rng) {
        double bound = 1.0 / Math.sqrt(cin * 9.0);          // gain(a=√5)·√(3/fan_in) = √(1/3)·√(3/fan_in)
        Tensor w = Tensor.uniform(dtype, rng, -bound, bound, cout, cin, 3, 3);
        Tensor b = Tensor.uniform(dtype, rng, -bound, bound, cout);
        return new ConvLayer(Var.param(w), Var.param(b));
    }

    /** x [B, cin, H, W] → [B, cout, H, W] with the given weight [cout, cin, 3, 3] and bias [cout]. */
    public static Var forward(Var x, Var weight, Var bias) { return Conv.conv2d(x, weight, bias, GEOMETRY); }

    public int parameterCount() { return weight.data().numel() + bias.data().numel(); }
}
