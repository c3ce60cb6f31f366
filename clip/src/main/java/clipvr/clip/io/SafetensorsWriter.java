package clipvr.clip.io;

import clipvr.clip.io.CheckpointException.Reason;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes safetensors files following the reference writer's conventions (§6.4): tensors sorted by dtype alignment
 * (descending) then name, consecutive offsets from 0, header padded with spaces to a multiple of 8, optional
 * string→string {@code __metadata__} (omitted when empty).
 *
 * <p>Writes are atomic: the bytes go to a temporary file in the target directory, which is fsync'ed and then
 * moved over the target with an atomic rename, so readers never see a half-written file.
 */
public final class SafetensorsWriter {

    private SafetensorsWriter() {}

    /** Writes {@code tensors} (names taken from the map keys) with optional metadata (may be null). */
    public static void write(Path file, Map<String, RawTensor> tensors, Map<String, String> metadata) {
        write(file, tensors, metadata, null);
    }

    /**
     * As {@link #write(Path, Map, Map)}, converting every floating-point tensor to {@code floatDType} first
     * (e.g. F16 or BF16, rounding to nearest even) when it is not null. Integer and bool tensors are kept.
     */
    public static void write(Path file, Map<String, RawTensor> tensors, Map<String, String> metadata,
                             StorageDType floatDType) {
        List<RawTensor> list = new ArrayList<>();
        for (Map.Entry<String, RawTensor> e : tensors.entrySet()) {
            RawTensor t = e.getValue().name().equals(e.getKey()) ? e.getValue() : e.getValue().withName(e.getKey());
            if (floatDType != null && t.dtype().isFloatingPoint()) t = t.convertTo(floatDType);
            list.add(t);
        }
        write(file, list, metadata);
    }

    /** Writes tensors under their own names; names must be unique and must not be {@code __metadata__}. */
    public static void write(Path file, Collection<RawTensor> tensors, Map<String, String> metadata) {
        List<RawTensor> sorted = sortForWriting(tensors, file);
        byte[] header = header(sorted, metadata);
        try {
            AtomicFiles.write(file, ch -> {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
                AtomicFiles.writeFully(ch, len);
                AtomicFiles.writeFully(ch, ByteBuffer.wrap(header));
                for (RawTensor t : sorted) AtomicFiles.writeFully(ch, t.data());
            });
        } catch (IOException e) {
            throw new CheckpointException(Reason.IO, file, "cannot write safetensors file: " + AtomicFiles.explain(e), e);
        }
    }

    /** The complete file content in memory (for small tensors and tests). */
    public static byte[] toBytes(Collection<RawTensor> tensors, Map<String, String> metadata) {
        List<RawTensor> sorted = sortForWriting(tensors, null);
        byte[] header = header(sorted, metadata);
        long total = 8L + header.length;
        for (RawTensor t : sorted) total += t.byteSize();
        if (total > Integer.MAX_VALUE - 8) throw new CheckpointException(Reason.LIMIT_EXCEEDED,
                "safetensors content of " + total + " bytes is too large for a byte array");
        ByteBuffer out = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(header.length).put(header);
        for (RawTensor t : sorted) out.put(t.data());
        return out.array();
    }

    /** §6.4: sort by dtype alignment descending, then by name. */
    static List<RawTensor> sortForWriting(Collection<RawTensor> tensors, Path file) {
        Set<String> seen = new HashSet<>();
        for (RawTensor t : tensors) {
            if (t.name().equals("__metadata__") || !seen.add(t.name()))
                throw new CheckpointException(Reason.BAD_CONTENT, file, "tensor name '" + t.name() + "' "
                        + (t.name().equals("__metadata__") ? "is reserved" : "occurs twice"));
        }
        List<RawTensor> sorted = new ArrayList<>(tensors);
        sorted.sort(Comparator.comparingInt((RawTensor t) -> -t.dtype().size).thenComparing(RawTensor::name));
        return sorted;
    }

    /** The JSON header, padded with spaces so that its length is a multiple of 8 (§6.4). */
    static byte[] header(List<RawTensor> sorted, Map<String, String> metadata) {
        StringWriter sw = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(sw)) {
            g.writeStartObject();
            if (metadata != null && !metadata.isEmpty()) {
                g.writeObjectFieldStart("__metadata__");
                for (Map.Entry<String, String> m : new java.util.TreeMap<>(metadata).entrySet())
                    g.writeStringField(m.getKey(), m.getValue());
                g.writeEndObject();
            }
            long offset = 0;
            for (RawTensor t : sorted) {
                g.writeObjectFieldStart(t.name());
                g.writeStringField("dtype", t.dtype().safetensorsName);
                g.writeArrayFieldStart("shape");
                for (long d : t.shape()) g.writeNumber(d);
                g.writeEndArray();
                g.writeArrayFieldStart("data_offsets");
                g.writeNumber(offset);
                g.writeNumber(offset + t.byteSize());
                g.writeEndArray();
                g.writeEndObject();
                offset += t.byteSize();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException(e); // StringWriter does not fail
        }
        byte[] json = sw.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = java.util.Arrays.copyOf(json, padded);
        java.util.Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

}
