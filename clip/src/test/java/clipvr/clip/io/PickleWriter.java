package clipvr.clip.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Test helper: assembles pickle byte streams opcode by opcode (CPython's opcode values, §3). */
final class PickleWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PickleWriter op(int b) { out.write(b); return this; }

    PickleWriter raw(byte[] b) { out.writeBytes(b); return this; }

    private PickleWriter le(long v, int n) {
        for (int i = 0; i < n; i++) out.write((int) (v >>> (8 * i)));
        return this;
    }

    PickleWriter proto(int p) { return op(0x80).op(p); }
    PickleWriter stop() { return op('.'); }
    PickleWriter mark() { return op('('); }
    PickleWriter tuple() { return op('t'); }
    PickleWriter tuple1() { return op(0x85); }
    PickleWriter tuple2() { return op(0x86); }
    PickleWriter tuple3() { return op(0x87); }
    PickleWriter emptyTuple() { return op(')'); }
    PickleWriter emptyDict() { return op('}'); }
    PickleWriter emptyList() { return op(']'); }
    PickleWriter setitem() { return op('s'); }
    PickleWriter setitems() { return op('u'); }
    PickleWriter append() { return op('a'); }
    PickleWriter appends() { return op('e'); }
    PickleWriter reduce() { return op('R'); }
    PickleWriter newobj() { return op(0x81); }
    PickleWriter build() { return op('b'); }
    PickleWriter binpersid() { return op('Q'); }
    PickleWriter none() { return op('N'); }
    PickleWriter bool(boolean b) { return op(b ? 0x88 : 0x89); }
    PickleWriter memoize() { return op(0x94); }
    PickleWriter binput(int i) { return i < 256 ? op('q').op(i) : op('r').le(i, 4); }
    PickleWriter binget(int i) { return i < 256 ? op('h').op(i) : op('j').le(i, 4); }

    PickleWriter global(String module, String name) {
        op('c');
        raw((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
        return this;
    }

    PickleWriter stackGlobal(String module, String name) { return shortStr(module).shortStr(name).op(0x93); }

    PickleWriter str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return op('X').le(b.length, 4).raw(b);
    }

    PickleWriter shortStr(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return op(0x8C).op(b.length).raw(b);
    }

    PickleWriter bytes(byte[] b) { return op('B').le(b.length, 4).raw(b); }

    PickleWriter binfloat(double d) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putDouble(d);
        return op('G').raw(b.array());
    }

    /** Integers as Python's pickler writes them: BININT1, BININT2, BININT, else LONG1. */
    PickleWriter integer(long v) {
        if (v >= 0 && v < 256) return op('K').op((int) v);
        if (v >= 0 && v < 65536) return op('M').le(v, 2);
        if (v == (int) v) return op('J').le(v, 4);
        return op(0x8A).op(8).le(v, 8);
    }

    PickleWriter ints(long... v) {
        if (v.length == 0) return emptyTuple();
        mark();
        for (long x : v) integer(x);
        return tuple();
    }

    /** {@code collections.OrderedDict()} (empty): GLOBAL, EMPTY_TUPLE, REDUCE. */
    PickleWriter orderedDict() { return global("collections", "OrderedDict").emptyTuple().reduce(); }

    /** Persistent id of the zip format: MARK "storage" GLOBAL torch <cls> key location numel TUPLE BINPERSID (§2.4). */
    PickleWriter storage(String cls, String key, long numel) {
        return mark().str("storage").global(cls.startsWith("Untyped") ? "torch.storage" : "torch", cls).str(key)
                .str("cpu").integer(numel).tuple().binpersid();
    }

    /** {@code _rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())} (§2.6). */
    PickleWriter tensorV2(String cls, String key, long numel, long offset, long[] size, long[] stride) {
        global("torch._utils", "_rebuild_tensor_v2").mark();
        storage(cls, key, numel);
        integer(offset).ints(size).ints(stride).bool(false).orderedDict();
        return tuple().reduce();
    }

    byte[] toBytes() { return out.toByteArray(); }
}
