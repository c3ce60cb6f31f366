package clipvr.autograd.nn;

import clipvr.autograd.Var;

/** y = x·σ(1.702·x), CLIP's approximation. */
public final class QuickGELU extends Module implements Layer {
    @Override public Var forward(Var x) { return x.quickGelu(); }
}
