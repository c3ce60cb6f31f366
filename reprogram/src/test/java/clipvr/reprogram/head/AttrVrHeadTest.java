package clipvr.reprogram.head;

import clipvr.autograd.GradCheck;
import clipvr.autograd.Var;
import clipvr.reprogram.method.TestTensors;
import clipvr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class AttrVrHeadTest {
    static final int C = 3, M = 6, E = 8, B = 4;

    /** mean of the k largest values of a[from..from+n). */
    static double topKMean(double[] a, int from, int n, int k) {
        double[] s = Arrays.copyOfRange(a, from, from + n);
        Arrays.sort(s);
        double sum = 0;
        for (int i = 0; i < k; i++) sum += s[n - 1 - i];
        return sum / k;
    }

    @Test void matchesAHandComputation() {
        Tensor des = TestTensors.unitRows(1, C * M, E), dist = TestTensors.unitRows(2, C * M, E);
        Tensor v = TestTensors.normal(3, B, E);
        AttrVrHead head = AttrVrHead.standard(des, dist, C);
        Tensor z = head.logits(Var.constant(v)).data();
        double[] sDes = new LabelHead(des).logits(Var.constant(v)).data().toDoubleArray();     // [B, C·M]
        double[] sDist = new LabelHead(dist).logits(Var.constant(v)).data().toDoubleArray();
        for (int b = 0; b < B; b++)
            for (int c = 0; c < C; c++) {
                double expected = 0.5 * topKMean(sDes, b * C * M + c * M, M, 3) + 0.5 * topKMean(sDist, b * C * M + c * M, M, 3);
                assertEquals(expected, z.get(b, c), 1e-10);
            }
        AttrVrHead desOnly = new AttrVrHead(des, null, C, 3, 1.0, 100);
        assertEquals(topKMean(sDes, 0, M, 3), desOnly.logits(Var.constant(v)).data().get(0, 0), 1e-10);
    }

    /** The smallest gap between the k-th and (k+1)-th largest similarity of any class (a top-k tie would make the head non-smooth). */
    static double topKGap(double[] s, int k) {
        double gap = Double.POSITIVE_INFINITY;
        for (int from = 0; from < s.length; from += M) {
            double[] r = Arrays.copyOfRange(s, from, from + M);
            Arrays.sort(r);
            gap = Math.min(gap, r[M - k] - r[M - k - 1]);
        }
        return gap;
    }

    @Test void gradientsWrtImageFeaturesAwayFromTies() {
        Tensor des = TestTensors.unitRows(4, C * M, E), dist = TestTensors.unitRows(5, C * M, E);
        Tensor v = TestTensors.normal(6, B, E);
        assertTrue(topKGap(new LabelHead(des).logits(Var.constant(v)).data().toDoubleArray(), 3) > 1e-3);
        assertTrue(topKGap(new LabelHead(dist).logits(Var.constant(v)).data().toDoubleArray(), 3) > 1e-3);
        AttrVrHead head = AttrVrHead.standard(des, dist, C);
        var r = GradCheck.check(x -> head.logits(x.getFirst()), List.of(v), TestTensors.OPTIONS);
        assertTrue(r.passed(), r.describe());
    }

    @Test void gradientFlowsOnlyThroughTheSelectedDescriptions() {
        // feature = e_0 and description rows whose first coordinates order them: only the top-3 rows matter
        Tensor des = Tensor.zeros(clipvr.tensor.DType.F64, M, 2);
        double[] first = {0.9, 0.1, 0.8, 0.2, 0.7, 0.3};
        for (int j = 0; j < M; j++) { des.set(first[j], j, 0); des.set(Math.sqrt(1 - first[j] * first[j]), j, 1); }
        Var table = Var.param(des);
        // differentiate w.r.t. the table through the same ops the head uses
        Var v = Var.constant(Tensor.of(new double[]{1, 0}, 1, 2));
        Var s = CosineLogits.normalise(v).matmulT(table).mul(100).reshape(1, 1, M);
        clipvr.autograd.ops.Select.topk(s, 3, 2, true).mean(new int[]{2}, false).sum().backward();
        for (int j : new int[]{1, 3, 5}) assertEquals(0.0, table.grad().select(0, j).abs().sum().item(), "row " + j);
        for (int j : new int[]{0, 2, 4}) assertEquals(100.0 / 3, table.grad().get(j, 0), 1e-12);
    }
}
