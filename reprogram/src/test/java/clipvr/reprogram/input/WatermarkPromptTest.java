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

    @Test void withInnerSplitsTheBorderAsPaddingPromptDoes() {
        WatermarkPrompt even = WatermarkPrompt.withInner(16, 10, DType.F64);   // border 3 on every side
        assertEquals(3, even.leftPad());
        assertEquals(3, even.rightPad());
        assertEquals(10, even.inner());
        assertEquals(3 * (16 * 16 - 10 * 10), even.effectiveParameterCount());
        assertEquals(0.0, even.mask().get(0, 3, 3));
        assertEquals(1.0, even.mask().get(0, 2, 8));
        assertEquals(1.0, even.mask().get(0, 13, 8));
        WatermarkPrompt odd = WatermarkPrompt.withInner(16, 11, DType.F64);    // left/top 3, right/bottom 2
        assertEquals(3, odd.leftPad());
        assertEquals(2, odd.rightPad());
        assertEquals(0.0, odd.mask().get(0, 13, 13));
        assertEquals(1.0, odd.mask().get(0, 14, 13));
        assertEquals(3 * (16 * 16 - 11 * 11), odd.effectiveParameterCount());
        PaddingPrompt ar = new PaddingPrompt(16, 11, DType.F64);
        assertEquals(0.0, TestTensors.maxAbsDiff(odd.mask(), ar.mask()), "the same frame as the padding prompt's");
    }

    @Test void withInnerAtTheDefaultIsThePapersPrompt() {
        for (int r : new int[]{32, 64, 224}) {
            WatermarkPrompt def = WatermarkPrompt.forResolution(r, DType.F32);
            WatermarkPrompt in = WatermarkPrompt.withInner(r, PromptGeometry.forResolution(r).vpInner(), DType.F32);
            assertEquals(def.pad(), in.pad(), "R " + r);
            assertEquals(0.0, TestTensors.maxAbsDiff(def.mask(), in.mask()), "R " + r);
        }
        assertEquals(24, PromptGeometry.forResolution(32).vpInner());
        assertEquals(164, PromptGeometry.forResolution(224).vpInner());
    }

    @Test void withInnerRefusesNoFrameAndNoImage() {
        assertThrows(IllegalArgumentException.class, () -> WatermarkPrompt.withInner(16, 16, DType.F32));
        assertThrows(IllegalArgumentException.class, () -> WatermarkPrompt.withInner(16, 0, DType.F32));
    }
}
