package clipvr.clip.model;

import clipvr.autograd.Var;
import clipvr.autograd.nn.Layer;
import clipvr.autograd.nn.Linear;
import clipvr.autograd.nn.Module;
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
}
