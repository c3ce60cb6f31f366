package clipvr.reprogram.head;

import clipvr.autograd.GradCheck;
import clipvr.autograd.Var;
import clipvr.reprogram.mapping.BayesianMapping;
import clipvr.reprogram.mapping.LabelMapping;
import clipvr.reprogram.method.TestTensors;
import clipvr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** {@link MappedHead}: a source head over S classes, then a one-to-one mapping to C target classes. */
class MappedHeadTest {
    static final int S = 4, M = 6, E = 8, B = 3;
    static final int[] SOURCE_OF = {3, 0};                    // target 0 reads source 3, target 1 reads source 0

    @Test void labelSourceReadsTheMappedZeroShotLogits() {
        Tensor table = TestTensors.unitRows(7, S, E), v = TestTensors.normal(8, B, E);
        MappedHead head = new MappedHead(table, new LabelMapping(SOURCE_OF, S), 50);
        double[] s = new LabelHead(table, 50).logits(Var.constant(v)).data().toDoubleArray();  // [B, S]
        Tensor z = head.logits(Var.constant(v)).data();                                       // [B, 2]
        for (int b = 0; b < B; b++)
            for (int t = 0; t < 2; t++) assertEquals(s[b * S + SOURCE_OF[t]], z.get(b, t), 1e-12);
        assertEquals(S, head.numSources());
        assertEquals(2, head.numClasses());
    }

    /** AttrVR over the source classes' descriptions: target t's logit is source SOURCE_OF[t]'s α-mix of top-k means. */
    @Test void attrVrSourceMatchesAHandComputation() {
        Tensor des = TestTensors.unitRows(1, S * M, E), dist = TestTensors.unitRows(2, S * M, E);
        Tensor v = TestTensors.normal(3, B, E);
        MappedHead head = new MappedHead(AttrVrHead.standard(des, dist, S), new LabelMapping(SOURCE_OF, S));
        assertEquals(S, head.numSources());
        double[] sDes = new LabelHead(des).logits(Var.constant(v)).data().toDoubleArray();     // [B, S·M]
        double[] sDist = new LabelHead(dist).logits(Var.constant(v)).data().toDoubleArray();
        Tensor z = head.logits(Var.constant(v)).data();                                       // [B, 2]
        assertArrayEquals(new int[]{B, 2}, z.shape());
        for (int b = 0; b < B; b++)
            for (int t = 0; t < 2; t++) {
                int from = b * S * M + SOURCE_OF[t] * M;
                double expected = 0.5 * AttrVrHeadTest.topKMean(sDes, from, M, 3) + 0.5 * AttrVrHeadTest.topKMean(sDist, from, M, 3);
                assertEquals(expected, z.get(b, t), 1e-10, "b " + b + " t " + t);
            }
        Tensor source = head.sourceLogits(Var.constant(v)).data();                            // [B, S]: all source classes
        assertArrayEquals(new int[]{B, S}, source.shape());
        assertEquals(z.get(1, 0), source.get(1, 3), 0);
    }

    @Test void attrVrSourceGradientsWrtImageFeatures() {
        Tensor des = TestTensors.unitRows(4, S * M, E), dist = TestTensors.unitRows(5, S * M, E);
        Tensor v = TestTensors.normal(6, B, E);
        assertTrue(AttrVrHeadTest.topKGap(new LabelHead(des).logits(Var.constant(v)).data().toDoubleArray(), 3) > 1e-3);
        assertTrue(AttrVrHeadTest.topKGap(new LabelHead(dist).logits(Var.constant(v)).data().toDoubleArray(), 3) > 1e-3);
        MappedHead head = new MappedHead(AttrVrHead.standard(des, dist, S), new LabelMapping(SOURCE_OF, S));
        var r = GradCheck.check(x -> head.logits(x.getFirst()), List.of(v), TestTensors.OPTIONS);
        assertTrue(r.passed(), r.describe());
    }

    /** BLM: target logit t = Σ_s ω[s, t]·(source logit s), and its gradient wrt the image features (float64 GradCheck). */
    @Test void bayesianMappingReweightsEverySourceLogit() {
        double[][] omega = BayesianMapping.fromFrequencies(new double[][]{{3, 1}, {0, 2}, {1, 1}, {0, 0}}, 1).omega();  // [S, 2]
        Tensor table = TestTensors.unitRows(9, S, E), v = TestTensors.normal(10, B, E);
        MappedHead head = new MappedHead(table, new BayesianMapping(omega), 50);
        double[] s = new LabelHead(table, 50).logits(Var.constant(v)).data().toDoubleArray();  // [B, S]
        Tensor z = head.logits(Var.constant(v)).data();                                       // [B, 2]
        for (int b = 0; b < B; b++)
            for (int t = 0; t < 2; t++) {
                double expected = 0;
                for (int i = 0; i < S; i++) expected += omega[i][t] * s[b * S + i];
                assertEquals(expected, z.get(b, t), 1e-12, "b " + b + " t " + t);
            }
        var r = GradCheck.check(x -> head.logits(x.getFirst()), List.of(v), TestTensors.OPTIONS);
        assertTrue(r.passed(), r.describe());
        var ex = assertThrows(IllegalArgumentException.class, () -> head.setMapping(BayesianMapping.uniform(S + 1, 2)));
        assertTrue(ex.getMessage().contains((S + 1) + " sources"), ex.getMessage());
    }

    @Test void mappingMustFitTheSourceHead() {
        Tensor des = TestTensors.unitRows(1, S * M, E);
        AttrVrHead attr = new AttrVrHead(des, null, S, 2, 1.0, 100);
        var ex = assertThrows(IllegalArgumentException.class, () -> new MappedHead(attr, new LabelMapping(new int[]{0, 1}, S + 1)));
        assertTrue(ex.getMessage().contains((S + 1) + " sources") && ex.getMessage().contains(S + "-class"), ex.getMessage());
        MappedHead ok = new MappedHead(attr, new LabelMapping(SOURCE_OF, S));
        assertThrows(IllegalArgumentException.class, () -> new MappedHead(ok, new LabelMapping(new int[]{0}, 2)));
    }
}
