package clipvr.clip.io;

import clipvr.clip.io.CheckpointException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** §6.5 test vectors and writer round trips. */
class SafetensorsTest {

    static byte[] file(long n, byte[] header, int dataBytes) {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(n).put(header);
        return b.array();
    }

    static byte[] file(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return file(h.length, h, dataBytes);
    }

    static Checkpoint read(byte[] bytes) {
        return SafetensorsReader.read(ByteBuffer.wrap(bytes), Path.of("vector.safetensors"));
    }

    static Reason reasonOf(byte[] bytes) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> read(bytes));
        assertTrue(e.getMessage().contains("vector.safetensors"), e.getMessage());
        return e.reason();
    }

    static final String VALID = "{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}";

    @Test void validVector() {
        assertEquals(60, VALID.length());
        Checkpoint c = read(file(VALID, 16));
        RawTensor t = c.tensor("test");
        assertEquals(StorageDType.I32, t.dtype());
        assertArrayEquals(new long[]{2, 2}, t.shape());
        assertArrayEquals(new int[4], t.toIntArray());
    }

    @Test void trailingBytesAndShortData() {
        assertEquals(Reason.METADATA_INCOMPLETE_BUFFER, reasonOf(file(VALID, 17)));
        assertEquals(Reason.METADATA_INCOMPLETE_BUFFER, reasonOf(file(VALID, 14)));
    }

    @Test void tensorInvalidInfo() {
        String h = "{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,4]}}";
        assertEquals(Reason.TENSOR_INVALID_INFO, reasonOf(file(h, 0)));
    }

    @Test void emptyTensor() {
        String h = "{\"test\":{\"dtype\":\"I32\",\"shape\":[2,0],\"data_offsets\":[0,0]}}";
        RawTensor t = read(file(h, 0)).tensor("test");
        assertEquals(0, t.numel());
        assertArrayEquals(new long[]{2, 0}, t.shape());
    }

    @Test void headerErrors() {
        byte[] tooLarge = {0x3C, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        assertEquals(Reason.HEADER_TOO_LARGE, reasonOf(tooLarge));
        assertEquals(Reason.HEADER_TOO_SMALL, reasonOf(new byte[0]));
        assertEquals(Reason.INVALID_HEADER_LENGTH, reasonOf(new byte[]{0x3C, 0, 0, 0, 0, 0, 0, 0}));
        assertEquals(Reason.INVALID_HEADER, reasonOf(new byte[]{1, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF}));
        assertEquals(Reason.INVALID_HEADER_DESERIALIZATION, reasonOf(new byte[]{1, 0, 0, 0, 0, 0, 0, 0, 0x7B}));
    }

    @Test void whitespaceAroundHeader() {
        byte[] a = file(6, new byte[]{'{', '}', 0x0D, 0x20, 0x09, 0x0A}, 0);
        byte[] b = file(6, new byte[]{0x09, 0x0A, '{', '}', 0x0D, 0x20}, 0);
        assertEquals(0, read(a).tensors().size());
        assertEquals(0, read(b).tensors().size());
    }

    @Test void gapsOverlapsDuplicatesAndDtypes() {
        String gap = "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},"
                + "\"b\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[2,3]}}";
        assertEquals(Reason.INVALID_OFFSET, reasonOf(file(gap, 3)));
        String overlap = "{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},"
                + "\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[1,3]}}";
        assertEquals(Reason.INVALID_OFFSET, reasonOf(file(overlap, 3)));
        String dup = "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},"
                + "\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}";
        assertEquals(Reason.INVALID_HEADER_DESERIALIZATION, reasonOf(file(dup, 2)));
        String f8 = "{\"a\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}}";
        CheckpointException e = assertThrows(CheckpointException.class, () -> read(file(f8, 1)));
        assertEquals(Reason.UNSUPPORTED_DTYPE, e.reason());
        assertTrue(e.getMessage().contains("F8_E4M3") && e.getMessage().contains("'a'"), e.getMessage());
        String badMeta = "{\"__metadata__\":{\"x\":1}}";
        assertEquals(Reason.INVALID_HEADER_DESERIALIZATION, reasonOf(file(badMeta, 0)));
        String trailingJunk = "{} x";
        assertEquals(Reason.INVALID_HEADER_DESERIALIZATION, reasonOf(file(trailingJunk, 0)));
    }

    @Test void allSupportedDtypesRoundTrip(@TempDir Path dir) {
        Map<String, RawTensor> m = new LinkedHashMap<>();
        double[] vals = {0, 1, -2, 3, 100, -7};
        for (StorageDType d : StorageDType.values()) {
            double[] v = vals.clone();
            if (d == StorageDType.U8) for (int i = 0; i < v.length; i++) v[i] = Math.abs(v[i]);
            if (d == StorageDType.BOOL) for (int i = 0; i < v.length; i++) v[i] = v[i] != 0 ? 1 : 0;
            m.put("t_" + d, RawTensor.fromDoubles("t_" + d, d, new long[]{2, 3}, v));
        }
        m.put("scalar", RawTensor.fromDoubles("scalar", StorageDType.F32, new long[]{}, new double[]{4.5}));
        Path f = dir.resolve("all.safetensors");
        SafetensorsWriter.write(f, m, Map.of("format", "pt", "note", "ünïcode"));
        Checkpoint c = SafetensorsReader.read(f);
        assertEquals(m.keySet(), c.tensors().keySet());
        for (RawTensor t : m.values()) assertTrue(t.contentEquals(c.tensor(t.name())), t.name());
        assertEquals("ünïcode", c.metadata().get("note"));
        assertArrayEquals(new long[0], c.tensor("scalar").shape());
        assertEquals(4.5f, c.tensor("scalar").toFloatArray()[0]);
        // no temp files left behind
        assertEquals(List.of(f), listDir(dir));
    }

    @Test void writerConventions() throws Exception {
        RawTensor a = RawTensor.fromDoubles("b16", StorageDType.F16, new long[]{3}, new double[]{1, 2, 3});
        RawTensor b = RawTensor.fromDoubles("a64", StorageDType.F64, new long[]{1}, new double[]{1});
        RawTensor c = RawTensor.fromDoubles("a16", StorageDType.I16, new long[]{1}, new double[]{1});
        byte[] bytes = SafetensorsWriter.toBytes(List.of(a, b, c), Map.of());
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertEquals(0, n % 8);
        String h = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertFalse(h.contains("__metadata__"));
        assertTrue(h.indexOf("a64") < h.indexOf("a16") && h.indexOf("a16") < h.indexOf("b16"), h);
        assertTrue(h.endsWith("}") || h.endsWith(" "));
        Checkpoint r = read(bytes);
        assertEquals(3, r.tensors().size());
        assertTrue(a.contentEquals(r.tensor("b16")));
    }

    @Test void halfAndBfloatConversionAccuracy(@TempDir Path dir) {
        Random rnd = new Random(7);
        int n = 10_000;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(7) - 3));
        v[0] = 0f; v[1] = -0f; v[2] = Float.POSITIVE_INFINITY; v[3] = Float.NaN; v[4] = 65504f; v[5] = 1e-8f;
        Map<String, RawTensor> m = Map.of("x", RawTensor.ofFloats("x", new long[]{n}, v));
        for (StorageDType d : List.of(StorageDType.F16, StorageDType.BF16)) {
            Path f = dir.resolve(d + ".safetensors");
            SafetensorsWriter.write(f, m, null, d);
            RawTensor t = SafetensorsReader.read(f).tensor("x");
            assertEquals(d, t.dtype());
            float[] back = t.toFloatArray();
            double relTol = d == StorageDType.F16 ? Math.pow(2, -11) : Math.pow(2, -8);
            for (int i = 0; i < n; i++) {
                float x = v[i], y = back[i];
                if (Float.isNaN(x)) { assertTrue(Float.isNaN(y)); continue; }
                if (Float.isInfinite(x)) { assertEquals(x, y); continue; }
                if (d == StorageDType.F16 && (Math.abs(x) > 65504 || Math.abs(x) < 6.1e-5)) {
                    if (Math.abs(x) < 6.1e-5) assertTrue(Math.abs(x - y) <= Math.pow(2, -25) + 1e-12, x + " -> " + y);
                    continue;
                }
                assertTrue(Math.abs(x - y) <= relTol * Math.abs(x), d + ": " + x + " -> " + y);
            }
            // round trip through the same dtype is exact
            assertTrue(t.contentEquals(t.convertTo(StorageDType.F32).convertTo(d)));
        }
        assertEquals(1.0f, Float.intBitsToFloat(RawTensor.floatToBFloat16(1.00390625f) << 16)); // tie → even
        assertEquals(1.015625f, Float.intBitsToFloat(RawTensor.floatToBFloat16(1.01171875f) << 16)); // tie → even
    }

    @Test void overwriteIsAtomicReplacement(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("w.safetensors");
        Files.writeString(f, "old content");
        SafetensorsWriter.write(f, Map.of("x", RawTensor.ofFloats("x", new long[]{1}, new float[]{2})), null);
        assertEquals(2f, SafetensorsReader.read(f).tensor("x").toFloatArray()[0]);
        assertEquals(List.of(f), listDir(dir));
    }

    static List<Path> listDir(Path dir) {
        try (var s = Files.list(dir)) {
            return s.toList();
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
