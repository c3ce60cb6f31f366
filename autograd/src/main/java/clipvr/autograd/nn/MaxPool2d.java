package clipvr.autograd.nn;

import clipvr.autograd.Var;
import clipvr.autograd.ops.Conv;
import clipvr.tensor.ops.Windows;

/** Max pooling [N, C, H, W] → [N, C, Ho, Wo]; padding counts as -inf (PyTorch). */
public final class MaxPool2d extends Module implements Layer {
    public final Windows.Geometry geometry;

    public MaxPool2d(Windows.Geometry geometry) { this.geometry = geometry; }

    /** Square kernel k, stride (PyTorch's default stride is k), padding. */
    public MaxPool2d(int k, int stride, int padding) { this(Windows.Geometry.square(k, stride, padding)); }

    @Override public Var forward(Var x) { return Conv.maxPool2d(x, geometry); }
}
