package clipvr.clip.model;

import clipvr.autograd.Var;
import clipvr.autograd.nn.Layer;
import clipvr.autograd.nn.Linear;
import clipvr.autograd.nn.Module;
import clipvr.autograd.ops.Activations;
import clipvr.autograd.ops.LinearAlgebra;
import clipvr.clip.io.Activation;
import clipvr.tensor.DType;

import java.util.random.RandomGenerator;

/** The block's MLP: c_fc (width → 4·width), activation (QuickGELU for OpenAI weights), c_proj (back to width). */
public final class Mlp extends Module implements Layer {
    private final Linear cFc, cProj;
    private final Activation activation;

    public Mlp(int width, int hidden, Activation activation, DType dtype, RandomGenerator rng) {
        this.cFc = child("c_fc", new Linear(width, hidden, true, dtype, rng));
        this.cProj = child("c_proj", new Linear(hidden, width, true, dtype, rng));
        this.activation = activation;
    }

    /** x [..., width] → [..., width]. */
    @Override public Var forward(Var x) {
        if (activation == Activation.QUICK_GELU && cFc.bias() != null && !x.data().device().isCpu())
            return cProj.forward(fcQuickGeluFused(x));
        Var h = cFc.forward(x);                                        // [..., hidden]
        h = switch (activation) {
            case QUICK_GELU -> h.quickGelu();                          // x·σ(1.702x)
            case GELU -> h.gelu();                                     // x·Φ(x), erf form
            case GELU_TANH -> {                                        // 0.5x(1 + tanh(√(2/π)(x + 0.044715x³)))
                Var inner = h.add(h.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
                yield h.mul(inner.tanh().add(1.0)).mul(0.5);
            }
        };
        return cProj.forward(h);
    }

    /**
     * c_fc and QuickGELU on a device: the matmul, then bias + QuickGELU as one kernel (and one in the backward pass)
     * instead of a bias kernel and an activation kernel. The CPU keeps the two steps (its numerics stay as they are).
     */
    private Var fcQuickGeluFused(Var x) {
        int[] s = x.shape();
        int in = s[s.length - 1];
        Var x2 = s.length == 2 ? x : x.reshape(-1, in);                                   // [N, width]
        Var h = LinearAlgebra.linear(x2, cFc.weight().var(), null);                       // [N, hidden] = x·Wᵀ
        h = Activations.biasQuickGelu(h, cFc.bias().var());                               // QuickGELU(h + b)
        s[s.length - 1] = h.shape()[1];
        return s.length == 2 ? h : h.reshape(s);                                          // [..., hidden]
    }
}
