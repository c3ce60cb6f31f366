package clipvr.tensor.opencl;

import clipvr.tensor.*;
import clipvr.tensor.ops.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

import static clipvr.tensor.opencl.OpenClTesting.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Tensor ops (shape logic in {@code ops}, kernels on the device) give the CPU's values, including the
 * data-movement ops that are host loops on the CPU, and make no transfers besides the explicit ones.
 */
class OpenClOpsTest {
    /** Runs f on the CPU tensors and on their device copies; the device result must stay on the device and match. */
    static void same(String what, DType dt, List<Tensor> cpu, Function<List<Tensor>, Tensor> f) { same(what, dt, cpu, f, 0); }

    /** As above, allowing {@code uploads} counted uploads of index arrays (inputs that live on the host). */
    static void same(String what, DType dt, List<Tensor> cpu, Function<List<Tensor>, Tensor> f, int uploads) {
        Device dev = device(dt);
        List<Tensor> onDev = cpu.stream().map(t -> t.to(dev)).toList();
        Tensor want = f.apply(cpu);
        Transfers.Count before = Transfers.snapshot();
        Tensor got = f.apply(onDev);
        Transfers.Count used = Transfers.snapshot().minus(before);
        assertEquals(0, used.downloads(), what + ": downloads inside the op");
        assertEquals(uploads, used.uploads(), what + ": uploads inside the op");
        assertEquals(dev, got.device(), what + ": result left the device");
        assertArrayEquals(want.shape(), got.shape(), what + ": shape");
        double tol = dt == DType.F64 ? 1e-12 : 2e-5;
        assertClose(what + " " + dt, want.toDoubleArray(), got.toDoubleArray(), tol, tol);
    }

    @ParameterizedTest @EnumSource(DType.class)
    void shapeAndReductionOps(DType dt) {
        SplittableRandom rng = new SplittableRandom(11);
        Tensor x = random(dt, rng, 3, 4, 5), y = random(dt, rng, 4, 1);
        same("broadcast arithmetic", dt, List.of(x, y), t -> t.get(0).mul(t.get(1)).add(2.0).div(t.get(1).abs().add(1)).sub(t.get(0).permute(0, 1, 2)));
        same("sum over axes", dt, List.of(x), t -> t.getFirst().sum(new int[]{0, 2}, true));
        same("mean/var", dt, List.of(x), t -> t.getFirst().var(new int[]{1}, true, false).add(t.getFirst().mean(1, false)));
        same("max", dt, List.of(x), t -> t.getFirst().max(1, false));
        same("softmax axis 1", dt, List.of(x), t -> t.getFirst().softmax(1));
        same("logSoftmax", dt, List.of(x), t -> t.getFirst().logSoftmax(-1));
        same("layerNorm", dt, List.of(x, random(dt, rng, 5), random(dt, rng, 5)), t -> t.get(0).layerNorm(t.get(1), t.get(2), 1e-5));
        same("clamp/where", dt, List.of(x), t -> Tensor.where(t.getFirst().clamp(-0.5, 0.5), t.getFirst(), Tensor.scalar(dt, -3)));
        same("batched matmul", dt, List.of(x, random(dt, rng, 5, 6)), t -> t.get(0).matmul(t.get(1)));
        same("matmulT of a transposed view", dt, List.of(x, random(dt, rng, 3, 4, 6)), t -> t.get(0).transpose(1, 2).matmulT(t.get(1).transpose(1, 2)));
        same("contiguous copy of a permuted view", dt, List.of(x), t -> t.getFirst().permute(2, 0, 1).contiguous());
        same("dtype conversion", dt, List.of(x), t -> t.getFirst().to(dt == DType.F32 ? DType.F64 : DType.F32).to(dt));
        same("in place", dt, List.of(x, y), t -> t.get(0).copy().addInPlace(t.get(1), 0.5).mulInPlace(3));
    }

