package clipvr.autograd.ops;

import clipvr.autograd.Var;
import clipvr.tensor.Tensor;
import net.jqwik.api.*;

import java.util.SplittableRandom;

import static clipvr.autograd.Generators.*;

/**
 * Gradient properties of matmul and matmulT: 2-D, batched, broadcast batch axes on either side, and
 * operands that reach the GEMM as transposed (column-major) or permuted views rather than contiguous
 * matrices. A view operand is made inside the checked function (GradCheck copies its inputs), so the
 * gradient also flows back through the view op.
 */
class LinearAlgebraPropertiesTest {

    /** How the batch axes of the two operands relate. */
    enum Batch { NONE, SAME, BROADCAST_A, BROADCAST_B, CROSS, LEFT_2D, RIGHT_2D }

    /** How an operand is laid out when it reaches the product. */
    enum Layout { CONTIGUOUS, TRANSPOSED, PERMUTED_BATCH }

    record Case(Batch batch, Layout la, Layout lb, int m, int k, int n, int b1, int b2, long seed) {}

    @Provide Arbitrary<Case> cases() {
        Arbitrary<Integer> dim = Arbitraries.integers().between(1, 4);
        return Combinators.combine(Arbitraries.of(Batch.class), Arbitraries.of(Layout.class), Arbitraries.of(Layout.class),
                dim, dim, dim, Arbitraries.integers().between(2, 3), Arbitraries.integers().between(2, 3))
                .flatAs((bt, la, lb, m, k, n, b1, b2) -> clipvr.autograd.Generators.seeds().map(seed ->
                        new Case(bt, la, lb, m, k, n, b1, b2, seed)));
    }

    /** Batch shapes of (a, b) for a case. */
    static int[][] batchShapes(Case c) {
        return switch (c.batch()) {
            case NONE -> new int[][]{{}, {}};
            case SAME -> new int[][]{{c.b1()}, {c.b1()}};
            case BROADCAST_A -> new int[][]{{1}, {c.b1()}};
            case BROADCAST_B -> new int[][]{{c.b1()}, {1}};
            case CROSS -> new int[][]{{c.b1(), 1}, {1, c.b2()}};
            case LEFT_2D -> new int[][]{{}, {c.b2(), c.b1()}};
            case RIGHT_2D -> new int[][]{{c.b1()}, {}};
        };
    }

    static int[] concat(int[] batch, int r, int c) {
        int[] s = java.util.Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = r;
        s[batch.length + 1] = c;
        return s;
    }

    /**
     * Returns the stored input shape for a logical operand [batch..., r, c] in a layout, and the function
     * that turns the stored Var into the logical view.
     */
    record Stored(int[] shape, java.util.function.UnaryOperator<Var> view) {}

    static Stored stored(int[] batch, int r, int c, Layout layout) {
        return switch (layout) {
            case CONTIGUOUS -> new Stored(concat(batch, r, c), v -> v);
            // stored [batch..., c, r]; the view is its last-two-axes transpose (column-major matrices)
            case TRANSPOSED -> new Stored(concat(batch, c, r), v -> v.transpose(-2, -1));
            // stored [r, batch..., c] (batch axes in the middle), permuted so batch comes first: a
            // non-uniform batch stride, which the GEMM must handle (or copy)
            case PERMUTED_BATCH -> {
                int nb = batch.length;
                int[] s = new int[nb + 2];
                s[0] = r;
                System.arraycopy(batch, 0, s, 1, nb);
                s[nb + 1] = c;
                int[] perm = new int[nb + 2];
                for (int i = 0; i < nb; i++) perm[i] = i + 1;
                perm[nb] = 0;
                perm[nb + 1] = nb + 1;
                yield new Stored(s, v -> v.permute(perm));
            }
        };
    }

    @Property(tries = 100, seed = "501")
    void matmul(@ForAll("cases") Case c) {
        int[][] bs = batchShapes(c);
        Stored a = stored(bs[0], c.m(), c.k(), c.la()), b = stored(bs[1], c.k(), c.n(), c.lb());
        boolean[] wrt = new boolean[]{true, true};
        int mode = new SplittableRandom(c.seed()).nextInt(4);
        if (mode == 1) wrt[0] = false;
        if (mode == 2) wrt[1] = false;
        assertGrad("matmul " + c, v -> LinearAlgebra.matmul(a.view().apply(v.get(0)), b.view().apply(v.get(1))), wrt,
                uniform(c.seed(), -2, 2, a.shape()), uniform(c.seed() + 1, -2, 2, b.shape()));
    }

    /** matmulT(A, B) = A·Bᵀ with B stored [.., N, K]. */
    @Property(tries = 100, seed = "502")
    void matmulT(@ForAll("cases") Case c) {
        int[][] bs = batchShapes(c);
        Stored a = stored(bs[0], c.m(), c.k(), c.la()), b = stored(bs[1], c.n(), c.k(), c.lb());
        boolean[] wrt = new boolean[]{true, true};
        int mode = new SplittableRandom(c.seed()).nextInt(4);
        if (mode == 1) wrt[0] = false;
        if (mode == 2) wrt[1] = false;
        assertGrad("matmulT " + c, v -> LinearAlgebra.matmulT(a.view().apply(v.get(0)), b.view().apply(v.get(1))), wrt,
                uniform(c.seed(), -2, 2, a.shape()), uniform(c.seed() + 1, -2, 2, b.shape()));
    }

    /** The forward agrees with a naive triple loop for the same cases (GradCheck alone would accept a consistently wrong product's adjoint). */
    @Property(tries = 100, seed = "503")
    void matmulForwardMatchesNaive(@ForAll("cases") Case c) {
        int[][] bs = batchShapes(c);
        Stored sa = stored(bs[0], c.m(), c.k(), c.la()), sb = stored(bs[1], c.k(), c.n(), c.lb());
        Tensor a = sa.view().apply(Var.constant(uniform(c.seed(), -2, 2, sa.shape()))).data();
        Tensor b = sb.view().apply(Var.constant(uniform(c.seed() + 1, -2, 2, sb.shape()))).data();
        Tensor z = a.matmul(b);
        int[] zs = z.shape();
        int batchN = z.numel() / (c.m() * c.n());
        int[] batchShape = java.util.Arrays.copyOf(zs, zs.length - 2);
        for (int bi = 0; bi < batchN; bi++) {
            int[] bidx = clipvr.autograd.GradCheckAccess.unflatten(bi, batchShape);
            for (int i = 0; i < c.m(); i++)
                for (int j = 0; j < c.n(); j++) {
                    double s = 0;
                    for (int kk = 0; kk < c.k(); kk++) s += at(a, bidx, i, kk) * at(b, bidx, kk, j);
                    double got = z.get(concat(bidx, i, j));
                    if (Math.abs(s - got) > 1e-12)
                        throw new AssertionError("matmul forward " + c + " at batch " + java.util.Arrays.toString(bidx) + " (" + i + ", " + j + "): " + got + " != " + s);
                }
        }
    }

    /** Element [batch..., i, j] of t, broadcasting t's batch axes (right-aligned, size 1 → index 0). */
    static double at(Tensor t, int[] bidx, int i, int j) {
        int nb = t.rank() - 2;
        int[] idx = new int[t.rank()];
        for (int d = 0; d < nb; d++) {
            int bd = bidx[bidx.length - nb + d];
            idx[d] = t.size(d) == 1 ? 0 : bd;
        }
        idx[nb] = i;
        idx[nb + 1] = j;
        return t.get(idx);
    }
}
