package clipvr.autograd.optim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** SGD against the documented PyTorch update, computed element by element with plain doubles. */
class SgdTest {
    /** torch.optim.SGD for one scalar: g += wd·θ; b = g (first) or μb + (1-d)g; g = g + μb (nesterov) or b; θ -= lr·g. */
    static double[][] reference(int steps, double lr, double mu, double damp, double wd, boolean nesterov) {
        int n = Quadratic.THETA0.length;
        double[] th = Quadratic.THETA0.clone(), buf = new double[n];
        double[][] out = new double[steps][];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < n; i++) {
                double g = Quadratic.grad(i, th[i]);
                if (wd != 0) g += wd * th[i];
                if (mu != 0) {
                    buf[i] = t == 0 ? g : mu * buf[i] + (1 - damp) * g;
                    g = nesterov ? g + mu * buf[i] : buf[i];
                }
                th[i] -= lr * g;
            }
            out[t] = th.clone();
        }
        return out;
    }

    static void agrees(double lr, double mu, double damp, double wd, boolean nesterov) {
        Quadratic q = new Quadratic();
        SGD opt = new SGD(q.params(), lr, mu, damp, wd, nesterov);
        double[][] expected = reference(6, lr, mu, damp, wd, nesterov);
        for (int t = 0; t < 6; t++) {
            opt.zeroGrad();
            q.backward();
            opt.step();
            assertArrayEquals(expected[t], q.theta.data().toDoubleArray(), 1e-13,
                    "step " + (t + 1) + " lr " + lr + " momentum " + mu + " dampening " + damp + " wd " + wd + " nesterov " + nesterov);
        }
    }

    @Test void plain() {
        agrees(0.1, 0, 0, 0, false);
        // by hand, first element: θ = 0.5, g = 2·1·(0.5 - 1) = -1 → 0.5 + 0.1 = 0.6
        Quadratic q = new Quadratic();
        SGD opt = new SGD(q.params(), 0.1);
        q.backward();
        opt.step();
        assertEquals(0.6, q.theta.data().getFlat(0), 1e-15);
    }

    @Test void momentum() { agrees(0.05, 0.9, 0, 0, false); }
    @Test void momentumWithDampening() { agrees(0.05, 0.9, 0.3, 0, false); }
    @Test void nesterov() { agrees(0.05, 0.9, 0, 0, true); }
    @Test void weightDecay() { agrees(0.05, 0, 0, 0.1, false); }
    @Test void weightDecayWithNesterovMomentum() { agrees(0.05, 0.8, 0, 0.01, true); }

    @Test void momentumSecondStepByHand() {
        // element 0: g1 = -1, b1 = -1, θ1 = 0.5 + 0.1 = 0.6; g2 = 2(0.6 - 1) = -0.8, b2 = 0.9·(-1) - 0.8 = -1.7, θ2 = 0.6 + 0.17
        Quadratic q = new Quadratic();
        SGD opt = new SGD(q.params(), 0.1, 0.9, 0, 0, false);
        for (int t = 0; t < 2; t++) { opt.zeroGrad(); q.backward(); opt.step(); }
        assertEquals(0.77, q.theta.data().getFlat(0), 1e-15);
        assertEquals(-1.7, opt.state().get("layer.theta:momentum_buffer").getFlat(0), 1e-15);
    }

    @Test void badArgumentsAreRejected() {
        Quadratic q = new Quadratic();
        assertThrows(IllegalArgumentException.class, () -> new SGD(q.params(), 0.1, 0, 0, 0, true));
        assertThrows(IllegalArgumentException.class, () -> new SGD(q.params(), 0.1, 0.9, 0.1, 0, true));
        assertThrows(IllegalArgumentException.class, () -> new SGD(q.params(), -1));
    }
}
