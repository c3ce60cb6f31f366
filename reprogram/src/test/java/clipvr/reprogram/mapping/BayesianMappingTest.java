package clipvr.reprogram.mapping;

import clipvr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** BLM's reweighting matrix and BLM+'s top-k probability counts, against hand computations. */
class BayesianMappingTest {

    /**
     * d = [[3, 1], [0, 2]]. λ = 1: row sums + λ = 5, 3, so M = [[3/5, 1/5], [0, 2/3]]; column sums 3/5 and 13/15; ω =
     * [[1, 3/13], [0, 10/13]]. λ = 0: M = [[3/4, 1/4], [0, 1]], column sums 3/4 and 5/4, ω = [[1, 1/5], [0, 4/5]].
     */
    @Test void omegaMatchesTheHandComputation() {
        double[][] d = {{3, 1}, {0, 2}};
        double[][] w = BayesianMapping.fromFrequencies(d, 1).omega();
        assertArrayEquals(new double[]{1, 3.0 / 13}, w[0], 1e-15);
        assertArrayEquals(new double[]{0, 10.0 / 13}, w[1], 1e-15);
        double[][] w0 = BayesianMapping.fromFrequencies(d, 0).omega();
        assertArrayEquals(new double[]{1, 0.2}, w0[0], 1e-15);
        assertArrayEquals(new double[]{0, 0.8}, w0[1], 1e-15);
        assertArrayEquals(new double[][]{{3, 1}, {0, 2}}, d, "the counts are not modified");
    }

    /** A source never predicted has a zero row (0/0 with λ = 0 is 0 here, NaN in the reference); columns sum to 1. */
    @Test void unusedSourcesWeighNothingAndColumnsSumToOne() {
        double[][] d = {{2, 0, 1}, {0, 0, 0}, {1, 4, 0}, {0, 1, 1}};
        for (double lap : new double[]{0, 1, 2.5}) {
            double[][] w = BayesianMapping.fromFrequencies(d, lap).omega();
            assertArrayEquals(new double[]{0, 0, 0}, w[1], 0, "λ " + lap);
            for (int t = 0; t < 3; t++) {
                double sum = 0;
                for (double[] row : w) sum += row[t];
                assertEquals(1, sum, 1e-15, "column " + t + ", λ " + lap);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> BayesianMapping.fromFrequencies(d, -1));
    }

    /** softmax([0, ln 2, ln 3]) = [1/6, 2/6, 3/6]; k = 2 adds 3/6 to source 2 and 2/6 to source 1 in the label's column. */
    @Test void blmPlusAddsTheTopKProbabilities() {
        FrequencyMatrix f = new FrequencyMatrix(3, 2);
        Tensor logits = Tensor.of(new double[]{0, Math.log(2), Math.log(3), 0, 0, 0}, 2, 3);
        f.recordTopKProbabilities(logits, new int[]{1, 0}, 2);
        double[][] d = f.counts();
        assertEquals(0.5, d[2][1], 1e-15);
        assertEquals(1.0 / 3, d[1][1], 1e-15);
        assertEquals(0, d[0][1], 0);
        assertEquals(1.0 / 3, d[0][0], 1e-15, "ties: the lower indices first");                  // [1/3, 1/3, 1/3], k = 2
        assertEquals(1.0 / 3, d[1][0], 1e-15);
        assertEquals(0, d[2][0], 0);
        assertThrows(IllegalArgumentException.class, () -> f.recordTopKProbabilities(logits, new int[]{0, 0}, 4));
    }

    @Test void oneToOneAndUniformMatrices() {
        assertArrayEquals(new double[][]{{0, 1}, {0, 0}, {1, 0}}, new LabelMapping(new int[]{2, 0}, 3).matrix());
        BayesianMapping u = BayesianMapping.uniform(4, 2);
        for (double[] row : u.omega()) assertArrayEquals(new double[]{0.25, 0.25}, row, 0);
        assertTrue(MappingKind.BLM.recomputedEachEpoch() && MappingKind.BLMP.recomputedEachEpoch());
        assertTrue(MappingKind.BLMP.bayesian() && !MappingKind.ILM.bayesian());
        assertThrows(IllegalArgumentException.class, () -> new BayesianMapping(new double[][]{{0.5, Double.NaN}}));
    }
}
