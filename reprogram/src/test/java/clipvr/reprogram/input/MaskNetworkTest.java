package clipvr.reprogram.input;

import clipvr.autograd.GradMode;
import clipvr.autograd.Var;
import clipvr.reprogram.method.TestTensors;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class MaskNetworkTest {
    @Test void parameterCountsOfThePaper() {
        assertEquals(26_499, new MaskNetwork(5, 8, 3, DType.F32, new SplittableRandom(0)).parameterCount());
        assertEquals(102_339, new MaskNetwork(6, 8, 3, DType.F32, new SplittableRandom(0)).parameterCount());
        // single-channel ablation: no last conv (26,499 − 64·3·9 − 3)
        assertEquals(26_499 - 1_731, new MaskNetwork(5, 8, 1, DType.F32, new SplittableRandom(0)).parameterCount());
    }

    @Test void outputShapesPerPatchSize() {
        Tensor x = TestTensors.normal(1, 2, 3, 32, 32);
        for (int p : new int[]{1, 2, 4, 8, 16}) {
            MaskNetwork net = new MaskNetwork(5, p, 3, DType.F64, new SplittableRandom(p));
            try (var s = GradMode.noGrad()) {
                assertArrayEquals(new int[]{2, 3, 32 / p, 32 / p}, net.forward(Var.constant(x)).shape(), "patch " + p);
            }
        }
        MaskNetwork six = new MaskNetwork(6, 32, 3, DType.F64, new SplittableRandom(3));
        net6:
        {
            Tensor x64 = TestTensors.normal(2, 2, 3, 64, 64);
            assertArrayEquals(new int[]{2, 3, 2, 2}, six.forward(Var.constant(x64)).shape());
        }
        MaskNetwork one = new MaskNetwork(5, 4, 1, DType.F64, new SplittableRandom(4));
        assertArrayEquals(new int[]{2, 1, 8, 8}, one.forward(Var.constant(x)).shape());
    }

    @Test void invalidConfigurationsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new MaskNetwork(5, 32, 3, DType.F32, new SplittableRandom(0)));
        assertThrows(IllegalArgumentException.class, () -> new MaskNetwork(4, 8, 3, DType.F32, new SplittableRandom(0)));
        assertThrows(IllegalArgumentException.class, () -> new MaskNetwork(5, 3, 3, DType.F32, new SplittableRandom(0)));
        assertThrows(IllegalArgumentException.class, () -> new MaskNetwork(5, 8, 2, DType.F32, new SplittableRandom(0)));
    }

    @Test void pytorchDefaultInitialisation() {
        MaskNetwork net = new MaskNetwork(5, 8, 3, DType.F64, new SplittableRandom(7));
        Map<String, Tensor> s = net.state();
        double b1 = 1 / Math.sqrt(27), b4 = 1 / Math.sqrt(32 * 9), b6 = 1 / Math.sqrt(64 * 9);
        assertTrue(s.get("conv1.weight").abs().max().item() <= b1);
        assertTrue(s.get("conv1.weight").abs().max().item() > 0.8 * b1);
        assertTrue(s.get("conv4.bias").abs().max().item() <= b4);
        assertTrue(s.get("conv6.weight").abs().max().item() <= b6);
        assertEquals(0.0, TestTensors.maxAbsDiff(s.get("bn2.weight"), Tensor.ones(DType.F64, 16)));
        assertEquals(0.0, s.get("bn2.bias").abs().sum().item());
        assertEquals(0.0, s.get("bn3.running_mean").abs().sum().item());
        assertEquals(0.0, TestTensors.maxAbsDiff(s.get("bn3.running_var"), Tensor.ones(DType.F64, 32)));
        // deterministic for a seed
        MaskNetwork again = new MaskNetwork(5, 8, 3, DType.F64, new SplittableRandom(7));
        assertEquals(0.0, TestTensors.maxAbsDiff(again.state().get("conv3.weight"), s.get("conv3.weight")));
    }

    @Test void stateNamesFollowSmmCode() {
        MaskNetwork net = new MaskNetwork(5, 8, 3, DType.F32, new SplittableRandom(0));
        List<String> keys = List.copyOf(net.state().keySet());
        assertEquals(List.of("conv1.weight", "conv1.bias", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var",
                "bn1.num_batches_tracked"), keys.subList(0, 7));
        assertEquals(List.of("conv6.weight", "conv6.bias"), keys.subList(keys.size() - 2, keys.size()));
        assertEquals(4 * 7 + 2, keys.size());
        assertTrue(new MaskNetwork(6, 8, 3, DType.F32, new SplittableRandom(0)).state().containsKey("bn5.running_var"));
    }

    @Test void batchNormRunningStatisticsInTrainAndEval() {
        MaskNetwork net = new MaskNetwork(5, 2, 3, DType.F64, new SplittableRandom(1));
        Tensor x = TestTensors.normal(2, 4, 3, 8, 8).mul(2.0).add(1.0);
        // bn1 sees conv1(x); its running mean moves 10 % towards the batch mean
        Tensor conv1 = ConvLayer.forward(Var.constant(x), net.parameters().get(0), net.parameters().get(1)).data();
        Tensor batchMean = conv1.mean(new int[]{0, 2, 3}, false);
        net.forward(Var.constant(x));
        Map<String, Tensor> s = net.state();
        assertEquals(0.0, TestTensors.maxAbsDiff(s.get("bn1.running_mean"), batchMean.mul(0.1)), 1e-12);
        int n = 4 * 8 * 8;
        Tensor unbiased = conv1.var(new int[]{0, 2, 3}, true, false);
        assertEquals(0.0, TestTensors.maxAbsDiff(s.get("bn1.running_var"), unbiased.mul(0.1).add(0.9)), 1e-12);
        assertEquals(1.0, s.get("bn1.num_batches_tracked").item());
        // eval mode: no update, output independent of the batch composition
        net.train(false);
        Tensor full = net.forward(Var.constant(x)).data();
        Tensor first = net.forward(Var.constant(x.narrow(0, 0, 1))).data();
        assertEquals(0.0, TestTensors.maxAbsDiff(full.narrow(0, 0, 1), first), 1e-12);
        assertEquals(0.0, TestTensors.maxAbsDiff(net.state().get("bn1.running_mean"), s.get("bn1.running_mean")));
        assertTrue(n > 1);
    }

    @Test void stateRoundTrip() {
        MaskNetwork a = new MaskNetwork(5, 4, 3, DType.F32, new SplittableRandom(1));
        a.forward(Var.constant(TestTensors.normal(3, 2, 3, 16, 16).to(DType.F32)));
        MaskNetwork b = new MaskNetwork(5, 4, 3, DType.F32, new SplittableRandom(2));
        b.load(a.state());
        a.state().forEach((k, v) -> assertEquals(0.0, TestTensors.maxAbsDiff(v, b.state().get(k)), k));
    }
}
