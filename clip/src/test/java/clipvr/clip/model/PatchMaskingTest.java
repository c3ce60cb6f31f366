package clipvr.clip.model;

import clipvr.autograd.Var;
import clipvr.clip.io.Activation;
import clipvr.clip.io.ClipConfig;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** FLIP's patch masking in the image tower ({@link VisionTransformer#forward(Var, int[][])}). */
class PatchMaskingTest {
    // 12 px, patch 4: a 3 × 3 grid of patches, 9 patch tokens + the class token
    static final ClipConfig C = new ClipConfig(16, 12, 4, 64, 2, 1, 256, 77, 49408, 64, 1, 1, 256, Activation.QUICK_GELU, 1e-5);

    static Clip model() { return new Clip(C, DType.F64, new SplittableRandom(5)); }

    static double[] features(Clip m, Tensor px, int[][] keep) { return m.encodeImage(Var.constant(px), keep).data().toDoubleArray(); }

    @Test void keepingEveryPatchIsTheWholeImage() {
        Clip m = model();
        Tensor px = Tensor.randn(DType.F64, new SplittableRandom(1), 2, 3, 12, 12);
        int[] all = {0, 1, 2, 3, 4, 5, 6, 7, 8};
        assertArrayEquals(features(m, px, null), features(m, px, new int[][]{all, all}));
        assertArrayEquals(m.encodeImage(Var.constant(px)).data().toDoubleArray(), features(m, px, null));
    }

    @Test void aDroppedPatchHasNoInfluenceAndAKeptOneHas() {
        Clip m = model();
        Tensor px = Tensor.randn(DType.F64, new SplittableRandom(2), 2, 3, 12, 12);
        int[][] keep = {{0, 4, 8}, {1, 2, 7}};                  // image 0 keeps the diagonal, image 1 three others
        double[] base = features(m, px, keep);
        // patch 1 of image 0 (rows 0-3, columns 4-7) is dropped: changing its pixels changes nothing
        Tensor p1 = px.copy();
        for (int c = 0; c < 3; c++) for (int y = 0; y < 4; y++) for (int x = 4; x < 8; x++) p1.set(p1.get(0, c, y, x) + 3.0, 0, c, y, x);
        assertArrayEquals(base, features(m, p1, keep));
        // patch 4 of image 0 (rows 4-7, columns 4-7) is kept: its pixels change image 0's features, not image 1's
        Tensor p4 = px.copy();
        for (int c = 0; c < 3; c++) for (int y = 4; y < 8; y++) for (int x = 4; x < 8; x++) p4.set(p4.get(0, c, y, x) + 3.0, 0, c, y, x);
        double[] moved = features(m, p4, keep);
        int e = 16;
        double d0 = 0, d1 = 0;
        for (int j = 0; j < e; j++) {
            d0 = Math.max(d0, Math.abs(moved[j] - base[j]));
            d1 = Math.max(d1, Math.abs(moved[e + j] - base[e + j]));
        }
        assertTrue(d0 > 1e-6, "a kept patch moves its image's features: " + d0);
        assertEquals(0, d1, "and no other image's");
        // the kept patches in another order give the same features up to rounding (no mask: attention is order-free)
        double[] shuffled = features(m, px, new int[][]{{8, 0, 4}, {7, 1, 2}});
        for (int j = 0; j < base.length; j++) assertEquals(base[j], shuffled[j], 1e-12);
    }

    @Test void badKeepListsAreRefusedWithTheImageNamed() {
        Clip m = model();
        Tensor px = Tensor.randn(DType.F64, new SplittableRandom(3), 2, 3, 12, 12);
        var uneven = assertThrows(IllegalArgumentException.class, () -> features(m, px, new int[][]{{0, 1}, {2}}));
        assertTrue(uneven.getMessage().contains("image 1"), uneven.getMessage());
        var outside = assertThrows(IllegalArgumentException.class, () -> features(m, px, new int[][]{{0, 9}, {1, 2}}));
        assertTrue(outside.getMessage().contains("patch 9"), outside.getMessage());
    }
}
