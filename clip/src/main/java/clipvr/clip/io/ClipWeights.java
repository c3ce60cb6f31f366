package clipvr.clip.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CLIP weights under canonical OpenAI names (§5.3), validated against {@link ClipConfig#expectedShapes()}.
 *
 * @param tensors canonical name → tensor (dtype as stored; convert with {@link RawTensor#toFloatArray()})
 * @param extras  OpenAI TorchScript extras kept apart: {@code input_resolution}, {@code context_length},
 *                {@code vocab_size} (§5.3); empty for other sources
 * @param config  inferred architecture plus activation / heads / epsilon hints
 * @param scheme  the naming scheme detected in the source
 * @param source  human-readable description of where the weights came from
 * @param notes   conversions applied and warnings
 */
public record ClipWeights(Map<String, RawTensor> tensors, Map<String, RawTensor> extras, ClipConfig config,
                          ClipStateDicts.Scheme scheme, String source, List<String> notes) {

    public ClipWeights {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        extras = Collections.unmodifiableMap(new LinkedHashMap<>(extras));
        notes = List.copyOf(notes);
    }

    public Activation activation() { return config.activation(); }

    public int visionHeads() { return config.visionHeads(); }

    public int textHeads() { return config.textHeads(); }

    /** The tensor called {@code name} (canonical), or an error naming the source. */
    public RawTensor tensor(String name) {
        RawTensor t = tensors.get(name);
        if (t == null) throw new CheckpointException(CheckpointException.Reason.KEY_MISMATCH,
                source + ": no tensor named '" + name + "'");
        return t;
    }

    /** The tensor's values as float32. */
    public float[] floats(String name) { return tensor(name).toFloatArray(); }
}
