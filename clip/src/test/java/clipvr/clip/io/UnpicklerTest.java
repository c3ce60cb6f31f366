package clipvr.clip.io;

import clipvr.clip.io.CheckpointException.Reason;
import clipvr.clip.io.Unpickler.PyTuple;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The restricted pickle VM (§3, §9): decoding, the closed GLOBAL set, rejected opcodes and limits. */
class UnpicklerTest {

    static final Path SRC = Path.of("test.pkl");

    static Object load(byte[] b, boolean lenient, Unpickler.Limits limits) {
        TorchPickleResolver r = new TorchPickleResolver(SRC, false, lenient, (k, d, n, v) -> {
            throw new AssertionError("no storages here");
        });
        return Unpickler.load(ByteBuffer.wrap(b), r, limits, SRC);
    }

    static Object load(byte[] b) { return load(b, false, Unpickler.Limits.DEFAULT); }

    static CheckpointException fails(byte[] b, boolean lenient) {
        return assertThrows(CheckpointException.class, () -> load(b, lenient, Unpickler.Limits.DEFAULT));
    }

    @Test void decodesProtocol2Values() {
        byte[] p = new PickleWriter().proto(2).emptyDict().binput(0).mark()
                .str("ints").mark().integer(7).integer(300).integer(-5).integer(1L << 40).integer(-(1L << 40)).op('l').binput(1)
                .str("float").binfloat(-2.5)
                .str("tuple").str("a").none().bool(true).tuple3()
                .str("again").binget(1)
                .str("bytes").bytes(new byte[]{1, 2})
                .setitems().stop().toBytes();
        @SuppressWarnings("unchecked") Map<String, Object> m = (Map<String, Object>) load(p);
        assertEquals(List.of(7L, 300L, -5L, 1L << 40, -(1L << 40)), m.get("ints"));
        assertSame(m.get("ints"), m.get("again"));
        assertEquals(-2.5, m.get("float"));
        assertEquals(PyTuple.of("a", null, true), m.get("tuple"));
        assertArrayEquals(new byte[]{1, 2}, (byte[]) m.get("bytes"));
    }

    @Test void bigLongsAndBinint2IsUnsigned() {
        // LONG1 with 10 bytes: the legacy magic number (§1)
        byte[] magic = java.util.HexFormat.of().parseHex("80028a0a6cfc9c46f9206aa850192e");
        assertEquals(new BigInteger("1950a86a20f9469cfc6c", 16), load(magic));
        assertEquals(65535L, load(new byte[]{(byte) 0x80, 2, 'M', (byte) 0xFF, (byte) 0xFF, '.'}));
        assertEquals(0L, load(new byte[]{(byte) 0x80, 2, (byte) 0x8A, 0, '.'}));
    }

    @Test void protocol4FramesMemoizeAndStackGlobal() {
        PickleWriter body = new PickleWriter().stackGlobal("collections", "OrderedDict").memoize().emptyTuple()
                .reduce().memoize().mark().shortStr("k").memoize().integer(1).setitems().stop();
        byte[] b = body.toBytes();
        PickleWriter w = new PickleWriter().proto(4).op(0x95);
        for (int i = 0; i < 8; i++) w.op(i == 0 ? b.length : 0);
        Object o = load(w.raw(b).toBytes());
        assertEquals(Map.of("k", 1L), o);
    }

    @Test void forbiddenGlobalsAreNamed() {
        String[][] bad = {{"os", "system"}, {"builtins", "eval"}, {"builtins", "exec"}, {"builtins", "getattr"},
                {"subprocess", "Popen"}, {"__main__", "Evil"}, {"posix", "system"}, {"numpy.core.multiarray", "_reconstruct"},
                {"torch._utils", "_rebuild_qtensor"}, {"torch.jit._pickle", "build_tensor_from_id"}};
        for (String[] g : bad) {
            byte[] p = new PickleWriter().proto(2).global(g[0], g[1]).str("echo pwned").tuple1().reduce().stop().toBytes();
            CheckpointException e = fails(p, false);
            assertEquals(Reason.FORBIDDEN_GLOBAL, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains(g[0] + "." + g[1]), e.getMessage());
            assertTrue(e.getMessage().contains("offset 2"), e.getMessage());
            assertTrue(e.getMessage().contains("test.pkl"), e.getMessage());
        }
        // STACK_GLOBAL (protocol 4) goes through the same gate
        byte[] p4 = new PickleWriter().proto(4).stackGlobal("os", "system").stop().toBytes();
        assertTrue(fails(p4, false).getMessage().contains("os.system"));
    }

    @Test void lenientModeMakesPlaceholdersButStillBlocksDangerousModules() {
        byte[] ns = new PickleWriter().proto(2).emptyDict().str("args").global("argparse", "Namespace").emptyTuple()
                .newobj().emptyDict().str("lr").binfloat(0.1).setitem().build().setitem().stop().toBytes();
        assertEquals(Reason.FORBIDDEN_GLOBAL, fails(ns, false).reason());
        Map<?, ?> m = (Map<?, ?>) load(ns, true, Unpickler.Limits.DEFAULT);
        assertInstanceOf(Unpickler.PyOpaque.class, m.get("args"));
        byte[] os = new PickleWriter().proto(2).global("os", "system").stop().toBytes();
        assertEquals(Reason.FORBIDDEN_GLOBAL, fails(os, true).reason());
        byte[] torchOther = new PickleWriter().proto(2).global("torch", "load").stop().toBytes();
        assertEquals(Reason.FORBIDDEN_GLOBAL, fails(torchOther, true).reason());
    }

