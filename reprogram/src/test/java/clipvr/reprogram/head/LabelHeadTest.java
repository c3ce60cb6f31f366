package clipvr.reprogram.head;

import clipvr.autograd.GradCheck;
import clipvr.autograd.Var;
import clipvr.reprogram.method.TestTensors;
import clipvr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class LabelHeadTest {
    @Test void hundredTimesCosine() {
        Tensor t = TestTensors.unitRows(1, 4, 6);
        Tensor v = TestTensors.normal(2, 3, 6);
        Tensor z = new LabelHead(t).logits(Var.constant(v)).data();
        assertArrayEquals(new int[]{3, 4}, z.shape());
        for (int b = 0; b < 3; b++)
            for (int c = 0; c < 4; c++) {
                double dot = 0, nn = 0;
                for (int e = 0; e < 6; e++) { dot += v.get(b, e) * t.get(c, e); nn += v.get(b, e) * v.get(b, e); }
                assertEquals(100 * dot / Math.sqrt(nn), z.get(b, c), 1e-10);
            }
    }

    @Test void gradientsWrtImageFeatures() {
        LabelHead head = new LabelHead(TestTensors.unitRows(3, 5, 7));
        var r = GradCheck.check(v -> head.logits(v.getFirst()), List.of(TestTensors.normal(4, 3, 7)), TestTensors.OPTIONS);
        assertTrue(r.passed(), r.describe());
    }

    @Test void scaleInvariantInTheFeatures() {
        LabelHead head = new LabelHead(TestTensors.unitRows(5, 5, 7));
        Tensor v = TestTensors.normal(6, 2, 7);
        assertEquals(0.0, TestTensors.maxAbsDiff(head.logits(Var.constant(v)).data(), head.logits(Var.constant(v.mul(3.5))).data()), 1e-10);
    }
}
