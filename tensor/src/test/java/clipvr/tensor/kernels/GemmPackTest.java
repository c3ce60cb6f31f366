package clipvr.tensor.kernels;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static clipvr.tensor.kernels.GemmKernel.MR;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The packed A block equals its definition, element by element: ap[r·MR·kc + p·MR + i] = op(A)(ic + r·MR + i, pc + p),
 * zero past mc. Blocks of every height 1 … 3·MR + 1 and depths 1 … 7 (where full-width stores would spill into the
 * next panel), cut from sources that end exactly at the block (where full-width loads would run past the array), into
 * a buffer of exactly the packed size that starts out full of NaN (so a slot left unwritten shows).
 */
class GemmPackTest {

    @Test void packedABlocksMatchTheirDefinition() {
        var rng = new SplittableRandom(7);
        for (boolean transA : new boolean[]{false, true})
            for (int mc = 1; mc <= 3 * MR + 1; mc++)
                for (int kc = 1; kc <= 7; kc++)
                    for (int extra : new int[]{0, 3, 40}) {                      // columns of the source beyond the block
                        int ic = 2, pc = 1, rows = transA ? pc + kc : ic + mc, cols = (transA ? ic + mc : pc + kc) + extra;
                        float[] a = new float[5 + rows * cols];                   // the matrix starts at aOff = 5
                        for (int i = 0; i < a.length; i++) a[i] = (float) rng.nextGaussian();
                        int panels = (mc + MR - 1) / MR;
                        float[] ap = new float[panels * MR * kc];
                        Arrays.fill(ap, Float.NaN);
                        GemmPack.packA(transA, a, 5, cols, ic, mc, pc, kc, ap);
                        for (int r = 0; r < panels; r++)
                            for (int p = 0; p < kc; p++)
                                for (int i = 0; i < MR; i++) {
                                    int row = r * MR + i;
                                    float want = row >= mc ? 0f
                                            : transA ? a[5 + (pc + p) * cols + ic + row] : a[5 + (ic + row) * cols + pc + p];
                                    assertEquals(want, ap[r * MR * kc + p * MR + i], 0f,
                                            "transA " + transA + " mc " + mc + " kc " + kc + " extra " + extra + ": panel " + r + " p " + p + " i " + i);
                                }
                    }
    }
}
