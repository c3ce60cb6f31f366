package clipvr.reprogram.mapping;

import clipvr.autograd.GradCheck;
import clipvr.autograd.Var;
import clipvr.reprogram.method.TestTensors;
import clipvr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class LabelMappingTest {
    @Test void greedyOnAHandMadeFrequencyMatrixWithTies() {
        double[][] d = {     // [S = 4][C = 3]
                {1, 4, 4},
                {4, 0, 2},
                {3, 4, 1},
                {0, 2, 3}};
        // step 1: the max 4 first in row-major order is (s0, t1); clear row 0 and column 1
        // step 2: remaining max 4 at (s1, t0); clear row 1 and column 0
        // step 3: remaining max 3 at (s3, t2)
        assertArrayEquals(new int[]{1, 0, 3}, LabelMapping.greedy(d).sourceOf());
        assertEquals(4.0, d[0][1]);                                    // the input is not modified
    }

    @Test void allZeroFrequenciesMapInRowMajorOrder() {
        assertArrayEquals(new int[]{0, 1}, LabelMapping.greedy(new double[3][2]).sourceOf());
    }

    @Test void frequencyMatrixCountsArgmaxPredictions() {
        FrequencyMatrix f = new FrequencyMatrix(4, 2);
        Tensor logits = Tensor.of(new double[]{
                0, 5, 1, 0,       // label 0 → s1
                0, 5, 1, 0,       // label 0 → s1
                9, 0, 0, 0,       // label 1 → s0
                0, 0, 0, 3}, 4, 4); // label 1 → s3
        f.record(logits, new int[]{0, 0, 1, 1});
        assertArrayEquals(new double[]{0, 1}, f.counts()[0]);
        assertArrayEquals(new double[]{2, 0}, f.counts()[1]);
        assertArrayEquals(new int[]{1, 0}, f.mapping().sourceOf());      // (s1, t0) = 2 first, then (s0, t1) = 1
    }

    @Test void applySelectsTheMappedColumnsAndScattersGradients() {
        LabelMapping m = new LabelMapping(new int[]{1, 0, 3}, 5);
        Tensor logits = TestTensors.normal(1, 2, 5);
        Tensor z = m.apply(Var.constant(logits)).data();
        assertArrayEquals(new int[]{2, 3}, z.shape());
        assertEquals(logits.get(1, 3), z.get(1, 2));
        assertEquals(logits.get(0, 1), z.get(0, 0));
        var r = GradCheck.check(v -> m.apply(v.getFirst()), List.of(logits), TestTensors.OPTIONS);
        assertTrue(r.passed(), r.describe());
    }

    @Test void randomMappingIsASeededOneToOnePrefix() {
        LabelMapping a = LabelMapping.random(1000, 10, 7), b = LabelMapping.random(1000, 10, 7), c = LabelMapping.random(1000, 10, 8);
        assertArrayEquals(a.sourceOf(), b.sourceOf());
        assertFalse(java.util.Arrays.equals(a.sourceOf(), c.sourceOf()));
        assertEquals(10, java.util.Arrays.stream(a.sourceOf()).distinct().count());
        assertEquals(10, LabelMapping.random(10, 10, 1).sourceOf().length);
    }

    @Test void rejectsNonInjectiveMappingsAndTooFewSources() {
        assertThrows(IllegalArgumentException.class, () -> new LabelMapping(new int[]{1, 1}, 3));
        assertThrows(IllegalArgumentException.class, () -> LabelMapping.greedy(new double[2][3]));
        assertTrue(MappingKind.ILM.recomputedEachEpoch());
        assertFalse(MappingKind.FLM.recomputedEachEpoch());
    }
}
