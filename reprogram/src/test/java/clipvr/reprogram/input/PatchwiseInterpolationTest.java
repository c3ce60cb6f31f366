package clipvr.reprogram.input;

import clipvr.autograd.GradCheck;
import clipvr.autograd.Var;
import clipvr.autograd.ops.Conv;
import clipvr.reprogram.method.TestTensors;
import clipvr.tensor.Tensor;
import clipvr.tensor.ops.Resampling;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class PatchwiseInterpolationTest {
    @Property(tries = 20)
    void copiesEveryValueIntoItsBlock(@ForAll @IntRange(min = 0, max = 3) int log2p, @ForAll @IntRange(min = 1, max = 4) int h,
                                      @ForAll @IntRange(min = 0, max = 1000) int seed) {
        int p = 1 << log2p;
        Tensor m = TestTensors.normal(seed, 2, 3, h, h + 1);
        Tensor up = PatchwiseInterpolation.upsample(Var.constant(m), p).data();
        assertArrayEquals(new int[]{2, 3, h * p, (h + 1) * p}, up.shape());
        for (int b = 0; b < 2; b++)
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < h * p; y++)
                    for (int x = 0; x < (h + 1) * p; x++)
                        assertEquals(m.get(b, c, y / p, x / p), up.get(b, c, y, x));
        // the same as nearest interpolation by an integer factor
        Tensor nearest = Conv.interpolate(Var.constant(m), h * p, (h + 1) * p, Resampling.Mode.NEAREST).data();
        assertEquals(0.0, TestTensors.maxAbsDiff(up, nearest), 1e-12);
    }

    @Test void gradientIsTheBlockSum() {
        int p = 4;
        Var m = Var.param(TestTensors.normal(1, 1, 3, 2, 3));
        Tensor g = TestTensors.normal(2, 1, 3, 8, 12);
        PatchwiseInterpolation.upsample(m, p).backward(g);
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 3; j++) {
                    double s = g.narrow(1, c, 1).narrow(2, i * p, p).narrow(3, j * p, p).sum().item();
                    assertEquals(s, m.grad().get(0, c, i, j), 1e-12);
                }
        var r = GradCheck.check(v -> PatchwiseInterpolation.upsample(v.getFirst(), 2), List.of(TestTensors.normal(3, 2, 3, 3, 3)), TestTensors.OPTIONS);
        assertTrue(r.passed(), r.describe());
    }

    @Test void singleChannelBroadcastsToRgb() {
        Tensor m = TestTensors.normal(4, 1, 1, 2, 2);
        Tensor up = PatchwiseInterpolation.upsample(Var.constant(m), 2).data();
        assertArrayEquals(new int[]{1, 3, 4, 4}, up.shape());
        for (int c = 0; c < 3; c++) assertEquals(m.get(0, 0, 1, 0), up.get(0, c, 3, 1));
        var r = GradCheck.check(v -> PatchwiseInterpolation.upsample(v.getFirst(), 2), List.of(TestTensors.normal(5, 2, 1, 2, 2)), TestTensors.OPTIONS);
        assertTrue(r.passed(), r.describe());
    }
}
