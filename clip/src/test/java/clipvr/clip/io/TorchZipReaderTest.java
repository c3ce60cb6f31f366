package clipvr.clip.io;

import clipvr.clip.io.CheckpointException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Hand-built torch.save-like zips (§2): byte order, strided views, shared storages, nesting, v3, ZIP64, deflate. */
class TorchZipReaderTest {

    static byte[] floats(ByteOrder order, float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(order);
        for (float f : v) b.putFloat(f);
        return b.array();
    }

    static float[] range(int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = i + 0.5f;
        return f;
    }

    static Path write(Path dir, String name, byte[] bytes) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    /**
     * {"state_dict": {"module.a": 2x3 contiguous, "module.b": transposed view of the same storage (shared),
     * "module.c": offset-2 slice [2] of the same storage, "module.h": half scalar}, "epoch": 3}
     */
    static byte[] statePickle() {
        PickleWriter w = new PickleWriter().proto(2).emptyDict().mark()
                .str("epoch").integer(3)
                .str("state_dict").orderedDict().mark();
        w.str("module.a").tensorV2("FloatStorage", "0", 6, 0, new long[]{2, 3}, new long[]{3, 1});
        w.str("module.b").tensorV2("FloatStorage", "0", 6, 0, new long[]{3, 2}, new long[]{1, 3});
        w.str("module.c").tensorV2("FloatStorage", "0", 6, 2, new long[]{2}, new long[]{2});
        w.str("module.h").tensorV2("HalfStorage", "1", 1, 0, new long[]{}, new long[]{});
        w.str("module.inner").emptyDict().str("deep").tensorV2("LongStorage", "2", 2, 0, new long[]{2}, new long[]{1}).setitem();
        return w.setitems().setitems().stop().toBytes();
    }

    @Test void bigEndianStridedSharedNested(@TempDir Path dir) throws Exception {
        ByteOrder be = ByteOrder.BIG_ENDIAN;
        byte[] half = ByteBuffer.allocate(2).order(be).putShort(Float.floatToFloat16(1.5f)).array();
        byte[] longs = ByteBuffer.allocate(16).order(be).putLong(7).putLong(-9).array();
        byte[] zip = new ZipBuilder(true, true)
                .add("my_ckpt/data.pkl", statePickle())
                .add("my_ckpt/byteorder", "big")
                .add("my_ckpt/data/0", floats(be, range(6)))
                .add("my_ckpt/data/1", half)
                .add("my_ckpt/data/2", longs)
                .add("my_ckpt/version", "3\n")
                .add("my_ckpt/.data/serialization_id", "1234567890123456789012345678901234567890")
                .toBytes();
        Checkpoint c = CheckpointReader.read(write(dir, "ckpt.pt", zip));
        assertEquals(Checkpoint.Format.TORCH_ZIP, c.format());
        assertEquals("my_ckpt", c.archivePrefix());
        assertEquals("big", c.metadata().get("byteorder"));
        assertEquals(List.of("a", "b", "c", "h", "inner.deep"), List.copyOf(c.tensors().keySet()));
        assertArrayEquals(new float[]{0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f}, c.tensor("a").toFloatArray());
        assertArrayEquals(new float[]{0.5f, 3.5f, 1.5f, 4.5f, 2.5f, 5.5f}, c.tensor("b").toFloatArray());
        assertArrayEquals(new long[]{3, 2}, c.tensor("b").shape());
        assertArrayEquals(new float[]{2.5f, 4.5f}, c.tensor("c").toFloatArray());
        assertEquals(1.5f, c.tensor("h").toFloatArray()[0]);
        assertArrayEquals(new long[]{7, -9}, c.tensor("inner.deep").toLongArray());
        assertTrue(c.notes().stream().anyMatch(n -> n.contains("state_dict")));
        assertTrue(c.notes().stream().anyMatch(n -> n.contains("module.")));
        assertEquals("2".equals(c.metadata().get("storages")) ? 2 : 3, Integer.parseInt(c.metadata().get("storages")));
    }

