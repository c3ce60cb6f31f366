package clipvr.clip.zeroshot;

import clipvr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Cosines, pairs and single-linkage groups of a label head, on unit vectors whose angles are known by hand. */
class LabelSeparabilityTest {
    /** Unit vectors in the plane at the given angles (degrees), as rows [C, 2]. */
    static Tensor atAngles(double... degrees) {
        double[] w = new double[degrees.length * 2];
        for (int i = 0; i < degrees.length; i++) {
            w[2 * i] = Math.cos(Math.toRadians(degrees[i]));
            w[2 * i + 1] = Math.sin(Math.toRadians(degrees[i]));
        }
        return Tensor.of(w, degrees.length, 2);
    }

    @Test void cosinesAreTheCosinesOfTheAnglesBetweenRows() {
        var s = LabelSeparability.of(List.of("a", "b", "c"), atAngles(0, 60, 180));
        assertEquals(1.0, s.cosine()[0][0], 1e-12);
        assertEquals(0.5, s.cosine()[0][1], 1e-12);                  // cos 60°
        assertEquals(-1.0, s.cosine()[0][2], 1e-12);                 // cos 180°
        assertEquals(-0.5, s.cosine()[1][2], 1e-12);                 // cos 120°
        assertEquals(s.cosine()[2][1], s.cosine()[1][2], 0);
        assertEquals(0.5, s.maxOffDiagonal(), 1e-12);
    }

    @Test void groupsJoinChainsAndLeaveSeparatedClassesOut() {
        // a-b 10°, b-c 10° (a-c 20°, cos 0.9397 < 0.95: joined only through b), d alone at 90°, e-f 5° apart at 200°
        var s = LabelSeparability.of(List.of("a", "b", "c", "d", "e", "f"), atAngles(0, 10, 20, 90, 200, 205));
        assertEquals(List.of(List.of(0, 1, 2), List.of(4, 5)), s.groups(0.95));
        assertEquals(List.of(), s.groups(0.999));
        var pairs = s.pairsAtLeast(0.95);
        assertEquals(3, pairs.size());
        assertEquals(new LabelSeparability.Pair(4, 5, s.cosine()[4][5]), pairs.get(0));   // 5°: the closest pair first
        assertEquals(Math.cos(Math.toRadians(5)), pairs.get(0).cosine(), 1e-12);
    }

    @Test void warningNamesTheGroupsOrIsNullWhenAllAreApart() {
        var close = LabelSeparability.of(List.of("1", "4", "7", "9"), atAngles(0, 3, 90, 2));
        String w = close.warning("the label head", 0.95, "try ILM");
        assertNotNull(w);
        assertTrue(w.contains("{'1', '4', '9'}") && w.contains("try ILM") && w.contains("0.9998") && w.contains("0.017·s"), w);   // 4, 9 1° apart: cos 0.99985, √(2 − 2 cos) 0.01745
        assertFalse(w.contains("'7'"), w);
        assertNull(LabelSeparability.of(List.of("x", "y"), atAngles(0, 90)).warning("h", 0.95, null));
    }

    @Test void aShapeThatDoesNotMatchTheNamesIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> LabelSeparability.of(List.of("a"), atAngles(0, 1)));
        assertTrue(e.getMessage().contains("[1, E]") && e.getMessage().contains("[2, 2]"), e.getMessage());
    }
}
