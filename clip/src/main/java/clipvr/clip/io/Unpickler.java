package clipvr.clip.io;

import clipvr.clip.io.CheckpointException.Reason;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A restricted pickle virtual machine (§3, §9). It understands the binary opcodes of protocols 2–5 and nothing else;
 * it never executes code. GLOBALs and persistent ids are handed to a {@link Resolver}, which maps them onto a closed
 * set of built-in handlers (see {@link TorchPickleResolver}) or rejects them. Every error names the opcode, the byte
 * offset and the source.
 *
 * <p>Value mapping: None → {@code null}; bool → {@link Boolean}; int → {@link Long} (or {@link BigInteger} beyond 64
 * bits); float → {@link Double}; str → {@link String}; bytes/bytearray → {@code byte[]}; tuple → {@link PyTuple};
 * list → {@link ArrayList}; dict/OrderedDict → {@link LinkedHashMap}; set → {@link LinkedHashSet}.
 */
public final class Unpickler {

    /** An immutable Python tuple. Items may be null (None). */
    public record PyTuple(List<Object> items) {
        public PyTuple {
            items = Collections.unmodifiableList(new ArrayList<>(items));
        }

        public static PyTuple of(Object... items) { return new PyTuple(Arrays.asList(items)); }

        public int size() { return items.size(); }

        public Object get(int i) { return items.get(i); }
    }

    /** A built-in handler that REDUCE may call. */
    @FunctionalInterface
    public interface PyCallable {
        Object call(PyTuple args);
    }

    /** A class that NEWOBJ may instantiate generically (TorchScript {@code __torch__.*} classes, §4.3). */
    public record PyClass(String module, String name) {
        public String qualifiedName() { return module + "." + name; }
    }

    /** An inert global (a type used only as a marker, e.g. {@code torch.Tensor}); it cannot be called. */
    public record PyGlobalRef(String module, String name) {}

    /**
     * A generic object of a {@link PyClass}: NEWOBJ creates it, BUILD with a dict fills {@code attrs} (in order),
     * BUILD with anything else sets {@code state}; REDUCE on the class (enums) stores the arguments in {@code args}.
     */
    public static final class PyInstance {
        public final PyClass type;
        public final LinkedHashMap<String, Object> attrs = new LinkedHashMap<>();
        public Object state;
        public PyTuple args;

        public PyInstance(PyClass type) { this.type = type; }

        @Override public String toString() { return "<" + type.qualifiedName() + " object>"; }
    }

    /** Lenient-mode stand-in for a global outside the handler set, and for anything built from it. */
    public record PyOpaque(String description) {}

    /** Maps GLOBALs and persistent ids onto handlers. Implementations throw {@link CheckpointException}. */
    public interface Resolver {
        /** The object a GLOBAL / STACK_GLOBAL pushes; throw {@link Reason#FORBIDDEN_GLOBAL} to reject it. */
        Object global(String module, String name);

        /** The object BINPERSID pushes for {@code pid}. */
        Object persistentLoad(Object pid);
    }

    /** Resource limits (§9.3). */
    public record Limits(long maxPickleBytes, int maxStack, int maxMemo, int maxMarks, long maxStringBytes) {
        public static final Limits DEFAULT = new Limits(1L << 30, 10_000_000, 10_000_000, 100_000, 256L << 20);
    }

    /** A decoded value and the offset just past its STOP opcode. */
    public record Result(Object value, int end) {}

    private static final Object MARK = new Object() {
        @Override public String toString() { return "<mark>"; }
    };

    private final ByteBuffer buf;
    private final Resolver resolver;
    private final Limits limits;
    private final Path source;
    private final ArrayList<Object> stack = new ArrayList<>();
    private final ArrayList<Integer> marks = new ArrayList<>();
    private final HashMap<Long, Object> memo = new HashMap<>();
    private int pos;
    private final int startPos;
    private int opStart;
    private int op;