    @Test void legacyAndUnsafeOpcodesAreRejected() {
        int[] ops = {'i', 'o', 'I', 'L', 'S', 'V', 'F', 'p', 'g', 'P', '0', '1', '2', 0x82, 0x92, 0x97, 0x98};
        for (int op : ops) {
            byte[] p = {(byte) 0x80, 2, 'K', 1, (byte) op, '.'};
            CheckpointException e = fails(p, true);
            assertTrue(e.getMessage().contains("offset 4"), e.getMessage());
            assertTrue(e.getMessage().contains(Unpickler.opName(op)), e.getMessage());
        }
        assertTrue(fails(new byte[]{(byte) 0x80, 1, '.'}, false).getMessage().contains("protocol 1"));
    }

    @Test void reduceAndBuildRestrictions() {
        // REDUCE on a non-callable (a string), BUILD on a list, APPEND on a dict, persistent id not "storage"
        assertEquals(Reason.BAD_PICKLE, fails(new PickleWriter().proto(2).str("x").emptyTuple().reduce().stop().toBytes(), false).reason());
        assertEquals(Reason.BAD_PICKLE, fails(new PickleWriter().proto(2).emptyList().emptyDict().build().stop().toBytes(), false).reason());
        assertEquals(Reason.BAD_PICKLE, fails(new PickleWriter().proto(2).emptyDict().integer(1).append().stop().toBytes(), false).reason());
        CheckpointException e = fails(new PickleWriter().proto(2).mark().str("module").str("x").tuple().binpersid().stop().toBytes(), false);
        assertTrue(e.getMessage().contains("'module'"), e.getMessage());
        // torch.Tensor is an inert marker: it cannot be instantiated
        assertEquals(Reason.BAD_PICKLE, fails(new PickleWriter().proto(2).global("torch", "Tensor").emptyTuple().newobj().stop().toBytes(), false).reason());
    }

    @Test void recursiveStructuresCannotOverflowTheJavaStack(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        // a tuple nested 100,000 deep used as a dict key: hashing it would recurse
        PickleWriter deep = new PickleWriter().proto(2).emptyDict().emptyTuple();
        for (int i = 0; i < 100_000; i++) deep.tuple1();
        deep.none().setitem().stop();
        assertEquals(Reason.LIMIT_EXCEEDED, fails(deep.toBytes(), false).reason());
        // a dict that contains itself, saved as a torch.save state dict: flattening must stop
        byte[] self = new PickleWriter().proto(2).emptyDict().binput(0).str("me").binget(0).setitem().stop().toBytes();
        Path f = dir.resolve("self.pt");
        java.nio.file.Files.write(f, new ZipBuilder(true, false).add("s/data.pkl", self).toBytes());
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointReader.read(f));
        assertEquals(Reason.LIMIT_EXCEEDED, e.reason(), e.getMessage());
    }

    @Test void truncationAndLimits() {
        assertEquals(Reason.TRUNCATED, fails(new byte[]{(byte) 0x80, 2, 'X', 10, 0, 0, 0, 'a'}, false).reason());
        assertEquals(Reason.TRUNCATED, fails(new byte[]{(byte) 0x80, 2, 'K', 1}, false).reason());
        assertEquals(Reason.TRUNCATED, fails(new byte[]{(byte) 0x80, 2, 'c', 'o', 's'}, false).reason());
        byte[] huge = {(byte) 0x80, 2, (byte) 0x8D, -1, -1, -1, -1, -1, -1, -1, 0x7F, '.'};
        assertEquals(Reason.LIMIT_EXCEEDED, fails(huge, false).reason());
        Unpickler.Limits small = new Unpickler.Limits(1 << 20, 100, 5, 10, 1 << 20);
        PickleWriter deep = new PickleWriter().proto(2);
        for (int i = 0; i < 200; i++) deep.emptyList();
        CheckpointException e = assertThrows(CheckpointException.class, () -> load(deep.stop().toBytes(), false, small));
        assertEquals(Reason.LIMIT_EXCEEDED, e.reason());
        PickleWriter memo = new PickleWriter().proto(2).none();
        for (int i = 0; i < 10; i++) memo.binput(i);
        assertEquals(Reason.LIMIT_EXCEEDED, assertThrows(CheckpointException.class,
                () -> load(memo.stop().toBytes(), false, small)).reason());
        PickleWriter marks = new PickleWriter().proto(2);
        for (int i = 0; i < 20; i++) marks.mark();
        assertEquals(Reason.LIMIT_EXCEEDED, assertThrows(CheckpointException.class,
                () -> load(marks.stop().toBytes(), false, small)).reason());
        assertEquals(Reason.BAD_PICKLE, fails(new PickleWriter().proto(2).binget(3).stop().toBytes(), false).reason());
        assertEquals(Reason.BAD_PICKLE, fails(new PickleWriter().proto(2).none().stop().none().toBytes(), false).reason());
    }
}
