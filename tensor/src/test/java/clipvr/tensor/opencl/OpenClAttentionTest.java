package clipvr.tensor.opencl;

import clipvr.tensor.DType;
import clipvr.tensor.Device;
import clipvr.tensor.Tensor;
import clipvr.tensor.Transfers;
import clipvr.tensor.ops.Attention;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.SplittableRandom;

import static clipvr.tensor.opencl.OpenClTesting.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The fused attention kernels (attention.cl: forward, and the backward's query and key sides) equal their twins, the
 * CPU compositions in {@link Attention}, on random shapes with odd sizes, rows longer than a work-group, no mask, a
 * causal mask (CLIP's text tower) and a random finite mask, contiguous [A, T, d] tensors and the heads of a
 * [A·T, H·d] projection read in place; no transfers inside; the same bits twice. Float32 tolerance from the summation
 * depth (the dot products over d and dv, the softmax and products over S, the key side's sums over T: each a chain of
 * at most that many roundings on either side); float64 to 1e-12. The float64 GradCheck through the kernels is a case
 * of autograd's OpenClGradCheckTest.
 */
class OpenClAttentionTest {
    static final double EPS32 = Math.ulp(1.0f);

    static Tensor causal(DType dt, int t) {
        Tensor m = Tensor.zeros(dt, t, t);
        for (int i = 0; i < t; i++) for (int j = i + 1; j < t; j++) m.set(Double.NEGATIVE_INFINITY, i, j);
        return m;
    }

    /** [A·T, H·n] → the heads [A, H, T, n] as a strided view (a projection's layout), or a contiguous [A·H, T, n] as is. */
    static Tensor heads(Tensor base, boolean projection, int a, int h) {
        if (!projection) return base;
        return base.reshape(a, base.size(0) / a, h, base.size(1) / h).permute(0, 2, 1, 3);
    }

    /** Forward and backward on the inputs' device, results on the host: out, probs, dq, dk, dv. */
    static double[][] run(Tensor q, Tensor k, Tensor v, Tensor mask, Tensor g, double scale) {
        Attention.Result r = Attention.forward(q, k, v, mask, scale);
        Attention.Grads d = Attention.backward(q, k, v, r, g, scale);
        Tensor[] ts = {r.out(), r.probs(), d.dq(), d.dk(), d.dv()};
        double[][] out = new double[ts.length][];
        for (int i = 0; i < ts.length; i++) {
            assertEquals(q.device(), ts[i].device(), "result " + i + " on the inputs' device");
            out[i] = ts[i].to(Device.CPU).toDoubleArray();
        }
        return out;
    }

    @ParameterizedTest @EnumSource(DType.class)
    void fusedKernelsEqualTheComposition(DType dt) {
        Device dev = device(dt);
        SplittableRandom rng = new SplittableRandom(dt == DType.F32 ? 31 : 32);
        String[] names = {"out", "probs", "dq", "dk", "dv"};
        double worst = 0;
        for (int trial = 0; trial < 14; trial++) {
            int a = rng.nextInt(1, 4), h = rng.nextInt(1, 4), t = rng.nextInt(1, 24), d = rng.nextInt(1, 40), dv = rng.nextInt(1, 40);
            int kind = trial % 3;                                               // 0: no mask, 1: causal, 2: random finite
            if (trial == 0) { a = 2; h = 2; t = 77; d = 64; dv = 64; kind = 1; } // CLIP's text tower: 77 > one work-group
            int s = kind == 1 ? t : rng.nextInt(1, 24);
            boolean projection = trial % 2 == 1;                                // heads read in place from [A·T, H·d]
            Tensor qb, kb, vb;                                                  // what is uploaded
            if (projection) {
                qb = random(dt, rng, a * t, h * d);                             // [A·T, H·d]
                kb = random(dt, rng, a * s, h * d);
                vb = random(dt, rng, a * s, h * dv);
            } else {
                qb = random(dt, rng, a * h, t, d);                              // [A·H, T, d]
                kb = random(dt, rng, a * h, s, d);
                vb = random(dt, rng, a * h, s, dv);
            }
            Tensor q = heads(qb, projection, a, h), k = heads(kb, projection, a, h), v = heads(vb, projection, a, h);
            Tensor mask = kind == 0 ? null : kind == 1 ? causal(dt, t) : random(dt, rng, t, s);
            Tensor g = random(dt, rng, q.rank() == 4 ? new int[]{a, h, t, dv} : new int[]{a * h, t, dv});
            double scale = 1 / Math.sqrt(d);

            double[][] want = run(q, k, v, mask, g, scale);                     // the CPU: the compositions
            Tensor qd = heads(qb.to(dev), projection, a, h), kd = heads(kb.to(dev), projection, a, h), vd = heads(vb.to(dev), projection, a, h);
            Tensor md = mask == null ? null : mask.to(dev), gd = g.to(dev);
            Transfers.Count before = Transfers.snapshot();
            Attention.Result r = Attention.forward(qd, kd, vd, md, scale);
            Attention.Grads dg = Attention.backward(qd, kd, vd, r, gd, scale);
            assertEquals(0, Transfers.snapshot().minus(before).total(), "no transfers inside the fused attention");
            double[][] got = run(qd, kd, vd, md, gd, scale);

            // float32: score = Σ_d q·k (d roundings, |q·k| ≤ 4d), softmax over S, o and dP over S and dv, dk/dv over T
            double tol = dt == DType.F32 ? 4 * (d + dv + s + t + 16) * EPS32 : 1e-12;
            String what = "attention " + dt + " A=" + a + " H=" + h + " T=" + t + " S=" + s + " d=" + d + " dv=" + dv
                    + " mask=" + new String[]{"none", "causal", "random"}[kind] + (projection ? " (projection views)" : "");
            for (int i = 0; i < want.length; i++) {
                double sc = 1;
                for (double x : want[i]) sc = Math.max(sc, Math.abs(x));
                worst = Math.max(worst, assertClose(what + " " + names[i], want[i], got[i], tol * sc, tol) / sc);
            }
            double[][] again = run(qd, kd, vd, md, gd, scale);                   // determinism: the same bits twice
            for (int i = 0; i < got.length; i++) assertArrayEquals(got[i], again[i], what + " " + names[i] + " repeated");
        }
        System.out.printf("fused attention %s: max difference to the composition %.3g of scale%n", dt, worst);
    }

    /** The twins themselves run on a device (what -Dclipvr.kernels=reference selects there) and agree with the kernels. */
    @ParameterizedTest @EnumSource(DType.class)
    void theCompositionsRunOnTheDeviceToo(DType dt) {
        Device dev = device(dt);
        SplittableRandom rng = new SplittableRandom(8);
        Tensor q = random(dt, rng, 2, 2, 7, 5).to(dev), k = random(dt, rng, 2, 2, 7, 5).to(dev), v = random(dt, rng, 2, 2, 7, 3).to(dev);
        Tensor mask = causal(dt, 7).to(dev), g = random(dt, rng, 2, 2, 7, 3).to(dev);
        Attention.Result twin = Attention.composition(q, k, v, mask, 0.4), fused = Attention.forward(q, k, v, mask, 0.4);
        Attention.Grads d1 = Attention.backwardComposition(q, k, v, twin, g, 0.4), d2 = Attention.backward(q, k, v, fused, g, 0.4);
        double tol = dt == DType.F32 ? 4 * (5 + 3 + 7 + 7 + 16) * EPS32 : 1e-12;
        Tensor[] a = {twin.out(), twin.probs(), d1.dq(), d1.dk(), d1.dv()}, b = {fused.out(), fused.probs(), d2.dq(), d2.dk(), d2.dv()};
        for (int i = 0; i < a.length; i++) {
            assertEquals(dev, a[i].device());
            assertClose("device twin vs kernel #" + i, a[i].to(Device.CPU).toDoubleArray(), b[i].to(Device.CPU).toDoubleArray(), tol * 4, tol);
        }
    }
}
