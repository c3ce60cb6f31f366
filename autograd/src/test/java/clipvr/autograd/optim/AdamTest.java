package clipvr.autograd.optim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Adam and AdamW against the documented PyTorch update, computed element by element with plain doubles. */
class AdamTest {
    /**
     * torch.optim.Adam / AdamW for one scalar at step t: decay (θ *= 1 - lr·wd, or g += wd·θ);
     * m = β₁m + (1-β₁)g; v = β₂v + (1-β₂)g²; v̂max = max(v̂max, v) if amsgrad;
     * θ -= lr/(1-β₁ᵗ) · m / (√v / √(1-β₂ᵗ) + eps).
     */
    static double[][] reference(int steps, double lr, double b1, double b2, double eps, double wd, boolean amsgrad, boolean decoupled) {
        int n = Quadratic.THETA0.length;
        double[] th = Quadratic.THETA0.clone(), m = new double[n], v = new double[n], vmax = new double[n];
        double[][] out = new double[steps][];
        for (int t = 1; t <= steps; t++) {
            for (int i = 0; i < n; i++) {
                double g = Quadratic.grad(i, th[i]);
                if (decoupled) th[i] *= 1 - lr * wd;
                else g += wd * th[i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                vmax[i] = Math.max(vmax[i], v[i]);
                double vh = amsgrad ? vmax[i] : v[i];
                double bc1 = 1 - Math.pow(b1, t), bc2 = 1 - Math.pow(b2, t);
                th[i] -= lr / bc1 * m[i] / (Math.sqrt(vh) / Math.sqrt(bc2) + eps);
            }
            out[t - 1] = th.clone();
        }
        return out;
    }

    static void agrees(Adam opt, Quadratic q, double[][] expected) {
        for (int t = 0; t < expected.length; t++) {
            opt.zeroGrad();
            q.backward();
            opt.step();
            assertArrayEquals(expected[t], q.theta.data().toDoubleArray(), 1e-13, opt.getClass().getSimpleName() + " step " + (t + 1));
        }
        assertEquals(expected.length, opt.state().get("layer.theta:step").item());
    }

    @Test void adamDefaults() {
        Quadratic q = new Quadratic();
        agrees(new Adam(q.params(), 0.1), q, reference(8, 0.1, 0.9, 0.999, 1e-8, 0, false, false));
    }

    @Test void adamFirstStepMovesEachWeightByLrTimesSignOfGradient() {
        // m̂ = g, v̂ = g² at t = 1, so Δθ = -lr·g/(|g| + eps)
        Quadratic q = new Quadratic();
        Adam opt = new Adam(q.params(), 0.01);
        q.backward();
        opt.step();
        for (int i = 0; i < 6; i++) {
            double g = Quadratic.grad(i, Quadratic.THETA0[i]);
            assertEquals(Quadratic.THETA0[i] - 0.01 * g / (Math.abs(g) + 1e-8), q.theta.data().getFlat(i), 1e-15);
        }
    }

    @Test void adamWithL2WeightDecay() {
        Quadratic q = new Quadratic();
        agrees(new Adam(q.params(), 0.05, 0.8, 0.99, 1e-6, 0.1, false), q, reference(8, 0.05, 0.8, 0.99, 1e-6, 0.1, false, false));
    }

    @Test void adamAmsgrad() {
        Quadratic q = new Quadratic();
        agrees(new Adam(q.params(), 0.3, 0.9, 0.9, 1e-8, 0, true), q, reference(10, 0.3, 0.9, 0.9, 1e-8, 0, true, false));
    }

    @Test void adamWDecoupledWeightDecay() {
        Quadratic q = new Quadratic();
        AdamW opt = new AdamW(q.params(), 0.05, 0.9, 0.999, 1e-8, 0.1, false);
        agrees(opt, q, reference(8, 0.05, 0.9, 0.999, 1e-8, 0.1, false, true));
        assertEquals(0.01, new AdamW(new Quadratic().params(), 1e-3).weightDecay);
    }

    @Test void adamWAmsgrad() {
        Quadratic q = new Quadratic();
        agrees(new AdamW(q.params(), 0.2, 0.9, 0.95, 1e-8, 0.05, true), q, reference(10, 0.2, 0.9, 0.95, 1e-8, 0.05, true, true));
    }

    @Test void decoupledAndL2DecayDiffer() {
        double[][] l2 = reference(3, 0.05, 0.9, 0.999, 1e-8, 0.1, false, false);
        double[][] dec = reference(3, 0.05, 0.9, 0.999, 1e-8, 0.1, false, true);
        assertNotEquals(l2[2][5], dec[2][5], 1e-6);
    }
}
