package clipvr.clip.io;

import clipvr.clip.io.CheckpointException.Reason;
import clipvr.clip.io.Unpickler.PyInstance;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns unpickled torch objects into a flat name → tensor map (§2.8, §4.6, §10 items 6–7). */
final class TorchObjects {

    private static final int MAX_DEPTH = 200;

    private TorchObjects() {}

    /**
     * torch.save objects: a (possibly nested) dict of tensors. Unwraps {@code state_dict}, flattens nested dicts with
     * dotted keys, skips non-tensor entries (listed in {@code notes}) and strips the DDP {@code module.} prefix.
     */
    static LinkedHashMap<String, RawTensor> fromTorchSave(Object top, Path file, List<String> notes) {
        LinkedHashMap<String, TorchStorage.View> views = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        if (top instanceof TorchStorage.View v) {
            views.put("tensor", v);
            notes.add("file holds a single tensor, named 'tensor'");
        } else if (top instanceof Map<?, ?> m) {
            Object sd = m.get("state_dict");
            if (sd instanceof Map<?, ?> inner) {
                List<String> others = new ArrayList<>();
                for (Object k : m.keySet()) if (!"state_dict".equals(k)) others.add(String.valueOf(k));
                notes.add("unwrapped 'state_dict' (other top-level entries ignored: " + others + ")");
                m = inner;
            }
            flatten(m, "", views, skipped, file, 0);
        } else {
            throw new CheckpointException(Reason.BAD_CONTENT, file, "top-level object is a "
                    + Unpickler.typeName(top) + ", not a dict of tensors");
        }
        if (!skipped.isEmpty()) notes.add("skipped non-tensor entries: " + abbreviate(skipped));
        return materialize(stripModule(views, notes, file), file);
    }

    private static void flatten(Map<?, ?> m, String prefix, Map<String, TorchStorage.View> out, List<String> skipped,
                                Path file, int depth) {
        if (depth > MAX_DEPTH) throw new CheckpointException(Reason.LIMIT_EXCEEDED, file, "dicts nested deeper than " + MAX_DEPTH);
        for (Map.Entry<?, ?> e : m.entrySet()) {
            Object k = e.getKey();
            if (!(k instanceof String) && !(k instanceof Long)) {
                skipped.add(prefix + k);
                continue;
            }
            String name = prefix + k;
            Object v = e.getValue();
            if (v instanceof TorchStorage.View view) {
                if (out.put(name, view) != null)
                    throw new CheckpointException(Reason.BAD_CONTENT, file, "duplicate tensor name '" + name + "'");
            } else if (v instanceof Map<?, ?> sub && !sub.isEmpty()) {
                flatten(sub, name + ".", out, skipped, file, depth + 1);
            } else {
                skipped.add(name);
            }
        }
    }

    private static Map<String, TorchStorage.View> stripModule(Map<String, TorchStorage.View> views, List<String> notes,
                                                              Path file) {
        if (views.isEmpty() || !views.keySet().iterator().next().startsWith("module.")) return views;
        LinkedHashMap<String, TorchStorage.View> out = new LinkedHashMap<>();
        for (Map.Entry<String, TorchStorage.View> e : views.entrySet()) {
            String k = e.getKey().startsWith("module.") ? e.getKey().substring(7) : e.getKey();
            if (out.put(k, e.getValue()) != null) throw new CheckpointException(Reason.BAD_CONTENT, file,
                    "stripping 'module.' makes tensor name '" + k + "' ambiguous");
        }
        notes.add("stripped the 'module.' prefix (DistributedDataParallel)");
        return out;
    }

    /**
     * TorchScript: walk the module object tree (§4.6). A tensor attribute is a state-dict entry when the class's
     * {@code code/} file lists it in {@code __parameters__} or {@code __buffers__}; when that cannot be decided
     * (no code, or no {@code __buffers__} line), every tensor attribute is taken (fallback (b)).
     */
    static LinkedHashMap<String, RawTensor> fromTorchScript(Object root, TorchScriptCode code, Path file,
                                                            List<String> notes) {
        if (!(root instanceof PyInstance inst)) throw new CheckpointException(Reason.BAD_CONTENT, file,
                "TorchScript data.pkl holds a " + Unpickler.typeName(root) + ", not a module object");
        LinkedHashMap<String, TorchStorage.View> views = new LinkedHashMap<>();
        List<String> ignored = new ArrayList<>();
        walk(inst, "", views, ignored, code, file, 0);
        if (!ignored.isEmpty()) notes.add("tensor attributes that are neither parameters nor buffers (ignored): "
                + abbreviate(ignored));
        return materialize(views, file);
    }

    private static void walk(PyInstance obj, String prefix, Map<String, TorchStorage.View> out, List<String> ignored,
                             TorchScriptCode code, Path file, int depth) {
        if (depth > MAX_DEPTH) throw new CheckpointException(Reason.LIMIT_EXCEEDED, file,
                "TorchScript modules nested deeper than " + MAX_DEPTH);
        TorchScriptCode.ClassInfo info = code.classInfo(obj.type);
        for (Map.Entry<String, Object> e : obj.attrs.entrySet()) {
            String name = prefix + e.getKey();
            Object v = e.getValue();
            if (v instanceof PyInstance child) {
                walk(child, name + ".", out, ignored, code, file, depth + 1);
            } else if (v instanceof TorchStorage.View view) {
                if (info == null || info.buffers() == null || info.parameters().contains(e.getKey())
                        || info.buffers().contains(e.getKey())) {
                    out.put(name, view);
                } else {
                    ignored.add(name);
                }
            }
        }
    }

    static LinkedHashMap<String, RawTensor> materialize(Map<String, TorchStorage.View> views, Path file) {
        if (views.isEmpty()) throw new CheckpointException(Reason.BAD_CONTENT, file, "no tensors found");
        LinkedHashMap<String, RawTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, TorchStorage.View> e : views.entrySet()) {
            try {
                out.put(e.getKey(), e.getValue().materialize(e.getKey(), file));
            } catch (ArithmeticException ex) {
                throw new CheckpointException(Reason.BAD_CONTENT, file, "tensor '" + e.getKey()
                        + "': size/stride arithmetic overflows");
            } catch (CheckpointException ex) {
                throw ex.withFile(file);
            }
        }
        return out;
    }

    static String abbreviate(List<String> names) {
        return names.size() <= 20 ? names.toString()
                : names.subList(0, 20) + " and " + (names.size() - 20) + " more";
    }

}
