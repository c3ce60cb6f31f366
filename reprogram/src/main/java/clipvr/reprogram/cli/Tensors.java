package clipvr.reprogram.cli;

import clipvr.clip.io.RawTensor;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;

/** Conversions between checkpoint-layer raw tensors and tensors. */
final class Tensors {
    private Tensors() {}

    static Tensor of(RawTensor r, DType dtype) {
        long[] ls = r.shape();
        int[] s = new int[ls.length];
        for (int i = 0; i < s.length; i++) s[i] = Math.toIntExact(ls[i]);
        return dtype == DType.F32 ? Tensor.of(r.toFloatArray(), s) : Tensor.of(r.toDoubleArray(), s);
    }
}
