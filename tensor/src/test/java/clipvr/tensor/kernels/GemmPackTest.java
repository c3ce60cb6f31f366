package clipvr.tensor.kernels;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static clipvr.tensor.kernels.GemmKernel.MR;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The packed A block equals its definition, element by element: ap[r·MR·kc + p·MR + i] = op(A)(ic + r·MR + i, pc + p),
 * zero past mc. Blocks of every height 1 … 3·MR + 1 and depths 1 … 7 (where full-width stores would spill into the
 * next panel), cut from sources that end exactly at the block (where full-width loads would run past the array), into
 * a buffer of exactly the packed size that starts out full of NaN (so a slot left unwritten shows).
 */
class GemmPackTest {

    /** Heights 1 … 3·MR + 1 and a few past the 8-row pairs of the AVX2 transposed packing; depths 1 … 7 and past the
     * 8-value (non-transposed) and 4-row (transposed) register blocks, with and without a scalar tail. */
    static final int[] MCS = IntStream.concat(IntStream.rangeClosed(1, 3 * MR + 1),
            IntStream.of(16, 17, 23, 24, 96)).distinct().toArray();
    static final int[] KCS = {1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15, 16, 17, 33};

    @Test void packedABlocksMatchTheirDefinition() {
        var rng = new SplittableRandom(7);
        for (boolean transA : new boolean[]{false, true})
            for (int mc : MCS)
                for (int kc : KCS)
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

    /** bp[s·NR·kc + p·NR + j] = op(B)(pc + p, jc + s·NR + j), zero past nc, for both storages of B. */
    @Test void packedBPanelsMatchTheirDefinition() {
        var rng = new SplittableRandom(8);
        int NR = GemmKernel.NR;
        for (boolean transB : new boolean[]{false, true})
            for (int nc : new int[]{1, 7, NR - 1, NR, NR + 1, 2 * NR, 3 * NR - 5})
                for (int kc : KCS)
                    for (int extra : new int[]{0, 40}) {
                        int jc = 3, pc = 2, rows = transB ? jc + nc : pc + kc, cols = (transB ? pc + kc : jc + nc) + extra;
                        float[] b = new float[1 + rows * cols];                   // the matrix starts at bOff = 1
                        for (int i = 0; i < b.length; i++) b[i] = (float) rng.nextGaussian();
                        int panels = (nc + NR - 1) / NR;
                        float[] bp = new float[panels * NR * kc];
                        Arrays.fill(bp, Float.NaN);
                        GemmPack.packB(transB, b, 1, cols, pc, kc, jc, nc, bp);
                        for (int sp = 0; sp < panels; sp++)
                            for (int p = 0; p < kc; p++)
                                for (int j = 0; j < NR; j++) {
                                    int col = sp * NR + j;
                                    float want = col >= nc ? 0f
                                            : transB ? b[1 + (jc + col) * cols + pc + p] : b[1 + (pc + p) * cols + jc + col];
                                    assertEquals(want, bp[sp * NR * kc + p * NR + j], 0f,
                                            "transB " + transB + " nc " + nc + " kc " + kc + " extra " + extra + ": panel " + sp + " p " + p + " j " + j);
                                }
                    }
    }
}
