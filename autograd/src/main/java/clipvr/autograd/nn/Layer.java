package clipvr.autograd.nn;

import clipvr.autograd.Var;

/** A module with one input and one output; what {@link Sequential} chains. */
@FunctionalInterface
public interface Layer {
    Var forward(Var x);
}
