package clipvr.autograd.nn;

import clipvr.autograd.Var;
import clipvr.autograd.ops.Conv;
import clipvr.tensor.ops.Windows;

/** Average pooling [N, C, H, W] → [N, C, Ho, Wo]; zero padding is counted in the divisor (count_include_pad). */
public final class AvgPool2d extends Module implements Layer {
    public final Windows.Geometry geometry;

    public AvgPool2d(Windows.Geometry geometry) { this.geometry = geometry; }

    /** Square kernel k, stride (PyTorch's default stride is k), padding. */
    public AvgPool2d(int k, int stride, int padding) { this(Windows.Geometry.square(k, stride, padding)); }

    @Override public Var forward(Var x) { return Conv.avgPool2d(x, geometry); }
}
