package clipvr.clip.api;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Softmax, ranking and ties of {@link Prediction#of}, against hand computations. */
class PredictionTest {
    @Test void softmaxAndTopK() {
        Prediction p = Prediction.of(new float[]{1f, 3f, 2f}, List.of("a", "b", "c"), 2);
        double z = Math.exp(1) + Math.exp(3) + Math.exp(2);
        assertEquals(1, p.index());
        assertEquals("b", p.label());
        assertEquals(Math.exp(3) / z, p.probability(), 1e-12);
        assertArrayEquals(new double[]{Math.exp(1) / z, Math.exp(3) / z, Math.exp(2) / z}, p.probabilities(), 1e-12);
        assertEquals(List.of("b", "c"), p.top().stream().map(Prediction.ClassScore::label).toList());
    }

    @Test void tiesGoToTheLowerIndexAndLargeLogitsStayFinite() {
        Prediction p = Prediction.of(new float[]{5f, 9000f, 9000f, 9000f}, List.of("w", "x", "y", "z"), 10);
        assertEquals(1, p.index());
        assertEquals(List.of(1, 2, 3, 0), p.top().stream().map(Prediction.ClassScore::index).toList());
        assertEquals(1.0 / 3, p.probability(), 1e-12);
        assertEquals(0.0, p.probabilities()[0]);
        assertThrows(IllegalArgumentException.class, () -> Prediction.of(new float[2], List.of("a"), 1));
    }
}
