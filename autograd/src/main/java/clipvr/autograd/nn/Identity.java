package clipvr.autograd.nn;

import clipvr.autograd.Var;

/** y = x (a placeholder, as PyTorch's nn.Identity). */
public final class Identity extends Module implements Layer {
    @Override public Var forward(Var x) { return x; }
}
