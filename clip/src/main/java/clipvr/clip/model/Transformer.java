package clipvr.clip.model;

import clipvr.autograd.Var;
import clipvr.autograd.nn.Module;
import clipvr.clip.io.Activation;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/** A stack of residual attention blocks, named {@code resblocks.0 ... resblocks.(layers-1)}. */
public final class Transformer extends Module {
    /** The container that gives the blocks their numeric names. */
    static final class Blocks extends Module {
        final List<ResidualAttentionBlock> list = new ArrayList<>();
        Blocks(int layers, int width, int heads, int mlpWidth, Activation act, double eps, DType dtype, RandomGenerator rng) {
            for (int i = 0; i < layers; i++)
                list.add(child(Integer.toString(i), new ResidualAttentionBlock(width, heads, mlpWidth, act, eps, dtype, rng)));
        }
    }

    public final int width, layers;
    private final Blocks resblocks;

    public Transformer(int width, int layers, int heads, int mlpWidth, Activation act, double eps, DType dtype, RandomGenerator rng) {
        this.width = width;
        this.layers = layers;
        this.resblocks = child("resblocks", new Blocks(layers, width, heads, mlpWidth, act, eps, dtype, rng));
    }

    /** x [B, T, width] → [B, T, width]. */
    public Var forward(Var x, Tensor mask) {
        for (ResidualAttentionBlock b : resblocks.list) x = b.forward(x, mask);
        return x;
    }

    /** Packed causal sequences x2 [R, width], groups of counts[g] sequences of lengths[g] rows → [R, width]. */
    public Var forwardPackedCausal(Var x2, int[] counts, int[] lengths) {
        for (ResidualAttentionBlock b : resblocks.list) x2 = b.forwardPackedCausal(x2, counts, lengths);
        return x2;
    }
}
