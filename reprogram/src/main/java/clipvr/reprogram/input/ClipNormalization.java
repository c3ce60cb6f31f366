package clipvr.reprogram.input;

import clipvr.autograd.Var;
import clipvr.tensor.DType;
import clipvr.tensor.Constants;
import clipvr.tensor.Tensor;

/**
 * CLIP's image normalisation, x_norm = (x − mean)/std per RGB channel, as an autograd op on
 * [B, 3, H, W] (torchvision {@code Normalize}: subtract, then divide).
 */
public final class ClipNormalization {
    private ClipNormalization() {}

    public static final double[] MEAN = {0.48145466, 0.4578275, 0.40821073};
    public static final double[] STD = {0.26862954, 0.26130258, 0.27577711};

    /** x [B, 3, H, W] in [0, 1] → (x − mean)/std [B, 3, H, W]. */
    public static Var normalise(Var x) {
        Var mean = Var.constant(onDevice(MEAN, x));                // [1, 3, 1, 1]
        Var std = Var.constant(onDevice(STD, x));                  // [1, 3, 1, 1]
        return x.sub(mean).div(std);                               // [B, 3, H, W]
    }

    private static final java.util.Map<String, Tensor> HOST = new java.util.concurrent.ConcurrentHashMap<>();

    /** The per-channel constants for x: made fresh on the CPU (as always), cached and uploaded once on a device. */
    private static Tensor onDevice(double[] v, Var x) {
        if (x.data().device().isCpu()) return channelTensor(v, x.dtype());
        Tensor host = HOST.computeIfAbsent((v == MEAN ? "mean/" : "std/") + x.dtype(), k -> channelTensor(v, x.dtype()));
        return Constants.on(x.data().device(), host);
    }

    /** The normalised value of a constant pixel value {@code v} in channel {@code c}. */
    public static double normalisedValue(int c, double v) { return (v - MEAN[c]) / STD[c]; }

    /** [1, 3, 1, 1] tensor of three per-channel values. */
    static Tensor channelTensor(double[] v, DType dtype) {
        return Tensor.of(v.clone(), 1, 3, 1, 1).to(dtype);
    }
}
