package clipvr.clip.io;

import clipvr.clip.io.CheckpointException.Reason;
import clipvr.clip.io.Unpickler.PyCallable;
import clipvr.clip.io.Unpickler.PyClass;
import clipvr.clip.io.Unpickler.PyGlobalRef;
import clipvr.clip.io.Unpickler.PyOpaque;
import clipvr.clip.io.Unpickler.PyTuple;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The closed set of GLOBAL handlers of §9.2 for torch.save, TorchScript and legacy pickles. Anything else is
 * rejected with {@link Reason#FORBIDDEN_GLOBAL} naming the global; in lenient mode non-blocklisted globals become
 * inert {@link PyOpaque} placeholders, which can never become tensors.
 */
final class TorchPickleResolver implements Unpickler.Resolver {

    /** Where storages come from; the format decides the record layout and caching (§2.4, §2.9). */
    interface StorageSource {
        /** @param view legacy view metadata {@code (view_key, offset, size)} or null */
        TorchStorage storage(String key, StorageDType dtype, long numel, PyTuple view);
    }

    /** Argument of a persistent id: a storage class (§2.5). dtype null = UntypedStorage. */
    record StorageType(String className, StorageDType dtype) {}

    /** Argument of {@code _rebuild_tensor_v3}: a {@code torch.<dtype>} global (§2.6). */
    record DTypeToken(StorageDType dtype) {}

    /** Modules that are never accepted, not even leniently (§9.1 {@code _blocklisted_modules}, §9.2). */
    private static final Set<String> BLOCKED_MODULES = Set.of("os", "sys", "posix", "nt", "subprocess", "builtins",
            "__builtin__", "__main__", "shutil", "socket", "importlib", "runpy", "pickle", "marshal", "ctypes",
            "io", "code", "codeop", "pty", "signal", "multiprocessing", "threading", "webbrowser");

    private final Path file;
    private final boolean torchScript;
    private final boolean lenient;
    private final StorageSource storages;
    private final Set<PyCallable> tensorRebuilders = new LinkedHashSet<>();
    private final Map<String, Object> handlers = new LinkedHashMap<>();

    TorchPickleResolver(Path file, boolean torchScript, boolean lenient, StorageSource storages) {
        this.file = file;
        this.torchScript = torchScript;
        this.lenient = lenient;
        this.storages = storages;
        register();
    }

    private void register() {
        handlers.put("collections OrderedDict", (PyCallable) this::orderedDict);
        PyCallable v2 = a -> rebuild(a, "_rebuild_tensor_v2", false);
        PyCallable v3 = a -> rebuild(a, "_rebuild_tensor_v3", true);
        PyCallable v1 = a -> rebuild(a, "_rebuild_tensor", false);
        PyCallable param = a -> parameter(a, 3, "_rebuild_parameter");
        PyCallable paramState = a -> parameter(a, 4, "_rebuild_parameter_with_state");
        handlers.put("torch._utils _rebuild_tensor_v2", v2);
        handlers.put("torch._utils _rebuild_tensor_v3", v3);
        handlers.put("torch._utils _rebuild_tensor", v1);
        handlers.put("torch._utils _rebuild_parameter", param);
        handlers.put("torch._utils _rebuild_parameter_with_state", paramState);
        tensorRebuilders.addAll(List.of(v2, v3, v1, param, paramState));
        handlers.put("torch._tensor _rebuild_from_type_v2", (PyCallable) this::fromType);
        for (StorageDType d : StorageDType.values()) {
            String c = d.torchStoragePrefix + "Storage";
            handlers.put("torch " + c, new StorageType(c, d));
            handlers.put("torch " + d.torchName, new DTypeToken(d));
        }
        handlers.put("torch half", new DTypeToken(StorageDType.F16));
        handlers.put("torch float", new DTypeToken(StorageDType.F32));
        handlers.put("torch double", new DTypeToken(StorageDType.F64));
        handlers.put("torch long", new DTypeToken(StorageDType.I64));
        handlers.put("torch int", new DTypeToken(StorageDType.I32));
        handlers.put("torch short", new DTypeToken(StorageDType.I16));
        handlers.put("torch UntypedStorage", new StorageType("UntypedStorage", null));
        handlers.put("torch.storage UntypedStorage", new StorageType("UntypedStorage", null));
        handlers.put("torch Size", (PyCallable) a -> a.size() == 1 && a.get(0) instanceof PyTuple t ? t
                : bad("torch.Size expects one tuple argument"));
        handlers.put("torch device", (PyCallable) a -> a.size() >= 1 && a.get(0) instanceof String s ? s
                : bad("torch.device expects a string argument"));
        handlers.put("torch Tensor", new PyGlobalRef("torch", "Tensor"));
        handlers.put("torch.nn.parameter Parameter", new PyGlobalRef("torch.nn.parameter", "Parameter"));
        handlers.put("_codecs encode", (PyCallable) this::codecsEncode);
        handlers.put("builtins set", (PyCallable) a -> {
            LinkedHashSet<Object> set = new LinkedHashSet<>();
            if (a.size() == 1 && a.get(0) instanceof List<?> l) for (Object o : l) set.add(Unpickler.hashableKey(o));
            else if (a.size() != 0) throw fail("set() expects a list");
            return set;
        });
        handlers.put("builtins complex", (PyCallable) a -> a.size() == 2 && a.get(0) instanceof Double re
                && a.get(1) instanceof Double im ? new double[]{re, im} : bad("complex() expects two floats"));
        handlers.put("builtins bytearray", (PyCallable) a -> a.size() == 0 ? new byte[0]
                : a.get(0) instanceof byte[] b ? b : bad("bytearray() expects bytes"));
        if (torchScript) { // §4.5
            for (String n : List.of("build_intlist", "build_tensorlist", "build_doublelist", "build_boollist"))
                handlers.put("torch.jit._pickle " + n, (PyCallable) a -> a.size() == 1 && a.get(0) instanceof List<?> l
                        ? l : bad(n + " expects one list argument"));
            handlers.put("torch.jit._pickle restore_type_tag", (PyCallable) a -> a.size() >= 1 ? a.get(0)
                    : bad("restore_type_tag expects arguments"));
        }
    }

    @Override
    public Object global(String module, String name) {
        Object h = handlers.get(module + " " + name);
        if (h != null) return h;
        if (torchScript && (module.equals("__torch__") || module.startsWith("__torch__.")))
            return new PyClass(module, name); // generic TorchScript object (§4.3, §9.2)
        String q = module + "." + name;
        if (module.equals("torch") && name.endsWith("Storage"))
            throw new CheckpointException(Reason.UNSUPPORTED_DTYPE, file, "storage class " + q + " is not supported"
                    + " (supported: Float, Half, BFloat16, Double, Long, Int, Short, Char, Byte, Bool)");
        String root = module.contains(".") ? module.substring(0, module.indexOf('.')) : module;
        if (lenient && !BLOCKED_MODULES.contains(root) && !module.startsWith("torch"))
            return new PyOpaque(q);
        throw new CheckpointException(Reason.FORBIDDEN_GLOBAL, file, "pickle GLOBAL '" + q + "' is not allowed"
                + " (not in the closed handler set of the restricted unpickler, spec §9.2)");
    }

    @Override
    public Object persistentLoad(Object pid) {
        if (!(pid instanceof PyTuple t) || t.size() == 0)
            throw fail("persistent id must be a tuple, got " + Unpickler.typeName(pid));
        if (!"storage".equals(t.get(0))) throw fail("persistent id of type " + Unpickler.brief(t.get(0)) + " is not supported"
                + ("module".equals(t.get(0)) ? " (whole-module legacy saves embed source code)" : "")
                + "; only 'storage' ids are accepted (§9.2)");
        if (t.size() != 5 && t.size() != 6) throw fail("storage persistent id has " + t.size() + " items, expected 5 or 6");
        if (!(t.get(1) instanceof StorageType st)) throw fail("storage persistent id names "
                + Unpickler.describe(t.get(1)) + " instead of a storage class");
        String key = t.get(2) instanceof String s ? s : t.get(2) instanceof Long l ? l.toString() : null;
        if (key == null) throw fail("storage key must be a string");
        long numel = longArg(t.get(4), "storage numel");
        if (numel < 0) throw fail("storage '" + key + "' has negative size " + numel);
        PyTuple view = null;
        if (t.size() == 6 && t.get(5) != null) {
            if (!(t.get(5) instanceof PyTuple v) || v.size() != 3) throw fail("bad legacy view metadata");
            view = v;
        }
        return storages.storage(key, st.dtype(), numel, view);
    }

    // ------------------------------------------------------------------------------------------------------------
    // handlers (§2.6, §9.2)

    private Object orderedDict(PyTuple a) {
        LinkedHashMap<Object, Object> m = new LinkedHashMap<>();
        if (a.size() == 1 && a.get(0) instanceof List<?> pairs) {
            for (Object p : pairs) {
                if (p instanceof PyTuple kv && kv.size() == 2) m.put(Unpickler.hashableKey(kv.get(0)), kv.get(1));
                else if (p instanceof List<?> kv && kv.size() == 2) m.put(Unpickler.hashableKey(kv.get(0)), kv.get(1));
                else throw fail("OrderedDict expects key/value pairs");
            }
        } else if (a.size() != 0) throw fail("OrderedDict expects no arguments or a list of pairs");
        return m;
    }

    /** {@code _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])}, v3 with dtype. */
    private Object rebuild(PyTuple a, String fn, boolean v3) {
        int min = fn.equals("_rebuild_tensor") ? 4 : v3 ? 7 : 6;
        int max = fn.equals("_rebuild_tensor") ? 4 : min + 1;
        if (a.size() < min || a.size() > max)
            throw fail(fn + " expects " + min + (max > min ? "-" + max : "") + " arguments, got " + a.size());
        if (!(a.get(0) instanceof TorchStorage storage)) throw fail(fn + ": first argument is "
                + Unpickler.describe(a.get(0)) + ", not a storage");
        long offset = longArg(a.get(1), fn + " storage_offset");
        long[] size = longs(a.get(2), fn + " size");
        long[] stride = longs(a.get(3), fn + " stride");
        if (size.length != stride.length) throw fail(fn + ": size and stride have different ranks");
        for (long s : size) if (s < 0) throw fail(fn + ": negative size");
        StorageDType dtype = storage.dtype;
        if (v3) {
            if (!(a.get(6) instanceof DTypeToken dt)) throw fail(fn + ": argument 7 is not a torch dtype");
            dtype = dt.dtype();
            if (storage.dtype != null && storage.dtype != dtype)
                throw fail(fn + ": typed storage " + storage.dtype + " used with dtype " + dtype);
        }
        if (dtype == null) dtype = StorageDType.U8; // UntypedStorage with v2: bytes
        if (offset < 0) throw fail(fn + ": negative storage offset");
        if (a.size() == max && max > 4 && a.get(max - 1) instanceof Map<?, ?> md) {
            for (Map.Entry<?, ?> e : md.entrySet())
                if (Boolean.TRUE.equals(e.getValue())) throw new CheckpointException(Reason.UNSUPPORTED, file,
                        fn + ": tensor metadata bit '" + e.getKey() + "' (conj/neg view) is not supported");
        }
        if (storage.dtype != null && storage.dtype.size != dtype.size)
            throw fail(fn + ": storage element size differs from dtype");
        return new TorchStorage.View(storage, dtype, offset, size, stride);
    }

    private Object parameter(PyTuple a, int n, String fn) {
        if (a.size() != n) throw fail(fn + " expects " + n + " arguments, got " + a.size());
        if (!(a.get(0) instanceof TorchStorage.View v)) throw fail(fn + ": data is " + Unpickler.describe(a.get(0))
                + ", not a tensor");
        return v; // requires_grad, hooks and state are ignored (§9.2)
    }

    private Object fromType(PyTuple a) {
        if (a.size() != 4) throw fail("_rebuild_from_type_v2 expects 4 arguments");
        if (!(a.get(0) instanceof PyCallable f) || !tensorRebuilders.contains(f))
            throw fail("_rebuild_from_type_v2 with function " + Unpickler.describe(a.get(0)) + " is not allowed");
        if (!(a.get(1) instanceof PyGlobalRef type)) throw fail("_rebuild_from_type_v2: type is not allowed");
        if (!(a.get(2) instanceof PyTuple args)) throw fail("_rebuild_from_type_v2: arguments are not a tuple");
        return f.call(args); // only torch.Tensor / Parameter can be resolved as PyGlobalRef; state ignored
    }

    private Object codecsEncode(PyTuple a) {
        if (a.size() == 2 && a.get(0) instanceof String s && a.get(1) instanceof String enc
                && (enc.equalsIgnoreCase("latin1") || enc.equalsIgnoreCase("latin-1")))
            return s.getBytes(StandardCharsets.ISO_8859_1);
        throw fail("_codecs.encode only supports (str, 'latin1')");
    }

    // ------------------------------------------------------------------------------------------------------------

    private long longArg(Object o, String what) {
        if (o instanceof Long l) return l;
        throw fail(what + " must be an int, got " + Unpickler.typeName(o));
    }

    private long[] longs(Object o, String what) {
        List<Object> items = o instanceof PyTuple t ? t.items() : o instanceof List<?> l ? new ArrayList<>(l) : null;
        if (items == null) throw fail(what + " must be a tuple of ints, got " + Unpickler.typeName(o));
        long[] r = new long[items.size()];
        for (int i = 0; i < r.length; i++) r[i] = longArg(items.get(i), what + "[" + i + "]");
        return r;
    }

    /** Throws; typed so that it can end a conditional expression. */
    private <T> T bad(String m) {
        throw fail(m);
    }

    private CheckpointException fail(String m) {
        return new CheckpointException(Reason.BAD_CONTENT, file, m);
    }
}
