package clipvr.reprogram.method;

import clipvr.autograd.Var;
import clipvr.tensor.Shape;
import clipvr.tensor.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Helpers for PyTorch-style state dicts ({@code name → tensor}, insertion-ordered): copies on the way
 * out, shape-checked copies on the way in, and dotted prefixes ({@code priority.conv1.weight}).
 */
public final class StateDict {
    private StateDict() {}

    /** A fresh insertion-ordered map. */
    /** The state of a fixed-mask additive prompt: its pattern {@code program} and its mask {@code mask} (copies). */
    public static Map<String, Tensor> programAndMask(Var program, Tensor mask) {
        Map<String, Tensor> s = create();
        s.put("program", program.data().copy());
        s.put("mask", mask.copy());
        return s;
    }

    public static Map<String, Tensor> create() { return new LinkedHashMap<>(); }

    /** Every entry of {@code inner} under {@code prefix + "."}. */
    public static void putAll(Map<String, Tensor> out, String prefix, Map<String, Tensor> inner) {
        inner.forEach((k, v) -> out.put(prefix + "." + k, v));
    }

    /** The entries of {@code state} under {@code prefix + "."}, with the prefix removed. */
    public static Map<String, Tensor> sub(Map<String, Tensor> state, String prefix) {
        Map<String, Tensor> out = create();
        String p = prefix + ".";
        state.forEach((k, v) -> { if (k.startsWith(p)) out.put(k.substring(p.length()), v); });
        return out;
    }

    /** The tensor named {@code name}, checked against {@code shape}; throws naming the key when missing or wrong. */
    public static Tensor require(Map<String, Tensor> state, String name, int... shape) {
        Tensor t = state.get(name);
        if (t == null) throw new IllegalArgumentException("state dict: missing '" + name + "' (have " + state.keySet() + ")");
        if (!Arrays.equals(t.shape(), shape))
            throw new IllegalArgumentException("state dict: '" + name + "' has shape " + Shape.str(t.shape()) + ", expected " + Shape.str(shape));
        return t;
    }

    /** Replaces a parameter's value by a copy of {@code state[name]} in the parameter's dtype. */
    public static void load(Var param, Map<String, Tensor> state, String name) {
        param.setData(require(state, name, param.shape()).to(param.dtype()).copy());
    }

    /** Copies {@code state[name]} into a buffer (running statistics) in place. */
    public static void loadInto(Tensor buffer, Map<String, Tensor> state, String name) {
        buffer.copyFrom(require(state, name, buffer.shape()));
    }
}
