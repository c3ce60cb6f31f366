package clipvr.reprogram.input;

import clipvr.autograd.GradCheck;
import clipvr.autograd.GradMode;
import clipvr.autograd.Var;
import clipvr.reprogram.method.TestTensors;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class PaddingPromptTest {
    @Test void geometryAndParametersAt224() {
        PaddingPrompt ar = PaddingPrompt.forResolution(224, DType.F32);
        assertEquals(192, ar.inputSize());
        assertEquals(16, ar.leftPad());
        assertEquals(16, ar.rightPad());
        assertEquals(39_936, ar.effectiveParameterCount());
        assertEquals(InputSpace.UNIT_PIXELS, ar.inputSpace());
    }

    @Test void oddDifferencePadsLikeTheCode() {
        PaddingPrompt p = new PaddingPrompt(16, 11, DType.F64);   // l = int(6/2) = 3, r = int(5/2) = 2
        assertEquals(3, p.leftPad());
        assertEquals(2, p.rightPad());
        assertEquals(3 * (256 - 121), p.effectiveParameterCount());
        assertEquals(1.0, p.mask().get(0, 2, 5));
        assertEquals(0.0, p.mask().get(0, 3, 3));
        assertEquals(0.0, p.mask().get(0, 13, 13));
        assertEquals(1.0, p.mask().get(0, 14, 13));
    }

    @Test void greyFrameAndNormalisedImageAtInit() {
        PaddingPrompt p = PaddingPrompt.forResolution(16, DType.F64);     // r = 14, frame 1
        Tensor x = TestTensors.uniform(5, 0, 1, 2, 3, 14, 14);
        Tensor y;
        try (var s = GradMode.noGrad()) { y = p.apply(Var.constant(x)).data(); }
        assertArrayEquals(new int[]{2, 3, 16, 16}, y.shape());
        for (int c = 0; c < 3; c++) {
            double grey = ClipNormalization.normalisedValue(c, 0.5);
            assertEquals(grey, y.get(1, c, 0, 0), 1e-12);
            assertEquals(grey, y.get(0, c, 15, 9), 1e-12);
            assertEquals(grey, y.get(0, c, 4, 0), 1e-12);
            for (int i = 0; i < 14; i++)
                for (int j = 0; j < 14; j++)
                    assertEquals(ClipNormalization.normalisedValue(c, x.get(1, c, i, j)), y.get(1, c, i + 1, j + 1), 1e-12);
        }
    }

    @Test void gradientsWrtPatternAndImage() {
        PaddingPrompt p = new PaddingPrompt(8, 6, DType.F64);
        var r = GradCheck.check(v -> p.apply(v.get(0), List.of(v.get(1))),
                List.of(TestTensors.uniform(6, 0, 1, 2, 3, 6, 6), TestTensors.normal(7, 3, 8, 8)), TestTensors.OPTIONS);
        assertTrue(r.passed(), r.describe());
    }

    @Test void interiorPatternGetsNoGradient() {
        PaddingPrompt p = new PaddingPrompt(8, 6, DType.F64);
        p.apply(Var.constant(TestTensors.uniform(8, 0, 1, 1, 3, 6, 6))).sum().backward();
        Tensor g = p.program().grad();
        assertEquals(0.0, g.narrow(1, 1, 6).narrow(2, 1, 6).abs().sum().item());
        assertTrue(g.get(0, 0, 0) > 0);
    }
}
