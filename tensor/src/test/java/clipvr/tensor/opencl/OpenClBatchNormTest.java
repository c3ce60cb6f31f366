package clipvr.tensor.opencl;

import clipvr.tensor.DType;
import clipvr.tensor.Device;
import clipvr.tensor.Tensor;
import clipvr.tensor.Transfers;
import clipvr.tensor.ops.BatchNorm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.SplittableRandom;

import static clipvr.tensor.opencl.OpenClTesting.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The fused batch-norm kernels (batchnorm.cl, forward and backward, training and eval, with and without affine
 * parameters and running statistics) equal their twins, the CPU compositions in {@link BatchNorm}, on random
 * [N, C, H, W] including odd sizes; no transfers inside; the same bits twice. Float32 tolerance from the summation
 * depth m = N·H·W of a channel's statistics (ε = 2⁻²³ per addition, both sides summing in different orders);
 * float64 to 1e-12 relative. The float64 GradCheck through the kernels is a case of autograd's OpenClGradCheckTest.
 */
class OpenClBatchNormTest {
    static final double EPS32 = Math.ulp(1.0f);

    record Run(BatchNorm.Result r, BatchNorm.Grads d, Tensor runningMean, Tensor runningVar) {
        double[][] values() {
            return new double[][]{r.out().toDoubleArray(), r.mean().contiguous().toDoubleArray(), r.rstd().toDoubleArray(),
                    d.dx().toDoubleArray(), d.dweight() == null ? new double[0] : d.dweight().toDoubleArray(), d.dbias().toDoubleArray(),
                    runningMean == null ? new double[0] : runningMean.toDoubleArray(),
                    runningVar == null ? new double[0] : runningVar.toDoubleArray()};
        }
    }

    /** Forward then backward on x's device; running statistics (copies) updated in place when given. */
    static Run run(Tensor x, Tensor g, Tensor rm, Tensor rv, Tensor w, Tensor b, boolean training) {
        Tensor rmc = rm == null ? null : rm.copy(), rvc = rv == null ? null : rv.copy();
        BatchNorm.Result r = BatchNorm.batchNorm2d(x, rmc, rvc, w, b, training, 0.1, 1e-5);
        BatchNorm.Grads d = BatchNorm.backward(x, g, w, r, training, true, w != null, true);
        return new Run(r, d, rmc, rvc);
    }

    static Tensor host(Tensor t) { return t == null ? null : t.to(Device.CPU); }

    static Run onHost(Run run) {
        return new Run(new BatchNorm.Result(host(run.r().out()), host(run.r().mean()), host(run.r().rstd())),
                new BatchNorm.Grads(host(run.d().dx()), host(run.d().dweight()), host(run.d().dbias())),
                host(run.runningMean()), host(run.runningVar()));
    }

    static Tensor dev(Tensor t, Device d) { return t == null ? null : t.to(d); }

    @ParameterizedTest @EnumSource(DType.class)
    void fusedKernelsEqualTheComposition(DType dt) {
        Device dev = device(dt);
        SplittableRandom rng = new SplittableRandom(dt == DType.F32 ? 21 : 22);
        double worst = 0, worstTol = 0;
        for (int trial = 0; trial < 16; trial++) {
            int n = rng.nextInt(1, 6), c = rng.nextInt(1, 8), h = rng.nextInt(1, 10), wd = rng.nextInt(1, 10);
            if (trial == 0) { n = 3; c = 5; h = 17; wd = 13; }                  // m = 663 > 10 work-group strides
            if (n * h * wd < 2) h = 2;
            boolean training = trial % 4 != 3, affine = trial % 3 != 2, running = !training || trial % 2 == 0;
            Tensor x = random(dt, rng, n, c, h, wd).mul(1.5).add(0.7), g = random(dt, rng, n, c, h, wd);   // [N, C, H, W]
            Tensor w = affine ? random(dt, rng, c) : null, b = affine ? random(dt, rng, c) : null;
            Tensor rm = running ? random(dt, rng, c) : null, rv = running ? random(dt, rng, c).abs().add(0.5) : null;

            Run want = run(x, g, rm, rv, w, b, training);                         // the CPU: the compositions
            Tensor xd = x.to(dev), gd = g.to(dev), wdv = dev(w, dev), bd = dev(b, dev), rmd = dev(rm, dev), rvd = dev(rv, dev);
            Transfers.Count before = Transfers.snapshot();
            Run got = run(xd, gd, rmd, rvd, wdv, bd, training);
            assertEquals(0, Transfers.snapshot().minus(before).total(), "no transfers inside the fused batch norm");
            assertEquals(dev, got.r().out().device());
            assertEquals(dev, got.d().dx().device());

            int m = n * h * wd;
            // float32: each side's channel sums carry ≤ m roundings in different orders (worst case m·ε of Σ|terms|), and
            // y, dx inherit the error of μ, σ² and the sums times rstd; 4·(m + 16)·ε, relative to each output's scale
            double tol = dt == DType.F32 ? 4 * (m + 16) * EPS32 : 1e-12;
            double[][] a = want.values(), bb = onHost(got).values();
            String what = "batch norm " + dt + " [" + n + ", " + c + ", " + h + ", " + wd + "] training=" + training
                    + " affine=" + affine + " running=" + running;
            String[] names = {"y", "mean", "rstd", "dx", "dweight", "dbias", "running mean", "running var"};
            for (int k = 0; k < a.length; k++) {
                double scale = 1;
                for (double v : a[k]) scale = Math.max(scale, Math.abs(v));        // sums (dweight, dbias) scale with m
                worst = Math.max(worst, assertClose(what + " " + names[k], a[k], bb[k], tol * scale, tol) / scale);
            }
            worstTol = Math.max(worstTol, tol);

            // determinism: the same inputs again give the same bits
            Run again = run(xd, gd, rmd, rvd, wdv, bd, training);
            double[][] cc = onHost(again).values();
            for (int k = 0; k < bb.length; k++) assertArrayEquals(bb[k], cc[k], what + " " + names[k] + " repeated");
        }
        System.out.printf("fused batch norm %s: max difference to the composition %.3g of scale (tolerance up to %.3g)%n", dt, worst, worstTol);
    }

