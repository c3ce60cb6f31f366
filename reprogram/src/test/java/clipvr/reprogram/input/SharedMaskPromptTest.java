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

class SharedMaskPromptTest {
    @Test void masksAt224() {
        assertEquals(3 * (224 * 224 - 168 * 168), SharedMaskPrompt.of(SharedMaskPrompt.Kind.NARROW, 224, DType.F32).effectiveParameterCount());
        assertEquals(3 * (224 * 224 - 112 * 112), SharedMaskPrompt.of(SharedMaskPrompt.Kind.MEDIUM, 224, DType.F32).effectiveParameterCount());
        assertEquals(3 * 224 * 224, SharedMaskPrompt.of(SharedMaskPrompt.Kind.FULL, 224, DType.F32).effectiveParameterCount());
        SharedMaskPrompt pad = SharedMaskPrompt.of(SharedMaskPrompt.Kind.PAD, 224, DType.F32);
        assertEquals(128, pad.inputSize());
        assertEquals(3 * (224 * 224 - 128 * 128), pad.effectiveParameterCount());
    }

    @Test void identityAtInitExceptPadFrame() {
        Tensor x = TestTensors.normal(1, 2, 3, 16, 16);
        for (SharedMaskPrompt.Kind k : new SharedMaskPrompt.Kind[]{SharedMaskPrompt.Kind.NARROW, SharedMaskPrompt.Kind.MEDIUM, SharedMaskPrompt.Kind.FULL}) {
            try (var s = GradMode.noGrad()) {
                assertEquals(0.0, TestTensors.maxAbsDiff(SharedMaskPrompt.of(k, 16, DType.F64).apply(Var.constant(x)).data(), x), k.name());
            }
        }
        SharedMaskPrompt pad = SharedMaskPrompt.of(SharedMaskPrompt.Kind.PAD, 16, DType.F64);   // inner 16 − 2·round(3.43) = 10
        assertEquals(10, pad.inputSize());
        Tensor small = TestTensors.normal(2, 1, 3, 10, 10);
        Tensor y = pad.apply(Var.constant(small)).data();
        for (int c = 0; c < 3; c++) {
            assertEquals(ClipNormalization.normalisedValue(c, 0.0), y.get(0, c, 0, 0), 1e-12);
            assertEquals(ClipNormalization.normalisedValue(c, 0.0), y.get(0, c, 15, 2), 1e-12);
            assertEquals(small.get(0, c, 4, 7), y.get(0, c, 7, 10), 1e-12);
        }
    }

    @Test void gradientsWrtPatternAndImage() {
        for (SharedMaskPrompt.Kind k : SharedMaskPrompt.Kind.values()) {
            SharedMaskPrompt p = SharedMaskPrompt.of(k, 8, DType.F64);
            int r = p.inputSize();
            var res = GradCheck.check(v -> p.apply(v.get(0), List.of(v.get(1))),
                    List.of(TestTensors.normal(3, 2, 3, r, r), TestTensors.normal(4, 3, 8, 8)), TestTensors.OPTIONS);
            assertTrue(res.passed(), k + ": " + res.describe());
        }
    }
}
