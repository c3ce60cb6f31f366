package clipvr.autograd.opencl;

import clipvr.autograd.nn.Parameter;
import clipvr.autograd.optim.Adam;
import clipvr.autograd.optim.AdamW;
import clipvr.autograd.optim.Optimizer;
import clipvr.tensor.DType;
import clipvr.tensor.Device;
import clipvr.tensor.Tensor;
import clipvr.tensor.Transfers;
import clipvr.tensor.opencl.OpenClDevice;
import clipvr.tensor.ops.Fused;
import clipvr.tensor.ops.UnaryOp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The fused kernels (fused.cl) equal their unfused twins, the CPU compositions of the existing ops, on random shapes:
 * float32 within a tolerance from the depth of each chain (ε = 2⁻²³ per rounding, a few roundings per element and
 * ≤ 4 ulp for the device's exp; no sums, so no summation depth beyond that), float64 to 1e-12. The float64 GradCheck
 * of bias + QuickGELU on the device is a case of {@link OpenClGradCheckTest}.
 */
class OpenClFusedTest {
    static final Device DEV = new Device("opencl", 0);
    static final double EPS32 = Math.ulp(1.0f);

    @BeforeAll static void needDevice() {
        String why = OpenClDevice.unavailableReason();
        assumeTrue(why == null, () -> "OpenCL tests skipped: " + why);
    }

    static Tensor rand(DType dt, SplittableRandom rng, double scale, int... shape) {
        return Tensor.uniform(dt, rng, -scale, scale, shape);
    }

    /** max |a - b| / (1 + |a|) over the elements. */
    static double worst(Tensor want, Tensor got) {
        double[] a = want.toDoubleArray(), b = got.toDoubleArray();
        assertEquals(a.length, b.length);
        double w = 0;
        for (int i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i] - b[i]) / (1 + Math.abs(a[i])));
        return w;
    }

    @Test void biasQuickGeluForwardAndBackwardEqualTheComposition() {
        SplittableRandom rng = new SplittableRandom(7);
        for (DType dt : new DType[]{DType.F32, DType.F64}) {
            if (dt == DType.F64 && !OpenClDevice.get(0).fp64()) continue;
            // 8 roundings (add, scale, exp ≤ 4 ulp, divide, multiply) in float32; float64 the same at its ε
            double tol = dt == DType.F32 ? 16 * EPS32 : 1e-12;
            double fw = 0, bw = 0;
            for (int trial = 0; trial < 6; trial++) {
                int rows = 1 + rng.nextInt(70), n = 1 + rng.nextInt(300);
                Tensor x = rand(dt, rng, 6, rows, n), b = rand(dt, rng, 2, n), g = rand(dt, rng, 1, rows, n);
                boolean noBias = trial == 5;
                Tensor want = (noBias ? x : x.add(b)).unary(UnaryOp.QUICK_GELU);
                Tensor wantD = g.mul((noBias ? x : x.add(b)).unary(UnaryOp.QUICK_GELU_GRAD));
                Tensor xd = x.to(DEV), bd = noBias ? null : b.to(DEV), gd = g.to(DEV);
                Transfers.Count before = Transfers.snapshot();
                Tensor got = Fused.biasQuickGelu(xd, bd), gotD = Fused.biasQuickGeluBackward(xd, bd, gd);
                assertEquals(0, Transfers.snapshot().minus(before).total(), "no transfers inside the fused ops");
                fw = Math.max(fw, worst(want, got.to(Device.CPU)));
                bw = Math.max(bw, worst(wantD, gotD.to(Device.CPU)));
                // the CPU's own Fused path is the composition itself
                assertArrayEquals(want.toDoubleArray(), Fused.biasQuickGelu(x, noBias ? null : b).toDoubleArray());
            }
            System.out.printf("bias+QuickGELU %s: max relative difference forward %.3g, backward %.3g (tolerance %.3g)%n", dt, fw, bw, tol);
            assertTrue(fw <= tol, dt + " forward " + fw);
            assertTrue(bw <= tol, dt + " backward " + bw);
        }
    }

    record Params(LinkedHashMap<String, Parameter> map) {
        static Params of(List<Tensor> values, Device device) {
            LinkedHashMap<String, Parameter> m = new LinkedHashMap<>();
            for (int i = 0; i < values.size(); i++) m.put("p" + i, new Parameter("p" + i, values.get(i).copy().to(device), true));
            return new Params(m);
        }
    }

    /** Three updates of the fused Adam/AdamW kernel on the device = the composition on the CPU (θ and both moments). */
    @Test void adamUpdateKernelEqualsTheComposition() {
        for (DType dt : new DType[]{DType.F32, DType.F64}) {
            if (dt == DType.F64 && !OpenClDevice.get(0).fp64()) continue;
            for (boolean decoupled : new boolean[]{true, false}) {
                SplittableRandom rng = new SplittableRandom(decoupled ? 3 : 4);
                List<Tensor> init = new ArrayList<>();
                for (int k = 0; k < 4; k++) init.add(rand(dt, rng, 1, 1 + rng.nextInt(9), 1 + rng.nextInt(40)));
                Params cpu = Params.of(init, Device.CPU), dev = Params.of(init, DEV);
                double lr = 0.01;
                Optimizer oc = decoupled ? new AdamW(cpu.map(), lr, 0.9, 0.98, 1e-6, 0.2, false) : new Adam(cpu.map(), lr, 0.9, 0.98, 1e-6, 0.2, false);
                Optimizer od = decoupled ? new AdamW(dev.map(), lr, 0.9, 0.98, 1e-6, 0.2, false) : new Adam(dev.map(), lr, 0.9, 0.98, 1e-6, 0.2, false);
                int steps = 3;
                for (int s = 0; s < steps; s++) {
                    for (String name : cpu.map().keySet()) {
                        Tensor g = rand(dt, rng, 1, cpu.map().get(name).shape());
                        cpu.map().get(name).zeroGrad();
                        dev.map().get(name).zeroGrad();
                        cpu.map().get(name).var().accumulate(g);
                        dev.map().get(name).var().accumulate(g.to(DEV));
                    }
                    oc.step();
                    Transfers.Count before = Transfers.snapshot();
                    od.step();
                    assertEquals(0, Transfers.snapshot().minus(before).total(), "no transfers in the device update");
                }
                // per step ≈ 8 roundings of an update of size ≤ lr·|m/(√v̂ + eps)|, which can reach ~ lr·3 in 3 steps, plus θ's own rounding
                double tol = dt == DType.F32 ? steps * 16 * EPS32 : 1e-12;
                double w = 0;
                for (String name : cpu.map().keySet())
                    w = Math.max(w, worst(cpu.map().get(name).data(), dev.map().get(name).data().to(Device.CPU)));
                var sc = oc.state();
                var sd = od.state();
                for (String key : sc.keySet()) if (!key.equals("lr")) w = Math.max(w, worst(sc.get(key), sd.get(key).to(Device.CPU)));
                System.out.printf("Adam%s %s fused: max relative difference %.3g (tolerance %.3g)%n", decoupled ? "W" : "", dt, w, tol);
                assertTrue(w <= tol, (decoupled ? "AdamW " : "Adam ") + dt + ": " + w);
            }
        }
    }
}
