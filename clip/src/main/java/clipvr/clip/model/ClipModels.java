package clipvr.clip.model;

import clipvr.autograd.nn.Parameter;
import clipvr.clip.io.ClipConfig;
import clipvr.clip.io.ClipStateDicts;
import clipvr.clip.io.ClipWeights;
import clipvr.clip.io.RawTensor;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;

import clipvr.clip.io.SafetensorsWriter;
import clipvr.clip.io.StorageDType;

import java.nio.file.Path;
import java.util.LinkedHashMap;
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
        Clip model = new Clip(c, dtype, clipvr.autograd.nn.Init.NONE);
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

    /** A checkpoint tensor as a contiguous tensor of {@code dtype} (converted from its storage dtype). */
    public static Tensor toTensor(RawTensor r, DType dtype) {
        long[] ls = r.shape();
        int[] s = new int[ls.length];
        for (int i = 0; i < s.length; i++) s[i] = Math.toIntExact(ls[i]);
        return dtype == DType.F32 ? Tensor.of(r.toFloatArray(), s) : Tensor.of(r.toDoubleArray(), s);
    }

    /** The model's weights as canonical (OpenAI-named) raw tensors in {@code storage} precision. */
    public static Map<String, RawTensor> stateDict(Clip model, StorageDType storage) {
        Map<String, RawTensor> out = new LinkedHashMap<>();
        for (var e : model.stateDict().entrySet()) {
            Tensor t = e.getValue();
            long[] shape = java.util.Arrays.stream(t.shape()).asLongStream().toArray();
            out.put(e.getKey(), storage == StorageDType.F64
                    ? RawTensor.fromDoubles(e.getKey(), storage, shape, t.toDoubleArray())
                    : RawTensor.fromFloats(e.getKey(), storage, shape, t.toFloatArray()));
        }
        return out;
    }

    /** Writes the model as safetensors with OpenAI names (atomically), with metadata describing it. */
    public static void save(Clip model, Path file, StorageDType storage, Map<String, String> metadata) {
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.putIfAbsent("format", "pt");
        meta.putIfAbsent("clipvr.config", model.config.describe());
        SafetensorsWriter.write(file, stateDict(model, storage), meta);
    }
}
