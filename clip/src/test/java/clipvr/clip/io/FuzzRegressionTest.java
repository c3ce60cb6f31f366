package clipvr.clip.io;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Reproducers of the reader bugs found by {@link CheckpointFuzzTest} (and by the review that followed each one),
 * kept as plain regression tests. Each names the bug it pins down; before the fix each threw an unchecked JVM
 * exception or allocated memory in proportion to a size the file merely claimed.
 */
class FuzzRegressionTest {

    static final Path F = Path.of("regression.bin");

    static CheckpointException readZip(byte[] zip) {
        return assertThrows(CheckpointException.class,
                () -> TorchZipReader.read(ZipArchive.of(MemorySegment.ofArray(zip), F), ReadOptions.DEFAULT));
    }

    static int find(byte[] b, int sig) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (int p = b.length - 4; p >= 0; p--) if (bb.getInt(p) == sig) return p;
        throw new AssertionError("signature not found");
    }

    /** Bug 1 (fuzz): ZIP64 central-directory offset near Long.MAX_VALUE: offset + size overflowed, IOOBE. */
    @Test void zip64CentralDirectoryOffsetOverflow() {
        byte[] zip = CheckpointFuzzTest.torchZipSeed(false, 2);
        int z = find(zip, 0x06064b50);
        ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN).putLong(z + 48, Long.MAX_VALUE);
        CheckpointException e = readZip(zip);
        assertTrue(e.getMessage().contains("regression.bin") && e.getMessage().contains("central directory"), e.getMessage());
    }

    /** Bug 2 (review of bug 1): ZIP64 locator pointing near Long.MAX_VALUE: z + 56 overflowed. */
    @Test void zip64LocatorOverflow() {
        byte[] zip = CheckpointFuzzTest.torchZipSeed(false, 2);
        int l = find(zip, 0x07064b50);
        ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN).putLong(l + 8, Long.MAX_VALUE - 20);
        assertEquals(CheckpointException.Reason.BAD_ZIP, readZip(zip).reason());
    }

    /** Bug 3 (review): a compressed size near Long.MAX_VALUE made data + size overflow past the bounds check. */
    @Test void compressedSizeOverflow() {
        byte[] zip = new ZipBuilder(false, true).add("p/data.pkl", new byte[]{(byte) 0x80, 2, 'N', '.'}, true)
                .add("p/version", "3\n").toBytes();
        int c = find(zip, 0x02014b50); // last central entry = version; patch the first (data.pkl) instead
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        for (int p = 0; p < zip.length - 4; p++) if (b.getInt(p) == 0x02014b50) { c = p; break; }
        b.putInt(c + 20, -1); // 0xFFFFFFFF: take it from the ZIP64 extra field, which the builder may not have
        CheckpointException e = readZip(zip);
        assertTrue(e.getMessage().contains("regression.bin"), e.getMessage());
    }

    /** Bug 4 (review): a DEFLATE entry claiming 200 MB over a few bytes allocated 200 MB before inflating. */
    @Test void deflateClaimDoesNotAllocate() {
        byte[] zip = new ZipBuilder(false, false).add("p/data.pkl", new byte[]{(byte) 0x80, 2, 'N', '.'}, true)
                .add("p/version", "3\n").toBytes();
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        for (int p = 0; p < zip.length - 4; p++) if (b.getInt(p) == 0x02014b50) { b.putInt(p + 24, 200_000_000); break; }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        CheckpointException e = readZip(zip);
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(e.getMessage().contains("inflates to 4 bytes, expected 200000000"), e.getMessage());
        assertTrue(allocated < 20_000_000, "allocated " + allocated + " bytes for a claim");
    }

    static byte[] legacy(long numel, long viewOffset, long viewSize, long count) {
        return legacy(numel, viewOffset, viewSize, 0, 2, count);
    }

    /**
     * A legacy torch.save stream of one float tensor "v" of {@code size} elements at {@code storageOffset} in a view
     * [viewOffset, viewOffset + viewSize) of a root storage of {@code numel} floats, whose data record claims
     * {@code count} (every number as given, so they may overflow or exceed the data; CheckpointFuzzTest draws them).
     */
    static byte[] legacy(long numel, long viewOffset, long viewSize, long storageOffset, long size, long count) {
        PickleWriter w = new PickleWriter();
        w.raw(HexFormat.of().parseHex("80028a0a6cfc9c46f9206aa850192e"));
        w.proto(2).integer(1001).stop();
        w.proto(2).emptyDict().stop();
        w.proto(2).orderedDict().mark().str("v").global("torch._utils", "_rebuild_tensor_v2").mark()
                .mark().str("storage").global("torch", "FloatStorage").str("1").str("cpu").integer(numel)
                .str("2").integer(viewOffset).integer(viewSize).tuple3().tuple().binpersid()
                .integer(storageOffset).ints(size).ints(1).bool(false).orderedDict().tuple().reduce().setitems().stop();
        w.proto(2).emptyList().str("1").append().stop();
        ByteBuffer data = ByteBuffer.allocate(8 + 24).order(ByteOrder.LITTLE_ENDIAN).putLong(count);
        return w.raw(data.array()).toBytes();
    }

    static CheckpointException readLegacy(byte[] b) {
        return assertThrows(CheckpointException.class,
                () -> TorchLegacyReader.read(MemorySegment.ofArray(b), F, ReadOptions.DEFAULT));
    }

    @Test void legacySeedIsValid() {
        Checkpoint c = TorchLegacyReader.read(MemorySegment.ofArray(legacy(6, 1, 2, 6)), F, ReadOptions.DEFAULT);
        assertEquals(2, c.tensor("v").numel());
    }

    /** Bug 5 (fuzz): legacy view offset + size overflowed (or was negative): IndexOutOfBoundsException. */
    @Test void legacyViewOverflow() {
        assertTrue(readLegacy(legacy(6, Long.MAX_VALUE, 2, 6)).getMessage().contains("exceeds its root storage"));
        assertTrue(readLegacy(legacy(6, 1, -1, 6)).getMessage().contains("negative"));
        assertTrue(readLegacy(legacy(6, -4, 2, 6)).getMessage().contains("regression.bin"));
    }

    /** Bug 6 (fuzz): legacy storage count × element size overflowed to a negative length: IOOBE. */
    @Test void legacyStorageSizeOverflow() {
        CheckpointException e = readLegacy(legacy(1L << 62, 0, 2, 1L << 62));
        assertEquals(CheckpointException.Reason.TRUNCATED, e.reason(), e.getMessage());
    }

    /** Bug 7 (fuzz): HF config.json with zero/negative sizes or an unknown activation was accepted. */
    @Test void hfConfigRejectsUnbuildableSizes() {
        String ok = new String(CheckpointFuzzTest.hfConfigSeed(), StandardCharsets.UTF_8);
        assertEquals(64, HfClipConfig.read(ok.getBytes(StandardCharsets.UTF_8), F).textHidden());
        for (String bad : new String[]{ok.replace("\"hidden_size\": 64", "\"hidden_size\": -1"),
                ok.replace("\"projection_dim\": 32", "\"projection_dim\": 0"),
                ok.replace("\"num_attention_heads\": 2", "\"num_attention_heads\": 3"),
                ok.replace("\"patch_size\": 16", "\"patch_size\": 0"),
                ok.replace("\"hidden_act\": \"quick_gelu\",", "\"hidden_act\": \"qk_gelu\",")}) {
            assertNotEquals(ok, bad);
            CheckpointException e = assertThrows(CheckpointException.class,
                    () -> HfClipConfig.read(bad.getBytes(StandardCharsets.UTF_8), F));
            assertTrue(e.getMessage().startsWith("regression.bin: "), e.getMessage());
        }
    }
}
