package clipvr.reprogram.method;

import clipvr.autograd.GradCheck;
import clipvr.autograd.Var;
import clipvr.reprogram.head.AttrVrHead;
import clipvr.reprogram.head.DecoupledHead;
import clipvr.reprogram.head.LabelHead;
import clipvr.reprogram.head.PrmEstimator;
import clipvr.reprogram.input.PaddingPrompt;
import clipvr.reprogram.input.SampleSpecificMask;
import clipvr.reprogram.input.WatermarkPrompt;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Whole methods, end to end through a toy frozen encoder (a fixed random linear map), gradient-checked w.r.t. the
 * prompt parameters: what the trainer will differentiate.
 */
class PipelineGradientTest {
    static final int R = 8, E = 6, C = 3, B = 2;
    final LinearImageEncoder encoder = LinearImageEncoder.random(R, E, 99, DType.F64);

    @Test void vpWithLabelHead() {
        WatermarkPrompt vp = new WatermarkPrompt(R, 2, DType.F64);
        VisualReprogramming method = new VisualReprogramming(vp, encoder, new LabelHead(TestTensors.unitRows(1, C, E)));
        Tensor x = TestTensors.normal(2, B, 3, R, R);
        var r = GradCheck.check(v -> method.head().logits(encoder.encodeImage(vp.apply(Var.constant(x), v))),
                List.of(TestTensors.normal(3, 3, R, R).mul(0.1)), TestTensors.OPTIONS);
        assertTrue(r.passed(), r.describe());
        assertArrayEquals(new int[]{B, C}, method.logits(Var.constant(x)).shape());
    }

    @Test void arWithAttrVrHead() {
        PaddingPrompt ar = PaddingPrompt.forResolution(R, DType.F64);                       // inner 8 − 2·round(0.57) = 6
        AttrVrHead head = AttrVrHead.standard(TestTensors.unitRows(4, C * 5, E), TestTensors.unitRows(5, C * 5, E), C);
        Tensor x = TestTensors.uniform(6, 0, 1, B, 3, ar.inputSize(), ar.inputSize());
        var r = GradCheck.check(v -> head.logits(encoder.encodeImage(ar.apply(Var.constant(x), v))),
                List.of(TestTensors.normal(7, 3, R, R)), TestTensors.OPTIONS);
        assertTrue(r.passed(), r.describe());
    }

    @Test void smmWithLabelHead() {
        SampleSpecificMask smm = new SampleSpecificMask(R, 5, 4, 3, DType.F64, new SplittableRandom(8));
        LabelHead head = new LabelHead(TestTensors.unitRows(9, C, E));
        Tensor x = TestTensors.normal(10, B, 3, R, R);
        List<Var> rest = smm.maskParameters();
        var r = GradCheck.check(v -> {
                    List<Var> ps = new java.util.ArrayList<>(List.of(v.getFirst()));
                    ps.addAll(rest);
                    return head.logits(encoder.encodeImage(smm.apply(Var.constant(x), ps)));
                },
                List.of(TestTensors.normal(11, 3, R, R)), TestTensors.OPTIONS.withEps(1e-7));
        assertTrue(r.passed(), r.describe());
    }

    @Test void dvpWithFixedReweighting() {
        PaddingPrompt p0 = new PaddingPrompt(R, 6, DType.F64), p1 = new PaddingPrompt(R, 6, DType.F64);
        DecoupledHead head = DecoupledHead.byCause(List.of(TestTensors.unitRows(12, C * 2, E), TestTensors.unitRows(13, C * 2, E)), C);
        Tensor w = TestTensors.uniform(14, 0.1, 1, C, 4);
        head.setReweighting(PrmEstimator.blockMatrix(w.div(w.sum(1, true))));
        DecoupledVisualPrompts dvp = new DecoupledVisualPrompts(List.of(p0, p1), encoder, head);
        Tensor x = TestTensors.uniform(15, 0, 1, B, 3, 6, 6);
        var r = GradCheck.check(v -> head.logits(List.of(
                        encoder.encodeImage(p0.apply(Var.constant(x), List.of(v.get(0)))),
                        encoder.encodeImage(p1.apply(Var.constant(x), List.of(v.get(1)))))),
                List.of(TestTensors.normal(16, 3, R, R), TestTensors.normal(17, 3, R, R)), TestTensors.OPTIONS);
        assertTrue(r.passed(), r.describe());
        // the composed method: F feeds the PRM counts, z = F·Ω
        Var f = dvp.descriptionLogits(Var.constant(x));
        assertArrayEquals(new int[]{B, C * 4}, f.shape());
        PrmEstimator prm = PrmEstimator.standard(C, 4);
        prm.record(f.data(), new int[]{0, 2});
        assertEquals(6.0, prm.counts().sum().item());
        assertEquals(2, dvp.parameters().size());
    }

    /** The K prompted copies go through the encoder in one call, and each branch equals its own separate pass. */
    @Test void dvpBranchesShareOneEncoderPass() {
        PaddingPrompt p0 = new PaddingPrompt(R, 6, DType.F64), p1 = new PaddingPrompt(R, 6, DType.F64);
        p0.parameters().getFirst().data().copyFrom(TestTensors.normal(21, 3, R, R));
        p1.parameters().getFirst().data().copyFrom(TestTensors.normal(22, 3, R, R));
        int[] calls = {0};
        ImageEncoder counting = new ImageEncoder() {
            public Var encodeImage(Var pixels) { calls[0]++; return encoder.encodeImage(pixels); }
            public int resolution() { return encoder.resolution(); }
            public int embedDim() { return encoder.embedDim(); }
        };
        DecoupledHead head = DecoupledHead.byCause(List.of(TestTensors.unitRows(12, C * 2, E), TestTensors.unitRows(13, C * 2, E)), C);
        DecoupledVisualPrompts dvp = new DecoupledVisualPrompts(List.of(p0, p1), counting, head);
        Var x = Var.constant(TestTensors.uniform(15, 0, 1, B, 3, 6, 6));
        List<Var> vs = dvp.branchFeatures(x);
        assertEquals(1, calls[0], "one encoder pass for both prompts");
        List<PaddingPrompt> ps = List.of(p0, p1);
        for (int k = 0; k < 2; k++) {
            Tensor alone = encoder.encodeImage(ps.get(k).apply(x)).data();                      // [B, E], its own pass
            assertArrayEquals(new int[]{B, E}, vs.get(k).shape());
            assertTrue(vs.get(k).data().sub(alone).abs().max().item() < 1e-12, "branch " + k);
        }
    }
}
