package clipvr.clip.io;

import clipvr.clip.io.CheckpointException.Reason;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads safetensors files (§6). The file is memory-mapped; tensors are zero-copy slices of the mapping, which lives
 * as long as any tensor of it is reachable. The whole header is validated by §6.3 before any data is touched.
 */
public final class SafetensorsReader {

    /** §6.3 rule 2: {@code MAX_HEADER_SIZE}. */
    public static final long MAX_HEADER_SIZE = 100_000_000L;

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private SafetensorsReader() {}

    /** Reads and validates a safetensors file. */
    public static Checkpoint read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new CheckpointException(Reason.HEADER_TOO_SMALL, file,
                    "safetensors file is " + size + " bytes, shorter than the 8-byte header length");
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, Arena.ofAuto());
            return parse(seg, file);
        } catch (IOException e) {
            throw new CheckpointException(Reason.IO, file, "cannot read: " + e, e);
        }
    }

    /** Reads safetensors bytes held in memory ({@code source} only names them in messages; may be null). */
    public static Checkpoint read(ByteBuffer bytes, Path source) {
        ByteBuffer b = bytes.slice();
        if (b.remaining() < 8) throw new CheckpointException(Reason.HEADER_TOO_SMALL, source,
                "safetensors data is " + b.remaining() + " bytes, shorter than the 8-byte header length");
        MemorySegment seg = b.isDirect() ? MemorySegment.ofBuffer(b)
                : MemorySegment.ofArray(copy(b)); // heap buffers: segment over a private copy
        return parse(seg, source);
    }

    private static byte[] copy(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    /** One header entry after parsing (§6.1). */
    private record Entry(String name, StorageDType dtype, long[] shape, long begin, long end) {}

    static Checkpoint parse(MemorySegment seg, Path file) {
        long size = seg.byteSize();
        if (size < 8) throw new CheckpointException(Reason.HEADER_TOO_SMALL, file, "file shorter than 8 bytes");
        long n = seg.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        // §6.3 rule 2 (n is u64: a negative long is > MAX_HEADER_SIZE)
        if (n < 0 || n > MAX_HEADER_SIZE) throw new CheckpointException(Reason.HEADER_TOO_LARGE, file,
                "safetensors header length " + Long.toUnsignedString(n) + " exceeds " + MAX_HEADER_SIZE);
        if (8 + n > size) throw new CheckpointException(Reason.INVALID_HEADER_LENGTH, file,
                "safetensors header length " + n + " runs past the end of the file (" + size
                        + " bytes): truncated file?");
        byte[] headerBytes = seg.asSlice(8, n).toArray(ValueLayout.JAVA_BYTE);
        // §6.3 rule 3: UTF-8, then JSON (leading/trailing JSON whitespace allowed)
        String header;
        try {
            CharBuffer cb = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(headerBytes));
            header = cb.toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException(Reason.INVALID_HEADER, file, "safetensors header is not valid UTF-8");
        }
        JsonNode root;
        try {
            root = JSON.readTree(header);
        } catch (JsonProcessingException e) {
            throw new CheckpointException(Reason.INVALID_HEADER_DESERIALIZATION, file,
                    "safetensors header is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) throw new CheckpointException(Reason.INVALID_HEADER_DESERIALIZATION,
                file, "safetensors header is not a JSON object");

        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals("__metadata__")) {
                parseMetadata(f.getValue(), metadata, file);
            } else {
                entries.add(parseEntry(f.getKey(), f.getValue(), file));
            }
        }
        validate(entries, 8 + n, size, file);

        long base = 8 + n;
        Map<String, RawTensor> tensors = new LinkedHashMap<>();
        for (Entry e : entries) {
            ByteBuffer data = seg.asSlice(base + e.begin, e.end - e.begin).asByteBuffer();
            tensors.put(e.name, new RawTensor(e.name, e.dtype, e.shape, data));
        }
        return new Checkpoint(file, Checkpoint.Format.SAFETENSORS, tensors, metadata, List.of(), null);
    }

    private static void parseMetadata(JsonNode v, Map<String, String> out, Path file) {
        if (v.isNull()) return;
        if (!v.isObject()) throw new CheckpointException(Reason.INVALID_HEADER_DESERIALIZATION, file,
                "__metadata__ must be a string-to-string map");
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> m = it.next();
            if (!m.getValue().isTextual()) throw new CheckpointException(Reason.INVALID_HEADER_DESERIALIZATION,
                    file, "__metadata__ value for '" + m.getKey() + "' is not a string");
            out.put(m.getKey(), m.getValue().textValue());
        }
    }

    private static Entry parseEntry(String name, JsonNode v, Path file) {
        if (!v.isObject() || !v.has("dtype") || !v.has("shape") || !v.has("data_offsets"))
            throw new CheckpointException(Reason.INVALID_HEADER_DESERIALIZATION, file,
                    "tensor '" + name + "': entry must be an object with dtype, shape and data_offsets");
        JsonNode dt = v.get("dtype");
        if (!dt.isTextual()) throw new CheckpointException(Reason.INVALID_HEADER_DESERIALIZATION, file,
                "tensor '" + name + "': dtype is not a string");
        StorageDType dtype;
        try {
            dtype = StorageDType.fromSafetensors(dt.textValue());
        } catch (CheckpointException e) {
            throw new CheckpointException(e.reason(), file, "tensor '" + name + "': " + e.getMessage());
        }
        long[] shape = u64Array(v.get("shape"), -1, name, "shape", file);
        long[] offs = u64Array(v.get("data_offsets"), 2, name, "data_offsets", file);
        return new Entry(name, dtype, shape, offs[0], offs[1]);
    }

    private static long[] u64Array(JsonNode a, int len, String name, String what, Path file) {
        if (!a.isArray() || (len >= 0 && a.size() != len)) throw new CheckpointException(
                Reason.INVALID_HEADER_DESERIALIZATION, file, "tensor '" + name + "': " + what + " must be an array"
                + (len >= 0 ? " of " + len + " integers" : " of integers"));
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode x = a.get(i);
            if (!x.isIntegralNumber() || x.bigIntegerValue().signum() < 0)
                throw new CheckpointException(Reason.INVALID_HEADER_DESERIALIZATION, file,
                        "tensor '" + name + "': " + what + "[" + i + "] = " + x + " is not a non-negative integer");
            if (!x.canConvertToLong()) throw new CheckpointException(Reason.VALIDATION_OVERFLOW, file,
                    "tensor '" + name + "': " + what + "[" + i + "] = " + x + " is too large");
            out[i] = x.longValue();
        }
        return out;
    }

    /** §6.3 rules 4 and 5: sorted by offsets, no gaps/overlaps, sizes match, full coverage. */
    private static void validate(List<Entry> entries, long dataStart, long fileSize, Path file) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long start = 0;
        for (Entry e : sorted) {
            if (e.begin != start || e.end < e.begin) throw new CheckpointException(Reason.INVALID_OFFSET, file,
                    "tensor '" + e.name + "': data_offsets [" + e.begin + ", " + e.end + "] "
                            + (e.end < e.begin ? "are reversed" : e.begin > start ? "leave a gap after byte " + start
                            : "overlap the previous tensor (which ends at " + start + ")"));
            start = e.end;
            long nbytes;
            try {
                nbytes = Math.multiplyExact(RawTensor.numel(e.shape, e.name), (long) e.dtype.size);
            } catch (ArithmeticException ex) {
                throw new CheckpointException(Reason.VALIDATION_OVERFLOW, file,
                        "tensor '" + e.name + "': byte size overflows");
            } catch (CheckpointException ex) {
                throw ex.withFile(file);
            }
            if (e.end - e.begin != nbytes) throw new CheckpointException(Reason.TENSOR_INVALID_INFO, file,
                    "tensor '" + e.name + "': " + e.dtype + java.util.Arrays.toString(e.shape) + " needs " + nbytes
                            + " bytes but data_offsets span " + (e.end - e.begin));
        }
        if (dataStart + start != fileSize) throw new CheckpointException(Reason.METADATA_INCOMPLETE_BUFFER, file,
                "tensors cover " + start + " data bytes but the file holds " + (fileSize - dataStart)
                        + (fileSize - dataStart < start ? " (truncated file?)" : " (trailing bytes are not allowed)"));
    }
}