    @ParameterizedTest @EnumSource(DType.class)
    void dataMovementOps(DType dt) {
        SplittableRandom rng = new SplittableRandom(12);
        Tensor x = random(dt, rng, 2, 3, 4, 5);
        same("pad", dt, List.of(x), t -> Indexing.pad(t.getFirst(), new int[]{0, 1, 2, 0}, new int[]{1, 0, 1, 3}, -1.5));
        same("cat", dt, List.of(x, random(dt, rng, 2, 2, 4, 5)), t -> Indexing.cat(List.of(t.get(0), t.get(1)), 1));
        same("stack", dt, List.of(x, x.mul(2.0)), t -> Indexing.stack(List.of(t.get(0), t.get(1)), 2));
        same("indexSelect", dt, List.of(x), t -> Indexing.indexSelect(t.getFirst(), 2, new int[]{3, 0, 3, 1}), 1);
        same("embedding", dt, List.of(random(dt, rng, 7, 6)), t -> Indexing.embedding(t.getFirst(), new int[]{6, 0, 2, 2, 5, 1}, 2, 3), 1);
        int[] idx = {0, 4, 4, 1, 2, 3, 0, 0, 1, 2, 3, 4};
        same("gather", dt, List.of(random(dt, rng, 3, 5)), t -> Indexing.gather(t.getFirst(), 1, idx, new int[]{3, 4}), 1);
        same("gatherBackward", dt, List.of(random(dt, rng, 3, 4)), t -> t.getFirst().device().isCpu()
                ? gatherBackwardOnHost(t.getFirst(), 1, idx, new int[]{3, 4}, new int[]{3, 5})
                : Indexing.gatherBackward(t.getFirst(), 1, idx, new int[]{3, 4}, new int[]{3, 5}), 1);
    }

    /** The adjoint of gather written as a plain loop: dx[i, index[i, j]] += g[i, j] (axis 1 of a matrix). */
    static Tensor gatherBackwardOnHost(Tensor g, int axis, int[] index, int[] ishape, int[] xshape) {
        assertEquals(1, axis);
        double[] dx = new double[xshape[0] * xshape[1]], gv = g.toDoubleArray();
        for (int i = 0; i < ishape[0]; i++)
            for (int j = 0; j < ishape[1]; j++) dx[i * xshape[1] + index[i * ishape[1] + j]] += gv[i * ishape[1] + j];
        return Tensor.of(dx, xshape).to(g.dtype());
    }

    @ParameterizedTest @EnumSource(DType.class)
    void convolutionAndPooling(DType dt) {
        SplittableRandom rng = new SplittableRandom(13);
        Tensor x = random(dt, rng, 2, 3, 8, 8), w = random(dt, rng, 4, 3, 3, 3), b = random(dt, rng, 4);
        Windows.Geometry same3 = Windows.Geometry.square(3, 1, 1), patch = Windows.Geometry.square(4, 4, 0);
        same("conv2d 3x3 pad 1", dt, List.of(x, w, b), t -> Convolution.conv2d(t.get(0), t.get(1), t.get(2), same3));
        same("conv2d patch embedding", dt, List.of(x, random(dt, rng, 6, 3, 4, 4)), t -> Convolution.conv2d(t.get(0), t.get(1), null, patch));
        Tensor g = random(dt, rng, 2, 4, 8, 8);
        same("conv2d backward input", dt, List.of(g, w), t -> Convolution.conv2dBackwardInput(t.get(0), t.get(1), new int[]{2, 3, 8, 8}, same3));
        same("conv2d backward weight", dt, List.of(g, x), t -> Convolution.conv2dBackwardWeight(t.get(0), t.get(1), new int[]{4, 3, 3, 3}, same3));
        Windows.Geometry pool = Windows.Geometry.square(2, 2, 0);
        same("avgPool", dt, List.of(x), t -> Pooling.avgPool2d(t.getFirst(), pool));
        same("avgPool backward", dt, List.of(random(dt, rng, 2, 3, 4, 4)), t -> Pooling.avgPool2dBackward(t.getFirst(), new int[]{2, 3, 8, 8}, pool));
        same("batchNorm2d training", dt, List.of(x, Tensor.zeros(dt, 3), Tensor.ones(dt, 3), random(dt, rng, 3), random(dt, rng, 3)),
                t -> BatchNorm.batchNorm2d(t.get(0), t.get(1), t.get(2), t.get(3), t.get(4), true, 0.1, 1e-5).out().add(t.get(2).reshape(1, 3, 1, 1)));
    }