    private Unpickler(ByteBuffer buf, int start, Resolver resolver, Limits limits, Path source) {
        this.buf = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
        this.resolver = resolver;
        this.limits = limits;
        this.source = source;
        this.pos = start;
        this.startPos = start;
    }

    /** Decodes the single pickle that fills {@code data} (trailing bytes after STOP are an error). */
    public static Object load(ByteBuffer data, Resolver resolver, Limits limits, Path source) {
        Result r = loadAt(data, 0, resolver, limits, source);
        if (r.end != data.remaining()) throw new CheckpointException(Reason.BAD_PICKLE, source,
                "pickle: " + (data.remaining() - r.end) + " unexpected bytes after STOP at offset " + (r.end - 1));
        return r.value;
    }

    /** Decodes one pickle starting at {@code start}; returns its value and the offset after STOP. */
    public static Result loadAt(ByteBuffer data, int start, Resolver resolver, Limits limits, Path source) {
        Unpickler u = new Unpickler(data, start, resolver, limits, source);
        Object v = u.run();
        return new Result(v, u.pos);
    }

    // ------------------------------------------------------------------------------------------------------------

    private Object run() {
        while (true) {
            opStart = pos;
            if (pos >= buf.limit()) throw new CheckpointException(Reason.TRUNCATED, source,
                    "pickle ends at offset " + pos + " without a STOP opcode (truncated?)");
            if (pos - startPos > limits.maxPickleBytes) throw new CheckpointException(Reason.LIMIT_EXCEEDED, source,
                    "pickle longer than the limit of " + limits.maxPickleBytes + " bytes");
            op = buf.get(pos++) & 0xFF;
            try {
                if (op == 0x2E) { // STOP
                    if (!marks.isEmpty()) throw err("STOP with an open MARK");
                    return pop();
                }
                step();
            } catch (CheckpointException e) {
                if (e.detail().contains("at offset " + opStart + " (")) throw e.withFile(source);
                throw new CheckpointException(e.reason(), source, e.detail() + " [pickle opcode "
                        + opName(op) + " at offset " + opStart + " (" + hex(op) + ")]", e.getCause());
            } catch (ClassCastException | IllegalArgumentException | IndexOutOfBoundsException e) {
                throw err("malformed pickle: " + e.getMessage());
            } catch (ArithmeticException e) {
                throw err("number out of range: " + e.getMessage());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void step() {
        switch (op) {
            case 0x80 -> { // PROTO
                int proto = u8();
                if (proto < 2 || proto > 5) throw err("unsupported pickle protocol " + proto + " (need 2..5)");
            }
            case 0x95 -> { // FRAME: the whole pickle is in memory, so only check the length
                long n = i64();
                if (n < 0 || n > buf.limit() - pos) throw truncated("FRAME of " + n + " bytes");
            }
            case 0x28 -> { // MARK
                if (marks.size() >= limits.maxMarks) throw limit("more than " + limits.maxMarks + " open MARKs");
                marks.add(stack.size());
                push(MARK);
            }
            case 0x63 -> push(global(line(), line()));                       // GLOBAL
            case 0x93 -> {                                                    // STACK_GLOBAL
                Object name = pop(), module = pop();
                if (!(module instanceof String m) || !(name instanceof String n))
                    throw err("STACK_GLOBAL needs two strings");
                push(global(m, n));
            }
            case 0x71 -> memoPut(u8());                                       // BINPUT
            case 0x72 -> memoPut(u32());                                      // LONG_BINPUT
            case 0x94 -> memoPut(memo.size());                                // MEMOIZE
            case 0x68 -> push(memoGet(u8()));                                 // BINGET
            case 0x6A -> push(memoGet(u32()));                                // LONG_BINGET
            case 0x29 -> push(new PyTuple(List.of()));                        // EMPTY_TUPLE
            case 0x74 -> push(new PyTuple(popToMark()));                      // TUPLE
            case 0x85 -> push(PyTuple.of(pop()));                             // TUPLE1
            case 0x86 -> { Object b = pop(), a = pop(); push(PyTuple.of(a, b)); }          // TUPLE2
            case 0x87 -> { Object c = pop(), b = pop(), a = pop(); push(PyTuple.of(a, b, c)); } // TUPLE3
            case 0x5D -> push(new ArrayList<>());                             // EMPTY_LIST
            case 0x6C -> push(new ArrayList<>(popToMark()));                  // LIST
            case 0x61 -> { Object v = pop(); list(peek()).add(v); }           // APPEND
            case 0x65 -> { List<Object> items = popToMark(); list(peek()).addAll(items); } // APPENDS
            case 0x7D -> push(new LinkedHashMap<>());                         // EMPTY_DICT
            case 0x64 -> {                                                    // DICT
                List<Object> kv = popToMark();
                Map<Object, Object> d = new LinkedHashMap<>();
                putPairs(d, kv);
                push(d);
            }
            case 0x73 -> { Object v = pop(), k = pop(); dict(peek()).put(key(k), v); }     // SETITEM
            case 0x75 -> { List<Object> kv = popToMark(); putPairs(dict(peek()), kv); }     // SETITEMS
            case 0x8F -> push(new LinkedHashSet<>());                         // EMPTY_SET
            case 0x90 -> {                                                    // ADDITEMS
                List<Object> items = popToMark();
                if (!(peek() instanceof Set<?> s)) throw err("ADDITEMS on a " + typeName(peek()));
                for (Object i : items) ((Set<Object>) s).add(key(i));
            }
            case 0x91 -> {                                                    // FROZENSET
                LinkedHashSet<Object> set = new LinkedHashSet<>();
                for (Object i : popToMark()) set.add(key(i));
                push(Collections.unmodifiableSet(set));
            }
            case 0x4E -> push(null);                                          // NONE
            case 0x88 -> push(Boolean.TRUE);                                  // NEWTRUE
            case 0x89 -> push(Boolean.FALSE);                                 // NEWFALSE
            case 0x4B -> push((long) u8());                                   // BININT1
            case 0x4D -> push((long) (buf.getShort(advance(2)) & 0xFFFF));   // BININT2 (unsigned)
            case 0x4A -> push((long) buf.getInt(advance(4)));                 // BININT (signed)
            case 0x8A -> push(longBytes(u8()));                               // LONG1
            case 0x8B -> {                                                    // LONG4
                int n = buf.getInt(advance(4));
                if (n < 0 || n > 4096) throw limit("LONG4 of " + n + " bytes");
                push(longBytes(n));
            }
            case 0x47 -> push(Double.longBitsToDouble(Long.reverseBytes(buf.getLong(advance(8))))); // BINFLOAT, big-endian
            case 0x58 -> push(utf8(u32()));                                   // BINUNICODE
            case 0x8C -> push(utf8(u8()));                                    // SHORT_BINUNICODE
            case 0x8D -> push(utf8(i64()));                                   // BINUNICODE8
            case 0x55 -> push(latin1(u8()));                                  // SHORT_BINSTRING
            case 0x54 -> push(latin1(buf.getInt(advance(4))));                // BINSTRING
            case 0x43 -> push(bytes(u8()));                                   // SHORT_BINBYTES
            case 0x42 -> push(bytes(u32()));                                  // BINBYTES
            case 0x8E, 0x96 -> push(bytes(i64()));                            // BINBYTES8, BYTEARRAY8
            case 0x52 -> {                                                    // REDUCE
                Object args = pop(), f = pop();
                push(call(f, tuple(args, "REDUCE arguments")));
            }
            case 0x81 -> {                                                    // NEWOBJ
                Object args = pop(), cls = pop();
                tuple(args, "NEWOBJ arguments");
                if (cls instanceof PyClass c) push(new PyInstance(c));
                else if (cls instanceof PyOpaque o) push(new PyOpaque(o.description() + "()"));
                else throw err("NEWOBJ on " + describe(cls) + " is not allowed (only TorchScript classes)");
            }
            case 0x62 -> build(pop(), peek());                                // BUILD
            case 0x51 -> push(resolver.persistentLoad(pop()));                // BINPERSID
            default -> throw new CheckpointException(Reason.BAD_PICKLE, source, "pickle opcode " + opName(op)
                    + " (" + hex(op) + ") at offset " + opStart + " (" + opName(op) + ") is not supported by this"
                    + " restricted reader (§3)");
        }
    }

    private Object global(String module, String name) {
        return resolver.global(module, name);
    }

    private Object call(Object f, PyTuple args) {
        if (f instanceof PyCallable c) return c.call(args);
        if (f instanceof PyClass k) { // TorchScript enum value / class via REDUCE (§4.5, §9.2)
            PyInstance inst = new PyInstance(k);
            inst.args = args;
            return inst;
        }
        if (f instanceof PyOpaque o) return new PyOpaque(o.description() + "(...)");
        throw err("REDUCE on " + describe(f) + ", which is not callable");
    }

    @SuppressWarnings("unchecked")
    private void build(Object state, Object target) {
        if (target instanceof PyInstance inst) {
            if (state instanceof Map<?, ?> m && m.keySet().stream().allMatch(k -> k instanceof String)) {
                inst.attrs.putAll((Map<String, Object>) m);
            } else {
                inst.state = state;
            }
        } else if (target instanceof Map<?, ?>) {
            // OrderedDict state (§2.8): the _metadata attribute of state dicts; dropped
        } else if (!(target instanceof PyOpaque)) {
            throw err("BUILD on " + describe(target) + " is not allowed");
        }
    }

    private void putPairs(Map<Object, Object> d, List<Object> kv) {
        if (kv.size() % 2 != 0) throw err("odd number of items for a dict");
        for (int i = 0; i < kv.size(); i += 2) d.put(key(kv.get(i)), kv.get(i + 1));
    }

    private Object key(Object k) {
        try {
            return hashableKey(k);
        } catch (CheckpointException e) {
            throw new CheckpointException(e.reason(), source, e.detail() + " at offset " + opStart + " (" + opName(op) + ")");
        }
    }

    /** Maximum nesting of tuples used as dict keys or set items (their hashing is recursive). */
    static final int MAX_KEY_DEPTH = 32;

    /**
     * Checks that {@code k} can serve as a map key / set item: None, str, int, float, bool, or a tuple of those
     * nested at most {@link #MAX_KEY_DEPTH} deep (bounding the recursion of hashCode/equals).
     */
    static Object hashableKey(Object k) {
        checkHashable(k, 0);
        return k;
    }

    private static void checkHashable(Object k, int depth) {
        if (k == null || k instanceof String || k instanceof Long || k instanceof Boolean || k instanceof Double
                || k instanceof BigInteger) return;
        if (k instanceof PyTuple t) {
            if (depth >= MAX_KEY_DEPTH) throw new CheckpointException(Reason.LIMIT_EXCEEDED,
                    "tuple key nested deeper than " + MAX_KEY_DEPTH);
            for (Object o : t.items()) checkHashable(o, depth + 1);
            return;
        }
        throw new CheckpointException(Reason.BAD_PICKLE, "unhashable dict key or set item of type " + typeName(k));
    }

    /** A short, non-recursive rendering of a value for error messages. */
    static String brief(Object o) {
        if (o instanceof String s) return "'" + (s.length() > 80 ? s.substring(0, 80) + "..." : s) + "'";
        if (o instanceof Long || o instanceof Boolean || o instanceof Double) return String.valueOf(o);
        return describe(o);
    }

    // ------------------------------------------------------------------------------------------------------------
    // stack and memo

    private void push(Object o) {
        if (stack.size() >= limits.maxStack) throw limit("stack deeper than " + limits.maxStack);
        stack.add(o);
    }

    private Object pop() {
        if (stack.isEmpty()) throw err("stack underflow");
        Object o = stack.removeLast();
        if (o == MARK) throw err("unexpected MARK on the stack");
        return o;
    }

    private Object peek() {
        if (stack.isEmpty() || stack.getLast() == MARK) throw err("stack underflow");
        return stack.getLast();
    }

    private List<Object> popToMark() {
        if (marks.isEmpty()) throw err("no MARK on the stack");
        int m = marks.removeLast();
        List<Object> sub = stack.subList(m + 1, stack.size());
        List<Object> items = new ArrayList<>(sub);
        stack.subList(m, stack.size()).clear();
        return items;
    }

    private void memoPut(long index) {
        if (memo.size() >= limits.maxMemo && !memo.containsKey(index))
            throw limit("memo larger than " + limits.maxMemo + " entries");
        memo.put(index, peek());
    }

    private Object memoGet(long index) {
        if (!memo.containsKey(index)) throw err("memo index " + index + " was never stored");
        return memo.get(index);
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o) {
        if (o instanceof ArrayList<?> l) return (List<Object>) l;
        throw err("APPEND(S) on a " + typeName(o) + ", not a list");
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object o) {
        if (o instanceof LinkedHashMap<?, ?> m) return (Map<Object, Object>) m;
        throw err("SETITEM(S) on a " + typeName(o) + ", not a dict");
    }

    private PyTuple tuple(Object o, String what) {
        if (o instanceof PyTuple t) return t;
        throw err(what + " must be a tuple, got " + typeName(o));
    }

    // ------------------------------------------------------------------------------------------------------------
    // operand decoding; every length is checked against the remaining bytes

    private int advance(int n) {
        if (n > buf.limit() - pos) throw truncated(n + "-byte operand");
        int p = pos;
        pos += n;
        return p;
    }

    private int u8() { return buf.get(advance(1)) & 0xFF; }

    private long u32() { return buf.getInt(advance(4)) & 0xFFFFFFFFL; }

    private long i64() { return buf.getLong(advance(8)); }

    private Object longBytes(int n) {
        byte[] le = new byte[n];
        buf.get(advance(n), le);
        if (n == 0) return 0L;
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) be[i] = le[n - 1 - i];
        BigInteger v = new BigInteger(be); // two's complement
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private byte[] rawBytes(long n) {
        if (n < 0 || n > limits.maxStringBytes) throw limit("string/bytes of " + n + " bytes");
        if (n > buf.limit() - pos) throw truncated(n + "-byte string");
        byte[] b = new byte[(int) n];
        buf.get(advance((int) n), b);
        return b;
    }

    private String utf8(long n) { return new String(rawBytes(n), StandardCharsets.UTF_8); }

    private String latin1(long n) { return new String(rawBytes(n), StandardCharsets.ISO_8859_1); }

    private byte[] bytes(long n) { return rawBytes(n); }

    private String line() {
        int start = pos;
        int max = Math.min(buf.limit(), pos + 1024);
        for (int p = pos; p < max; p++) {
            if (buf.get(p) == '\n') {
                byte[] b = new byte[p - start];
                buf.get(start, b);
                pos = p + 1;
                return new String(b, StandardCharsets.UTF_8);
            }
        }
        if (max == buf.limit()) throw truncated("GLOBAL name");
        throw limit("GLOBAL name longer than 1024 bytes");
    }

    // ------------------------------------------------------------------------------------------------------------
    // errors

    private CheckpointException err(String m) {
        return new CheckpointException(Reason.BAD_PICKLE, source, m + " at offset " + opStart + " (" + opName(op) + ")");
    }

    private CheckpointException truncated(String what) {
        return new CheckpointException(Reason.TRUNCATED, source, "pickle ends inside a " + what + " at offset "
                + opStart + " (" + opName(op) + "): truncated?");
    }

    private CheckpointException limit(String m) {
        return new CheckpointException(Reason.LIMIT_EXCEEDED, source, m + " at offset " + opStart + " (" + opName(op) + ")");
    }

    static String typeName(Object o) {
        if (o == null) return "None";
        if (o == MARK) return "MARK";
        if (o instanceof PyInstance i) return i.type.qualifiedName();
        return o.getClass().getSimpleName();
    }

    static String describe(Object o) {
        if (o instanceof PyGlobalRef g) return g.module() + "." + g.name();
        if (o instanceof PyClass c) return c.qualifiedName();
        return typeName(o);
    }

    private static String hex(int op) { return String.format("0x%02X", op); }

    /** Opcode names from CPython's pickle.py, for messages. */
    public static String opName(int op) {
        return switch (op) {
            case 0x80 -> "PROTO"; case 0x95 -> "FRAME"; case 0x2E -> "STOP"; case 0x28 -> "MARK";
            case 0x63 -> "GLOBAL"; case 0x93 -> "STACK_GLOBAL"; case 0x71 -> "BINPUT"; case 0x72 -> "LONG_BINPUT";
            case 0x94 -> "MEMOIZE"; case 0x68 -> "BINGET"; case 0x6A -> "LONG_BINGET"; case 0x29 -> "EMPTY_TUPLE";
            case 0x74 -> "TUPLE"; case 0x85 -> "TUPLE1"; case 0x86 -> "TUPLE2"; case 0x87 -> "TUPLE3";
            case 0x5D -> "EMPTY_LIST"; case 0x61 -> "APPEND"; case 0x65 -> "APPENDS"; case 0x6C -> "LIST";
            case 0x7D -> "EMPTY_DICT"; case 0x73 -> "SETITEM"; case 0x75 -> "SETITEMS"; case 0x64 -> "DICT";
            case 0x8F -> "EMPTY_SET"; case 0x90 -> "ADDITEMS"; case 0x91 -> "FROZENSET"; case 0x4E -> "NONE";
            case 0x88 -> "NEWTRUE"; case 0x89 -> "NEWFALSE"; case 0x4B -> "BININT1"; case 0x4D -> "BININT2";
            case 0x4A -> "BININT"; case 0x8A -> "LONG1"; case 0x8B -> "LONG4"; case 0x47 -> "BINFLOAT";
            case 0x58 -> "BINUNICODE"; case 0x8C -> "SHORT_BINUNICODE"; case 0x8D -> "BINUNICODE8";
            case 0x55 -> "SHORT_BINSTRING"; case 0x54 -> "BINSTRING"; case 0x43 -> "SHORT_BINBYTES";
            case 0x42 -> "BINBYTES"; case 0x8E -> "BINBYTES8"; case 0x96 -> "BYTEARRAY8"; case 0x52 -> "REDUCE";
            case 0x81 -> "NEWOBJ"; case 0x92 -> "NEWOBJ_EX"; case 0x62 -> "BUILD"; case 0x51 -> "BINPERSID";
            case 0x50 -> "PERSID"; case 0x49 -> "INT"; case 0x4C -> "LONG"; case 0x53 -> "STRING";
            case 0x56 -> "UNICODE"; case 0x46 -> "FLOAT"; case 0x70 -> "PUT"; case 0x67 -> "GET";
            case 0x69 -> "INST"; case 0x6F -> "OBJ"; case 0x30 -> "POP"; case 0x31 -> "POP_MARK"; case 0x32 -> "DUP";
            case 0x82 -> "EXT1"; case 0x83 -> "EXT2"; case 0x84 -> "EXT4"; case 0x97 -> "NEXT_BUFFER";
            case 0x98 -> "READONLY_BUFFER";
            default -> "unknown opcode";
        };
    }
}
