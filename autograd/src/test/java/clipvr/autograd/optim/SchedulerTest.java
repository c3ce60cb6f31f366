package clipvr.autograd.optim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class SchedulerTest {
    static SGD sgd(double lr) { return new SGD(new Quadratic().params(), lr); }

    @Test void cosineFrom40OverTen() {
        // η_t = 40·(1 + cos(πt/10))/2, the values PyTorch prints for CosineAnnealingLR(SGD(lr=40), T_max=10)
        double[] known = {40.0, 39.02113032590307, 36.18033988749895, 31.755705045849464, 26.18033988749895, 20.0,
                13.819660112501051, 8.244294954150538, 3.819660112501053, 0.9788696740969307, 0.0};
        SGD opt = sgd(40);
        CosineAnnealingLR s = new CosineAnnealingLR(opt, 10, 0);
        StringBuilder log = new StringBuilder();
        for (int t = 0; t <= 10; t++) {
            log.append(String.format("t=%2d lr=%.6f%n", t, opt.lr()));
            assertEquals(known[t], opt.lr(), 1e-12, "t = " + t);
            assertEquals(t, s.lastEpoch());
            assertEquals(opt.lr(), s.lr());
            s.step();
        }
        System.out.print(log);
    }

    @Test void pyTorchsRecursiveFormEqualsTheClosedForm() {
        double base = 0.3, etaMin = 0.01;
        int tMax = 7;
        SGD opt = sgd(base);
        CosineAnnealingLR s = new CosineAnnealingLR(opt, tMax, etaMin);
        double lr = base;                                            // PyTorch's get_lr(), step by step
        for (int t = 1; t <= 4 * tMax; t++) {
            if ((t - 1 - tMax) % (2 * tMax) == 0) lr = lr + (base - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2;
            else lr = (1 + Math.cos(Math.PI * t / tMax)) / (1 + Math.cos(Math.PI * (t - 1) / tMax)) * (lr - etaMin) + etaMin;
            s.step();
            assertEquals(lr, opt.lr(), 1e-12, "t = " + t);
        }
    }

    @Test void multiStepLikeThePyTorchDocs() {
        // lr = 0.05 for t < 30, 0.005 for 30 ≤ t < 80, 0.0005 for t ≥ 80
        SGD opt = sgd(0.05);
        MultiStepLR s = new MultiStepLR(opt, new int[]{80, 30}, 0.1);
        assertArrayEquals(new int[]{30, 80}, s.milestones());
        for (int t = 0; t < 100; t++) {
            double expected = t < 30 ? 0.05 : t < 80 ? 0.005 : 0.0005;
            assertEquals(expected, opt.lr(), 1e-15, "t = " + t);
            s.step();
        }
    }

    @Test void resumeRestoresCounterBaseAndLr() {
        SGD a = sgd(0.2);
        MultiStepLR sa = new MultiStepLR(a, new int[]{2, 4}, 0.5);
        for (int i = 0; i < 3; i++) sa.step();
        assertEquals(0.1, a.lr(), 1e-15);
        SGD b = sgd(0.1);                                            // e.g. rebuilt from the decayed lr
        MultiStepLR sb = new MultiStepLR(b, new int[]{2, 4}, 0.5);
        sb.loadState(sa.state());
        assertEquals(3, sb.lastEpoch());
        assertEquals(0.2, sb.baseLr());
        assertEquals(0.1, b.lr(), 1e-15);
        sa.step();
        sb.step();
        assertEquals(a.lr(), b.lr(), 0);
        assertEquals(0.05, b.lr(), 1e-15);
    }
}
