package clipvr.reprogram.head;

import clipvr.reprogram.method.TestTensors;
import clipvr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class PrmEstimatorTest {
    /** C = 2 classes, M = 4 descriptions each, k = 3. Values in the other class's block are large to show they are ignored. */
    static Tensor handMadeF() {
        return Tensor.of(new double[]{
                0.1, 0.9, 0.5, 0.3,   99, 99, 99, 99,     // sample 0, label 0: top-3 of class 0 = {1, 2, 3}
                0.8, 0.1, 0.7, 0.2,   50, 60, 70, 80,     // sample 1, label 0: {0, 2, 3}
                9, 9, 9, 9,           1, 2, 3, 4,         // sample 2, label 1: {3, 2, 1}
        }, 3, 8);
    }

    @Test void estimateMatchesAHandComputation() {
        PrmEstimator prm = PrmEstimator.standard(2, 4);
        prm.record(handMadeF(), new int[]{0, 0, 1});
        assertArrayEquals(new double[]{1, 1, 2, 2, 0, 1, 1, 1}, prm.counts().toDoubleArray());
        double[] w = prm.probabilities().toDoubleArray();
        assertArrayEquals(new double[]{1 / 6.0, 1 / 6.0, 2 / 6.0, 2 / 6.0, 0, 1 / 3.0, 1 / 3.0, 1 / 3.0}, w, 1e-15);
        Tensor omega = prm.estimate();                                   // [(C·M), C] = [8, 2]
        assertArrayEquals(new int[]{8, 2}, omega.shape());
        assertEquals(2 / 6.0, omega.get(3, 0), 1e-15);
        assertEquals(0.0, omega.get(3, 1));                                // off the class block
        assertEquals(0.0, omega.get(4, 1));                                // never picked: zero row
        assertEquals(0.0, omega.select(0, 4).abs().sum().item());
        Tensor colSums = omega.sum(0, false);
        assertEquals(1.0, colSums.get(0), 1e-15);
        assertEquals(1.0, colSums.get(1), 1e-15);
    }

    @Test void batchesAccumulateAndResetStartsANewEpoch() {
        PrmEstimator prm = PrmEstimator.standard(2, 4);
        Tensor f = handMadeF();
        prm.record(f.narrow(0, 0, 2), new int[]{0, 0});
        prm.record(f.narrow(0, 2, 1), new int[]{1});
        assertEquals(9.0, prm.counts().sum().item());                     // 3 samples × k
        prm.reset();
        assertEquals(0.0, prm.counts().sum().item());
        assertEquals(0.0, TestTensors.maxAbsDiff(prm.estimate(), PrmEstimator.uniform(2, 4)));   // no counts: uniform
    }

    @Test void kIsAParameterAndTiesGoToTheLowerIndex() {
        PrmEstimator prm = new PrmEstimator(1, 4, 2);
        prm.record(Tensor.of(new double[]{1, 5, 5, 5}, 1, 4), new int[]{0});
        assertArrayEquals(new double[]{0, 1, 1, 0}, prm.counts().toDoubleArray());
    }

    @Test void uniformInitialisation() {
        Tensor u = PrmEstimator.uniform(3, 5);
        assertEquals(0.2, u.get(7, 1), 1e-15);
        assertEquals(0.0, u.get(7, 0));
        assertEquals(3.0, u.sum().item(), 1e-12);
    }

    @Test void stateRoundTrip() {
        PrmEstimator a = PrmEstimator.standard(2, 4), b = PrmEstimator.standard(2, 4);
        a.record(handMadeF(), new int[]{0, 0, 1});
        b.load(a.state());
        assertEquals(0.0, TestTensors.maxAbsDiff(a.estimate(), b.estimate()));
    }
}
