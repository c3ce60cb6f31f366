package clipvr.clip.model;

import clipvr.autograd.nn.Parameter;
import clipvr.clip.io.ClipConfig;
import clipvr.clip.io.ClipStateDicts;
import clipvr.clip.io.ClipWeights;
import clipvr.clip.io.RawTensor;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;

import java.nio.file.Path;
import java.util.Map;

/** Building a {@link Clip} from a checkpoint file (any supported format) or from canonical weights. */
public final class ClipModels {
    private ClipModels() {}

    /** Reads any supported checkpoint (file or directory), validates it and builds the model in {@code dtype}. */
    public static Clip load(Path path, DType dtype) {
        return fromWeights(ClipStateDicts.load(path), dtype);
    }

    /** Builds the model described by {@code w.config()} and moves every canonical tensor into it. */
    public static Clip fromWeights(ClipWeights w, DType dtype) {
        ClipConfig c = w.config();
        Clip model = new Clip(c, dtype, ClipInit.Uninitialized.INSTANCE);
        Map<String, Parameter> params = model.namedParameters();
        for (var e : w.tensors().entrySet()) {
            Parameter p = params.get(e.getKey());
            if (p == null) throw new IllegalArgumentException(w.source() + ": tensor '" + e.getKey() + "' has no place in the model");
            p.setData(toTensor(e.getValue(), dtype));
        }
        for (String name : params.keySet())
            if (!w.tensors().containsKey(name)) throw new IllegalArgumentException(w.source() + ": missing tensor '" + name + "'");
        return model;
    }

    static Tensor toTensor(RawTensor r, DType dtype) {
        long[] ls = r.shape();
        int[] s = new int[ls.length];
        for (int i = 0; i < s.length; i++) s[i] = Math.toIntExact(ls[i]);
        return dtype == DType.F32 ? Tensor.of(r.toFloatArray(), s) : Tensor.of(r.toDoubleArray(), s);
    }
}
