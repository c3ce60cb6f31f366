package clipvr.autograd.opencl;

import clipvr.autograd.GradCheck;
import clipvr.autograd.Var;
import clipvr.autograd.loss.CrossEntropy;
import clipvr.autograd.ops.*;
import clipvr.tensor.DType;
import clipvr.tensor.Device;
import clipvr.tensor.Tensor;
import clipvr.tensor.opencl.OpenClDevice;
import clipvr.tensor.ops.Windows;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Float64 gradient checks with every forward and backward kernel on the OpenCL device: the checked
 * function moves its (host) inputs to the device with the differentiable {@link Var#to}, applies the op
 * there, and brings the result back, so the analytic gradient is computed entirely by device kernels
 * and compared element by element with central differences of device forwards.
 */
class OpenClGradCheckTest {
    static final Device DEV = new Device("opencl", 0);
    static final GradCheck.Options OPTS = GradCheck.Options.DEFAULT;

    @BeforeAll static void needDevice() {
        String why = OpenClDevice.unavailableReason();
        assumeTrue(why == null, () -> "OpenCL tests skipped: " + why);
        assumeTrue(OpenClDevice.get(0).fp64(), "device has no fp64");
    }

    record Case(String name, Function<List<Var>, Var> f, int[]... shapes) {}

    static Tensor rand(SplittableRandom rng, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextDouble(-1, 1);
        return Tensor.of(v, shape);
    }

    static Var onDevice(Function<List<Var>, Var> f, List<Var> xs) {
        return f.apply(xs.stream().map(v -> v.to(DEV)).toList()).to(Device.CPU);
    }

    static final Windows.Geometry SAME3 = Windows.Geometry.square(3, 1, 1), PATCH = Windows.Geometry.square(2, 2, 0);

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("add/sub/mul/div broadcast", v -> v.get(0).add(v.get(1)).mul(v.get(0)).sub(v.get(1).mul(0.5)).div(v.get(1).pow(2).add(1)),
                new int[]{2, 3}, new int[]{1, 3}));
        c.add(new Case("exp/log/sqrt/tanh/sigmoid", v -> v.get(0).exp().add(v.get(0).pow(2).add(1).log()).add(v.get(0).pow(2).add(0.5).sqrt())
                .add(v.get(0).tanh()).add(v.get(0).sigmoid()), new int[]{2, 3}));
        c.add(new Case("relu/gelu/quickGelu/clamp", v -> v.get(0).relu().add(v.get(0).gelu()).add(v.get(0).quickGelu()).add(v.get(0).clamp(-0.5, 0.5)),
                new int[]{3, 4}));
        c.add(new Case("bias + QuickGELU (fused on the device)", v -> Activations.biasQuickGelu(v.get(0), v.get(1)), new int[]{3, 5}, new int[]{5}));
        c.add(new Case("where", v -> Arithmetic.where(Tensor.of(new double[]{1, 0, 1, 0, 0, 1}, 2, 3).to(v.get(0).data().device()), v.get(0), v.get(1)),
                new int[]{2, 3}, new int[]{2, 3}));
        c.add(new Case("sum/mean/max/var", v -> v.get(0).sum(new int[]{1}, false).add(v.get(0).mean(new int[]{1}, false))
                .add(v.get(0).max(1, false)).add(v.get(0).var(new int[]{1}, true, false)), new int[]{3, 4}));
        c.add(new Case("softmax/logSoftmax", v -> v.get(0).softmax(0).add(v.get(0).logSoftmax(1)), new int[]{3, 4}));
        c.add(new Case("layerNorm", v -> v.get(0).layerNorm(v.get(1), v.get(2), 1e-5), new int[]{2, 3, 5}, new int[]{5}, new int[]{5}));
        c.add(new Case("batched matmul/matmulT", v -> v.get(0).matmul(v.get(1)).matmulT(v.get(2)), new int[]{2, 3, 4}, new int[]{4, 5}, new int[]{2, 2, 5}));
        c.add(new Case("views: permute/narrow/select/expand/reshape", v -> v.get(0).permute(2, 0, 1).narrow(0, 1, 2).select(1, 1)
                .unsqueeze(0).expand(3, 2, 3).reshape(6, 3), new int[]{2, 3, 3}));
        c.add(new Case("cat/pad", v -> Select.pad(Select.cat(List.of(v.get(0), v.get(1)), 1), new int[]{1, 0}, new int[]{0, 2}, 0.5),
                new int[]{2, 2}, new int[]{2, 3}));
        c.add(new Case("indexSelect/embedding", v -> Select.indexSelect(v.get(0), 1, new int[]{2, 0, 2}).add(Select.embedding(v.get(1), new int[]{1, 1, 0}, 3).narrow(0, 0, 2)),
                new int[]{2, 3}, new int[]{2, 3}));
        c.add(new Case("gather", v -> Select.gather(v.get(0), 1, new int[]{0, 3, 3, 1, 2, 2}, new int[]{2, 3}), new int[]{2, 4}));
        c.add(new Case("conv2d 3x3 pad 1", v -> Conv.conv2d(v.get(0), v.get(1), v.get(2), SAME3), new int[]{1, 2, 4, 4}, new int[]{2, 2, 3, 3}, new int[]{2}));
        c.add(new Case("conv2d patch embedding", v -> Conv.conv2d(v.get(0), v.get(1), null, PATCH), new int[]{1, 2, 4, 4}, new int[]{3, 2, 2, 2}));
        c.add(new Case("maxPool/avgPool", v -> Conv.maxPool2d(v.get(0), PATCH).add(Conv.avgPool2d(v.get(0), PATCH)), new int[]{1, 2, 4, 4}));
        c.add(new Case("batchNorm2d training", v -> Conv.batchNorm2d(v.get(0), null, null, v.get(1), v.get(2), true, 0.1, 1e-5),
                new int[]{2, 2, 2, 2}, new int[]{2}, new int[]{2}));
        c.add(new Case("batchNorm2d training with running statistics (kept on the device)", v -> {
            var dev = v.get(0).data().device();
            return Conv.batchNorm2d(v.get(0), Tensor.zeros(DType.F64, 2).to(dev), Tensor.ones(DType.F64, 2).to(dev), v.get(1), v.get(2), true, 0.1, 1e-5);
        }, new int[]{2, 2, 2, 2}, new int[]{2}, new int[]{2}));
        c.add(new Case("batchNorm2d eval, odd sizes (fused kernels on the device)", v -> {
            var dev = v.get(0).data().device();
            Tensor rm = Tensor.of(new double[]{0.3, -0.2, 0.1}, 3).to(dev), rv = Tensor.of(new double[]{0.5, 1.5, 2.0}, 3).to(dev);
            return Conv.batchNorm2d(v.get(0), rm, rv, v.get(1), v.get(2), false, 0.1, 1e-5);
        }, new int[]{3, 3, 1, 5}, new int[]{3}, new int[]{3}));
        c.add(new Case("batchNorm2d training, odd sizes, no affine (fused kernels on the device)",
                v -> Conv.batchNorm2d(v.get(0), null, null, null, null, true, 0.1, 1e-5).mul(v.get(0)), new int[]{3, 2, 3, 5}));
        c.add(new Case("topkMean (one kernel each way on the device)", v -> Select.topkMean(v.get(0), 2), new int[]{2, 3, 5}));
        c.add(new Case("attention", v -> v.get(0).matmulT(v.get(1)).mul(0.5).softmax(-1).matmul(v.get(2)),
                new int[]{2, 3, 4}, new int[]{2, 3, 4}, new int[]{2, 3, 4}));
        c.add(new Case("fused attention: causal mask, heads read in place from [B·T, H·d]", v -> {
            var dev = v.get(0).data().device();
            Function<Var, Var> heads = z -> z.reshape(2, 3, 2, 2).permute(0, 2, 1, 3);          // [6, 4] → [2, 2, 3, 2]
            return Attention.attention(heads.apply(v.get(0)), heads.apply(v.get(1)), heads.apply(v.get(2)),
                    clipvr.autograd.nn.MultiheadAttention.causalMask(dev, DType.F64, 3), 0.7);
        }, new int[]{6, 4}, new int[]{6, 4}, new int[]{6, 4}));
        c.add(new Case("fused attention: S != T, odd sizes, additive mask", v -> {
            Tensor mask = Tensor.of(new double[]{0.5, -1, 0, 2, -0.3, 1, 0, -2, 0.1, 0.4, -0.6, 0.2, 0, 1.5, -1}, 3, 5);
            return Attention.attention(v.get(0), v.get(1), v.get(2), mask.to(v.get(0).data().device()), 0.45);
        }, new int[]{2, 3, 5}, new int[]{2, 5, 5}, new int[]{2, 5, 3}));
        c.add(new Case("crossEntropy", v -> CrossEntropy.loss(v.get(0), new int[]{2, 0, 1}, 0.1), new int[]{3, 4}));
        return c;
    }

    @TestFactory
    Stream<DynamicTest> everyDifferentiableOpOnTheDevice() {
        return cases().stream().map(k -> DynamicTest.dynamicTest(k.name(), () -> {
            SplittableRandom rng = new SplittableRandom(k.name().hashCode());
            List<Tensor> inputs = new ArrayList<>();
            for (int[] s : k.shapes()) inputs.add(rand(rng, s));
            GradCheck.assertGradients(xs -> onDevice(k.f(), xs), inputs, OPTS);
        }));
    }

    @TestFactory
    Stream<DynamicTest> deviceGradientsEqualCpuGradients() {
        return cases().stream().map(k -> DynamicTest.dynamicTest(k.name(), () -> {
            SplittableRandom rng = new SplittableRandom(k.name().hashCode() + 1);
            List<Tensor> inputs = new ArrayList<>();
            for (int[] s : k.shapes()) inputs.add(rand(rng, s));
            List<Var> cpu = inputs.stream().map(t -> Var.param(t.copy())).toList();
            List<Var> dev = inputs.stream().map(t -> Var.param(t.copy())).toList();
            k.f().apply(cpu).sum().backward();
            onDevice(k.f(), dev).sum().backward();
            for (int i = 0; i < cpu.size(); i++) {
                double[] want = cpu.get(i).grad().toDoubleArray(), got = dev.get(i).grad().toDoubleArray();
                for (int j = 0; j < want.length; j++)
                    if (!(Math.abs(want[j] - got[j]) <= 1e-12 * (1 + Math.abs(want[j]))))
                        throw new AssertionError(k.name() + " input " + i + " [" + j + "]: cpu " + want[j] + " device " + got[j]);
            }
        }));
    }
}
