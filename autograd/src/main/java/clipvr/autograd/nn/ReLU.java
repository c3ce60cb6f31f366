package clipvr.autograd.nn;

import clipvr.autograd.Var;

/** y = max(x, 0). */
public final class ReLU extends Module implements Layer {
    @Override public Var forward(Var x) { return x.relu(); }
}
