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

class WatermarkPromptTest {
    @Test void effectiveParametersAt224() {
        WatermarkPrompt vp = WatermarkPrompt.forResolution(224, DType.F32);
        assertEquals(30, vp.pad());
        assertEquals(69_840, vp.effectiveParameterCount());
        assertArrayEquals(new int[]{3, 224, 224}, vp.program().shape());
    }

    @Test void identityAtZeroInit() {
        WatermarkPrompt vp = new WatermarkPrompt(16, 2, DType.F64);
        Tensor x = TestTensors.normal(1, 2, 3, 16, 16);
        try (var s = GradMode.noGrad()) {
            assertEquals(0.0, TestTensors.maxAbsDiff(vp.apply(Var.constant(x)).data(), x));
        }
    }

    @Test void patternOnlyOnTheBorder() {
        WatermarkPrompt vp = new WatermarkPrompt(16, 2, DType.F64);
        vp.program().setData(Tensor.ones(DType.F64, 3, 16, 16));
        Tensor x = Tensor.zeros(DType.F64, 1, 3, 16, 16);
        Tensor y = vp.apply(Var.constant(x)).data();
        assertEquals(1.0, y.get(0, 0, 0, 0));
        assertEquals(1.0, y.get(0, 2, 15, 7));
        assertEquals(1.0, y.get(0, 1, 1, 8));
        assertEquals(0.0, y.get(0, 1, 2, 2));
        assertEquals(0.0, y.get(0, 1, 13, 13));
        assertEquals(3 * (16 * 16 - 12 * 12), (int) y.sum().item());
    }

    @Test void gradientsWrtPatternAndImage() {
        WatermarkPrompt vp = new WatermarkPrompt(8, 2, DType.F64);
        var r = GradCheck.check(v -> vp.apply(v.get(0), List.of(v.get(1))),
                List.of(TestTensors.normal(2, 2, 3, 8, 8), TestTensors.normal(3, 3, 8, 8)), TestTensors.OPTIONS);
        assertTrue(r.passed(), r.describe());
    }

    @Test void stateRoundTrip() {
        WatermarkPrompt a = new WatermarkPrompt(8, 2, DType.F32), b = new WatermarkPrompt(8, 2, DType.F32);
        a.program().setData(TestTensors.normal(4, 3, 8, 8).to(DType.F32));
        b.load(a.state());
        assertEquals(0.0, TestTensors.maxAbsDiff(a.program().data(), b.program().data()));
        assertEquals(List.of("program", "mask"), List.copyOf(a.state().keySet()));
    }
}
