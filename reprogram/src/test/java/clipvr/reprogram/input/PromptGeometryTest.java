package clipvr.reprogram.input;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class PromptGeometryTest {
    @Test void papersSizesAt224() {
        PromptGeometry g = PromptGeometry.forResolution(224);
        assertEquals(30, g.vpPad());
        assertEquals(192, g.arInner());
        assertEquals(128, g.padInner());
        assertEquals(28, g.narrow());
        assertEquals(56, g.medium());
    }

    @Test void scalesWithResolution() {
        PromptGeometry g336 = PromptGeometry.forResolution(336);
        assertEquals(45, g336.vpPad());
        assertEquals(288, g336.arInner());
        assertEquals(42, g336.narrow());
        assertEquals(84, g336.medium());
        assertEquals(192, g336.padInner());
        PromptGeometry g384 = PromptGeometry.forResolution(384);          // SMM's ViT-B/32 resolution
        assertEquals(48, g384.narrow());
        assertEquals(96, g384.medium());
        assertEquals(51, g384.vpPad());
        assertEquals(330, g384.arInner());
        assertEquals(220, g384.padInner());
        PromptGeometry g16 = PromptGeometry.forResolution(16);
        assertEquals(2, g16.vpPad());
        assertEquals(14, g16.arInner());
        assertEquals(0, (16 - g16.arInner()) % 2);
    }

    @Test void patchValidity() {
        PromptGeometry g = PromptGeometry.forResolution(224);
        for (int p : new int[]{1, 2, 4, 8, 16, 32}) assertTrue(g.validPatch(p), "patch " + p);
        assertFalse(g.validPatch(3));
        assertFalse(PromptGeometry.forResolution(336).validPatch(32));   // 336 = 16·21
        assertTrue(PromptGeometry.forResolution(336).validPatch(16));
    }
}
