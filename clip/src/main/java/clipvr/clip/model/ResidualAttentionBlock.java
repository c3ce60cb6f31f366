package clipvr.clip.model;

import clipvr.autograd.Var;
import clipvr.autograd.nn.LayerNorm;
import clipvr.autograd.nn.Module;
import clipvr.autograd.nn.MultiheadAttention;
import clipvr.clip.io.Activation;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;

import java.util.random.RandomGenerator;

/** Pre-LN residual block: x + attn(ln_1(x)), then x + mlp(ln_2(x)) — two lines, as in OpenAI's model.py. */
public final class ResidualAttentionBlock extends Module {
    private final MultiheadAttention attn;
    private final LayerNorm ln1, ln2;
    private final Mlp mlp;

    public ResidualAttentionBlock(int width, int heads, int mlpWidth, Activation act, double eps, DType dtype, RandomGenerator rng) {
        this.attn = child("attn", new MultiheadAttention(width, heads, true, dtype, rng));
        this.ln1 = child("ln_1", new LayerNorm(width, eps, dtype));
        this.mlp = child("mlp", new Mlp(width, mlpWidth, act, dtype, rng));
        this.ln2 = child("ln_2", new LayerNorm(width, eps, dtype));
    }

    /** x [B, T, width], mask [T, T] additive or null → [B, T, width]. */
    public Var forward(Var x, Tensor mask) {
        x = x.add(attn.forward(ln1.forward(x), mask));
        return x.add(mlp.forward(ln2.forward(x)));
    }

    /** Packed causal sequences x2 [R, width] (see {@link MultiheadAttention#forwardPackedCausal}) → [R, width]. */
    public Var forwardPackedCausal(Var x2, int[] counts, int[] lengths) {
        x2 = x2.add(attn.forwardPackedCausal(ln1.forward(x2), counts, lengths));
        return x2.add(mlp.forward(ln2.forward(x2)));
    }
}
