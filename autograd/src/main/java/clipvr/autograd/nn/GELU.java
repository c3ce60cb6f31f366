package clipvr.autograd.nn;

import clipvr.autograd.Var;

/** y = x·Φ(x), the exact erf form (PyTorch's default). */
public final class GELU extends Module implements Layer {
    @Override public Var forward(Var x) { return x.gelu(); }
}