    @Test void littleEndianContiguousIsZeroCopyAndDeflateWorks(@TempDir Path dir) throws Exception {
        PickleWriter w = new PickleWriter().proto(2).orderedDict().mark();
        w.str("x").tensorV2("FloatStorage", "7", 4, 0, new long[]{4}, new long[]{1});
        w.str("p").global("torch._utils", "_rebuild_parameter").mark()
                .tensorV2("FloatStorage", "7", 4, 1, new long[]{2}, new long[]{1}).bool(true).orderedDict().tuple().reduce();
        w.setitems().stop();
        byte[] zip = new ZipBuilder(false, false)
                .add("archive/data.pkl", w.toBytes(), true)
                .add("archive/data/7", floats(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4), true)
                .add("archive/version", "3\n").toBytes();
        Checkpoint c = CheckpointReader.read(write(dir, "x.pt", zip));
        assertEquals("archive", c.archivePrefix());
        assertArrayEquals(new float[]{1, 2, 3, 4}, c.tensor("x").toFloatArray());
        assertArrayEquals(new float[]{2, 3}, c.tensor("p").toFloatArray());
        assertNull(c.metadata().get("byteorder"));
    }

    @Test void protocol4AndRebuildV3WithUntypedStorage(@TempDir Path dir) throws Exception {
        PickleWriter w = new PickleWriter().proto(4).emptyDict().memoize().mark().shortStr("u")
                .stackGlobal("torch._utils", "_rebuild_tensor_v3").memoize().mark();
        w.mark().shortStr("storage").stackGlobal("torch", "UntypedStorage").shortStr("0").shortStr("cpu").integer(8)
                .tuple().binpersid();
        w.integer(1).ints(3).ints(1).bool(false).orderedDict().stackGlobal("torch", "bfloat16").tuple().reduce();
        w.setitems().stop();
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : new float[]{9, 1, -2, 3.5f}) b.putShort(RawTensor.floatToBFloat16(f));
        byte[] zip = new ZipBuilder(true, false).add("v3/data.pkl", w.toBytes()).add("v3/data/0", b.array())
                .add("v3/version", "3").toBytes();
        RawTensor u = CheckpointReader.read(write(dir, "v3.pt", zip)).tensor("u");
        assertEquals(StorageDType.BF16, u.dtype());
        assertArrayEquals(new float[]{1, -2, 3.5f}, u.toFloatArray());
    }

    @Test void badArchivesGiveCleanErrors(@TempDir Path dir) throws Exception {
        byte[] pk = new PickleWriter().proto(2).emptyDict().str("x")
                .tensorV2("FloatStorage", "0", 4, 2, new long[]{2, 2}, new long[]{2, 1}).setitem().stop().toBytes();
        // view reaches beyond the storage
        byte[] oob = new ZipBuilder(true, false).add("a/data.pkl", pk).add("a/data/0", new byte[16]).toBytes();
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointReader.read(write(dir, "oob.pt", oob)));
        assertTrue(e.getMessage().contains("'x'") && e.getMessage().contains("outside its storage"), e.getMessage());
        // record size differs from numel x element size
        byte[] size = new ZipBuilder(true, false).add("a/data.pkl", pk).add("a/data/0", new byte[12]).toBytes();
        e = assertThrows(CheckpointException.class, () -> CheckpointReader.read(write(dir, "size.pt", size)));
        assertTrue(e.getMessage().contains("a/data/0") && e.getMessage().contains("12 bytes"), e.getMessage());
        // a record outside the archive folder
        byte[] outside = new ZipBuilder(true, false).add("a/data.pkl", pk).add("b/data/0", new byte[16]).toBytes();
        e = assertThrows(CheckpointException.class, () -> CheckpointReader.read(write(dir, "outside.pt", outside)));
        assertTrue(e.getMessage().contains("outside the archive folder"), e.getMessage());
        // no folder at all
        byte[] flat = new ZipBuilder(false, false).add("data.pkl", pk).toBytes();
        e = assertThrows(CheckpointException.class, () -> CheckpointReader.read(write(dir, "flat.pt", flat)));
        assertTrue(e.getMessage().contains("not in a subdirectory"), e.getMessage());
        // newer version only warns
        byte[] ok = new PickleWriter().proto(2).emptyDict().str("x")
                .tensorV2("FloatStorage", "0", 1, 0, new long[]{1}, new long[]{1}).setitem().stop().toBytes();
        byte[] v9 = new ZipBuilder(true, false).add("a/data.pkl", ok).add("a/data/0", new byte[4]).add("a/version", "9\n").toBytes();
        Checkpoint c = CheckpointReader.read(write(dir, "v9.pt", v9));
        assertTrue(c.notes().stream().anyMatch(n -> n.contains("version 9")), c.notes()::toString);
        // conj bit in tensor metadata is rejected
        PickleWriter conj = new PickleWriter().proto(2).emptyDict().str("x").global("torch._utils", "_rebuild_tensor_v2").mark();
        conj.storage("FloatStorage", "0", 1).integer(0).ints(1).ints(1).bool(false).orderedDict()
                .emptyDict().str("conj").bool(true).setitem().tuple().reduce().setitem().stop();
        byte[] cz = new ZipBuilder(true, false).add("a/data.pkl", conj.toBytes()).add("a/data/0", new byte[4]).toBytes();
        e = assertThrows(CheckpointException.class, () -> CheckpointReader.read(write(dir, "conj.pt", cz)));
        assertTrue(e.getMessage().contains("conj"), e.getMessage());
        // forbidden global inside data.pkl names the file and the global
        byte[] evil = new PickleWriter().proto(2).global("os", "system").str("rm -rf /").tuple1().reduce().stop().toBytes();
        byte[] ez = new ZipBuilder(true, false).add("a/data.pkl", evil).toBytes();
        e = assertThrows(CheckpointException.class, () -> CheckpointReader.read(write(dir, "evil.pt", ez)));
        assertEquals(Reason.FORBIDDEN_GLOBAL, e.reason());
        assertTrue(e.getMessage().contains("evil.pt") && e.getMessage().contains("os.system"), e.getMessage());
    }

    @Test void trainingCheckpointNeedsLenientMode(@TempDir Path dir) throws Exception {
        PickleWriter w = new PickleWriter().proto(2).emptyDict().mark().str("args")
                .global("argparse", "Namespace").emptyTuple().newobj().emptyDict().build()
                .str("state_dict").emptyDict().str("w");
        w.tensorV2("FloatStorage", "0", 1, 0, new long[]{1}, new long[]{1}).setitem().setitems().stop();
        Path f = write(dir, "train.pt", new ZipBuilder(true, false).add("t/data.pkl", w.toBytes())
                .add("t/data/0", floats(ByteOrder.LITTLE_ENDIAN, 4)).toBytes());
        assertEquals(Reason.FORBIDDEN_GLOBAL, assertThrows(CheckpointException.class, () -> CheckpointReader.read(f)).reason());
        Checkpoint c = CheckpointReader.read(f, ReadOptions.LENIENT);
        assertEquals(4f, c.tensor("w").toFloatArray()[0]);
    }

    @Test void zipArchiveOffsetsComeFromLocalHeaders() {
        byte[] z = new ZipBuilder(true, true).add("p/a", new byte[]{1, 2, 3}).add("p/b", "hello world".repeat(30).getBytes(), true).toBytes();
        ZipArchive a = ZipArchive.of(java.lang.foreign.MemorySegment.ofArray(z), Path.of("mem.zip"));
        assertEquals(2, a.entries().size());
        ZipArchive.Entry e = a.entry("p/a");
        assertEquals(0, a.dataOffset(e) % 64);
        ByteBuffer d = a.read(e);
        assertEquals(3, d.remaining());
        assertEquals(2, d.get(1));
        assertEquals("hello world".repeat(30), new String(bytes(a.read(a.entry("p/b")))));
        assertEquals(8, a.entry("p/b").method());
    }

    @Test void corruptDeflateIsAnError() {
        byte[] z = new ZipBuilder(false, false).add("p/b", "hello world".repeat(30).getBytes(), true).toBytes();
        z[40] ^= 0x55; // inside the deflated data
        ZipArchive a = ZipArchive.of(java.lang.foreign.MemorySegment.ofArray(z), Path.of("mem.zip"));
        assertThrows(CheckpointException.class, () -> a.read(a.entry("p/b")));
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }
}