    /** A [N, C, H, W] view that is not contiguous (a permuted NHWC tensor) goes through the kernels too, as a copy on the device. */
    @ParameterizedTest @EnumSource(DType.class)
    void stridedInputs(DType dt) {
        Device dev = device(dt);
        SplittableRandom rng = new SplittableRandom(5);
        Tensor nhwc = random(dt, rng, 2, 5, 3, 4), g = random(dt, rng, 2, 4, 5, 3);
        Tensor x = nhwc.permute(0, 3, 1, 2);                                       // [2, 4, 5, 3], strided
        Run want = run(x, g, null, null, null, null, true);
        Run got = onHost(run(nhwc.to(dev).permute(0, 3, 1, 2), g.to(dev), null, null, null, null, true));
        double tol = dt == DType.F32 ? 4 * (30 + 16) * EPS32 : 1e-12;
        double[][] a = want.values(), b = got.values();
        for (int k = 0; k < a.length; k++) assertClose("strided batch norm " + dt + " #" + k, a[k], b[k], tol, tol);
    }

    /** The twins themselves run on a device (what -Dclipvr.kernels=reference selects there) and agree with the kernels. */
    @ParameterizedTest @EnumSource(DType.class)
    void theCompositionsRunOnTheDeviceToo(DType dt) {
        Device dev = device(dt);
        SplittableRandom rng = new SplittableRandom(6);
        Tensor x = random(dt, rng, 3, 2, 5, 3).to(dev), g = random(dt, rng, 3, 2, 5, 3).to(dev), w = random(dt, rng, 2).to(dev);
        for (boolean training : new boolean[]{true, false}) {
            Tensor rm = Tensor.of(new double[]{0.2, -0.1}, 2).to(dt), rv = Tensor.of(new double[]{0.8, 1.7}, 2).to(dt);
            BatchNorm.Result twin = BatchNorm.composition(x, rm.to(dev), rv.to(dev), w, null, training, 0.1, 1e-5);
            BatchNorm.Result fused = BatchNorm.batchNorm2d(x, rm.to(dev), rv.to(dev), w, null, training, 0.1, 1e-5);
            BatchNorm.Grads dt1 = BatchNorm.backwardComposition(x, g, w, twin, training, true, true, true);
            BatchNorm.Grads dt2 = BatchNorm.backward(x, g, w, fused, training, true, true, true);
            double tol = dt == DType.F32 ? 4 * (45 + 16) * EPS32 : 1e-12;
            Tensor[] a = {twin.out(), dt1.dx(), dt1.dweight(), dt1.dbias()}, b = {fused.out(), dt2.dx(), dt2.dweight(), dt2.dbias()};
            for (int k = 0; k < a.length; k++) {
                assertEquals(dev, a[k].device());
                assertClose("device twin vs kernel #" + k + " training=" + training, a[k].to(Device.CPU).toDoubleArray(),
                        b[k].to(Device.CPU).toDoubleArray(), tol * 4, tol);
            }
        }
    }
}
