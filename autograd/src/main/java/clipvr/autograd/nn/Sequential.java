package clipvr.autograd.nn;

import clipvr.autograd.Var;

import java.util.ArrayList;
import java.util.List;

/** Layers applied in order; children are named "0", "1", ... as in PyTorch. */
public final class Sequential extends Module implements Layer {
    private final List<Layer> layers = new ArrayList<>();

    /** Every argument must be a {@link Module} that is also a {@link Layer}. */
    public Sequential(Module... modules) {
        for (Module m : modules) add(m);
    }

    /** Appends a layer as child "size()". */
    public Sequential add(Module m) {
        if (!(m instanceof Layer l))
            throw new IllegalArgumentException("Sequential: " + m.getClass().getSimpleName() + " is not a Layer (one input, one output)");
        child(Integer.toString(layers.size()), m);
        layers.add(l);
        return this;
    }

    public int size() { return layers.size(); }
    public Module get(int i) { return (Module) layers.get(i); }

    @Override public Var forward(Var x) {
        for (Layer l : layers) x = l.forward(x);
        return x;
    }
}