    @ParameterizedTest @EnumSource(DType.class)
    void maxPoolForwardAndBackward(DType dt) {
        Device dev = device(dt);
        SplittableRandom rng = new SplittableRandom(14);
        Tensor x = random(dt, rng, 2, 3, 6, 6), g = random(dt, rng, 2, 3, 3, 3);
        Windows.Geometry pool = Windows.Geometry.square(2, 2, 0);
        Pooling.MaxPoolResult want = Pooling.maxPool2d(x, pool), got = Pooling.maxPool2d(x.to(dev), pool);
        assertArrayEquals(want.out().toDoubleArray(), got.out().toDoubleArray());
        assertArrayEquals(want.argmax(), got.argmax());
        assertArrayEquals(Pooling.maxPool2dBackward(g, want.argmax(), x.shape(), pool).toDoubleArray(),
                Pooling.maxPool2dBackward(g.to(dev), got.argmax(), x.shape(), pool).toDoubleArray());
    }

    /** The max-pool argmax stays on the device: forward and backward with no transfer, = the CPU's int-index path. */
    @ParameterizedTest @EnumSource(DType.class)
    void maxPoolKeepsItsArgmaxOnTheDevice(DType dt) {
        Device dev = device(dt);
        SplittableRandom rng = new SplittableRandom(15);
        Tensor x = random(dt, rng, 2, 3, 8, 8), g = random(dt, rng, 2, 3, 4, 4);
        x.narrow(3, 0, 2).copyFrom(Tensor.zeros(dt, 2, 3, 8, 2));              // ties inside windows: the first position wins
        Windows.Geometry pool = Windows.Geometry.square(2, 2, 0);
        Pooling.MaxPoolResult want = Pooling.maxPool2d(x, pool);
        Tensor xd = x.to(dev), gd = g.to(dev);
        Transfers.Count before = Transfers.snapshot();
        Pooling.MaxPoolResult got = Pooling.maxPool2d(xd, pool);
        Tensor dx = Pooling.maxPool2dBackward(gd, got, x.shape(), pool);
        Transfers.Count used = Transfers.snapshot().minus(before);
        assertEquals(0, used.uploads() + used.downloads(), "transfers in max-pool forward and backward: " + used);
        assertArrayEquals(want.argmax(), got.argmax());
        assertArrayEquals(Pooling.maxPool2dBackward(g, want, x.shape(), pool).toDoubleArray(), dx.toDoubleArray());
    }

    /** topkMean's kernels = their twin, topk then mean (forward) and gather's adjoint / k (backward), ties included. */
    @ParameterizedTest @EnumSource(DType.class)
    void topkMeanMatchesTopkThenMean(DType dt) {
        SplittableRandom rng = new SplittableRandom(16);
        Tensor x = random(dt, rng, 3, 4, 7);
        x.narrow(2, 5, 2).copyFrom(x.narrow(2, 0, 2));                        // repeated values: lower index first
        for (int k : new int[]{1, 3, 7}) {
            int kk = k;
            same("topkMean k=" + k, dt, List.of(x), t -> Indexing.topkMean(t.getFirst(), kk));
            Tensor g = random(dt, rng, 3, 4);
            Indexing.TopK top = Indexing.topk(x, k, 2, true);
            double[] want = new double[x.numel()];
            for (int i = 0; i < top.indices().length; i++) want[(i / k) * 7 + top.indices()[i]] += g.getFlat(i / k) / k;
            Device dev = device(dt);
            Tensor got = Indexing.topkMeanBackward(x.to(dev), k, g.to(dev));
            assertClose("topkMeanBackward k=" + k + " " + dt, want, got.toDoubleArray(), dt == DType.F64 ? 1e-15 : 1e-7, 0);
        }
    }

    @Test
    void transfersAreCountedAndHostOperandsAreRefused() {
        Device dev = device();
        Tensor h = Tensor.of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
        Transfers.Count before = Transfers.snapshot();
        Tensor d = h.to(dev);
        assertSame(d, d.to(dev));
        Tensor back = d.mul(2.0).to(Device.CPU);
        Transfers.Count used = Transfers.snapshot().minus(before);
        assertEquals(1, used.uploads());
        assertEquals(1, used.downloads());
        assertEquals(2 * 6 * 4, used.bytes());
        assertArrayEquals(new float[]{2, 4, 6, 8, 10, 12}, back.toFloatArray());
        // a non-scalar host operand is an error that names the fix, never a silent upload
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.add(h));
        assertTrue(e.getMessage().contains("to(Device)"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> d.get(0, 0));
        assertEquals(21.0, d.sum().item());
        assertEquals(dev, Device.parse("opencl:0"));
        assertEquals(Device.CPU, Device.parse("cpu"));
        assertThrows(IllegalArgumentException.class, () -> Device.parse("cuda:0"));
    }
}
