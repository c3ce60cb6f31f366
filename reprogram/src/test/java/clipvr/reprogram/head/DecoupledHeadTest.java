package clipvr.reprogram.head;

import clipvr.autograd.GradCheck;
import clipvr.autograd.Var;
import clipvr.reprogram.method.TestTensors;
import clipvr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class DecoupledHeadTest {
    static final int C = 3, E = 6, B = 2;

    @Test void byCauseLaysOutDescriptionsCauseMajorWithinEachClass() {
        int k = 3, m = 2;
        List<Tensor> causes = List.of(TestTensors.unitRows(1, C * m, E), TestTensors.unitRows(2, C * m, E), TestTensors.unitRows(3, C * m, E));
        DecoupledHead head = DecoupledHead.byCause(causes, C);
        assertEquals(k * m, head.descriptionsPerClass());
        List<Tensor> v = List.of(TestTensors.normal(4, B, E), TestTensors.normal(5, B, E), TestTensors.normal(6, B, E));
        Tensor f = head.descriptionLogits(v.stream().map(Var::constant).toList()).data();        // [B, C·K·m]
        assertArrayEquals(new int[]{B, C * k * m}, f.shape());
        for (int cause = 0; cause < k; cause++) {
            Tensor s = new LabelHead(causes.get(cause)).logits(Var.constant(v.get(cause))).data(); // [B, C·m]
            for (int b = 0; b < B; b++)
                for (int c = 0; c < C; c++)
                    for (int j = 0; j < m; j++)
                        assertEquals(s.get(b, c * m + j), f.get(b, c * k * m + cause * m + j), 1e-10);
        }
    }

    @Test void byClusterScoresEachDescriptionWithItsClustersFeatures() {
        int m = 4;
        Tensor t = TestTensors.unitRows(7, C * m, E);
        int[] cluster = {0, 1, 1, 0, 1, 1, 1, 1, 0, 0, 1, 0};
        DecoupledHead head = DecoupledHead.byCluster(t, cluster, 2, C);
        List<Tensor> v = List.of(TestTensors.normal(8, B, E), TestTensors.normal(9, B, E));
        Tensor f = head.descriptionLogits(v.stream().map(Var::constant).toList()).data();
        // the code's form: Σ_k 100·v̂_k (T ⊙ mask_k)ᵀ
        Tensor s0 = new LabelHead(t).logits(Var.constant(v.get(0))).data(), s1 = new LabelHead(t).logits(Var.constant(v.get(1))).data();
        for (int b = 0; b < B; b++)
            for (int r = 0; r < C * m; r++)
                assertEquals(cluster[r] == 0 ? s0.get(b, r) : s1.get(b, r), f.get(b, r), 1e-10);
    }

    @Test void classLogitsEqualTheDenseProductWithOmega() {
        int m = 4;
        DecoupledHead head = DecoupledHead.byCluster(TestTensors.unitRows(10, C * m, E), new int[C * m], 1, C);
        Tensor omega = randomPrm(11, C, m);
        head.setReweighting(omega);
        Tensor f = TestTensors.normal(12, B, C * m);
        Tensor z = head.classLogits(Var.constant(f)).data();
        assertEquals(0.0, TestTensors.maxAbsDiff(z, f.matmul(omega)), 1e-12);
        assertEquals(0.0, TestTensors.maxAbsDiff(head.reweighting(), omega));
        // starts uniform: z_c = mean of the class's own description logits
        DecoupledHead fresh = DecoupledHead.byCluster(TestTensors.unitRows(10, C * m, E), new int[C * m], 1, C);
        assertEquals(0.0, TestTensors.maxAbsDiff(fresh.reweighting(), PrmEstimator.uniform(C, m)));
        assertEquals(f.narrow(1, m, m).mean(1, false).get(1), fresh.classLogits(Var.constant(f)).data().get(1, 1), 1e-12);
    }

    @Test void reweightingMustBeBlockStructured() {
        int m = 2;
        DecoupledHead head = DecoupledHead.byCluster(TestTensors.unitRows(13, C * m, E), new int[C * m], 1, C);
        Tensor omega = PrmEstimator.uniform(C, m);
        omega.set(0.25, 0, 2);                       // row 0 belongs to class 0, column 2 is class 2
        assertThrows(IllegalArgumentException.class, () -> head.setReweighting(omega));
    }

    @Test void gradientsWrtEveryBranchWithFixedOmega() {
        int m = 3;
        Tensor t = TestTensors.unitRows(14, C * m, E);
        int[] cluster = {0, 1, 2, 2, 1, 0, 0, 0, 1, 2, 2, 2};
        int[] g = java.util.Arrays.copyOf(cluster, C * m);
        DecoupledHead cls = DecoupledHead.byCluster(t, g, 3, C);
        cls.setReweighting(randomPrm(15, C, m));
        var r = GradCheck.check(v -> cls.logits(v), List.of(TestTensors.normal(16, B, E), TestTensors.normal(17, B, E), TestTensors.normal(18, B, E)), TestTensors.OPTIONS);
        assertTrue(r.passed(), "cls: " + r.describe());
        DecoupledHead cse = DecoupledHead.byCause(List.of(TestTensors.unitRows(19, C * 2, E), TestTensors.unitRows(20, C * 2, E)), C);
        cse.setReweighting(randomPrm(21, C, 4));
        var r2 = GradCheck.check(v -> cse.logits(v), List.of(TestTensors.normal(22, B, E), TestTensors.normal(23, B, E)), TestTensors.OPTIONS);
        assertTrue(r2.passed(), "cse: " + r2.describe());
    }

    /** A random block-structured Ω [(C·M), C] whose class blocks sum to 1. */
    static Tensor randomPrm(long seed, int c, int m) {
        Tensor w = TestTensors.uniform(seed, 0.1, 1, c, m);
        return PrmEstimator.blockMatrix(w.div(w.sum(1, true)));
    }
}
