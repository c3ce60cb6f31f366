package clipvr.autograd.ops;

import clipvr.autograd.Var;
import net.jqwik.api.*;

import java.util.function.UnaryOperator;

import static clipvr.autograd.Generators.*;

/**
 * Gradient properties of the elementwise functions in {@link Activations} on random shapes (rank 0
 * to 4, size-1 axes included). Inputs stay inside each function's smooth domain by construction:
 * log and sqrt see x ∈ [0.2, 3]; abs and relu see |x| ≥ 0.05 (their kink is at 0; by convention
 * d|x|/dx = sign(x) = 0 at 0 and relu'(0) = 0, like PyTorch; see KinkConventionsTest). Inputs reach
 * the op contiguous or as a strided view.
 */
class ActivationsPropertiesTest {

    @Provide Arbitrary<int[]> shapes() { return clipvr.autograd.Generators.shapes(0, 4, 4, 60); }
    @Provide Arbitrary<Long> seeds() { return clipvr.autograd.Generators.seeds(); }

    /** Checks f on a tensor of logical shape s made by {@code values}, reaching f contiguous or as a strided view. */
    private static void check(String name, UnaryOperator<Var> f, int[] s, long seed,
                              java.util.function.Function<int[], clipvr.tensor.Tensor> values) {
        Layout l = layout(s, seed);
        assertGrad(name + " on " + l, v -> f.apply(l.apply(v.getFirst())), values.apply(l.stored()));
    }

    @Property(tries = 40, seed = "201")
    void exp(@ForAll("shapes") int[] s, @ForAll("seeds") long seed) { check("exp", Activations::exp, s, seed, sh -> uniform(seed, -2, 2, sh)); }

    @Property(tries = 40, seed = "202")
    void log(@ForAll("shapes") int[] s, @ForAll("seeds") long seed) { check("log", Activations::log, s, seed, sh -> uniform(seed, 0.2, 3, sh)); }

    @Property(tries = 40, seed = "203")
    void sqrt(@ForAll("shapes") int[] s, @ForAll("seeds") long seed) { check("sqrt", Activations::sqrt, s, seed, sh -> uniform(seed, 0.2, 3, sh)); }

    @Property(tries = 40, seed = "204")
    void abs(@ForAll("shapes") int[] s, @ForAll("seeds") long seed) { check("abs", Activations::abs, s, seed, sh -> awayFromZero(seed, 0.05, 2, sh)); }

    @Property(tries = 40, seed = "205")
    void tanh(@ForAll("shapes") int[] s, @ForAll("seeds") long seed) { check("tanh", Activations::tanh, s, seed, sh -> uniform(seed, -3, 3, sh)); }

    @Property(tries = 40, seed = "206")
    void sigmoid(@ForAll("shapes") int[] s, @ForAll("seeds") long seed) { check("sigmoid", Activations::sigmoid, s, seed, sh -> uniform(seed, -4, 4, sh)); }

    @Property(tries = 40, seed = "207")
    void relu(@ForAll("shapes") int[] s, @ForAll("seeds") long seed) { check("relu", Activations::relu, s, seed, sh -> awayFromZero(seed, 0.05, 2, sh)); }

    /** GELU (erf form) is smooth everywhere; the range covers both branches of the erf implementation (|x/√2| < 2 and ≥ 2). */
    @Property(tries = 40, seed = "208")
    void gelu(@ForAll("shapes") int[] s, @ForAll("seeds") long seed) { check("gelu", Activations::gelu, s, seed, sh -> uniform(seed, -5, 5, sh)); }

    @Property(tries = 40, seed = "209")
    void quickGelu(@ForAll("shapes") int[] s, @ForAll("seeds") long seed) { check("quickGelu", Activations::quickGelu, s, seed, sh -> uniform(seed, -5, 5, sh)); }
}
