package clipvr.clip.io;

import clipvr.clip.io.CheckpointException.Reason;
import clipvr.clip.io.Unpickler.PyTuple;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the legacy (pre-1.6, non-zip) torch.save stream (§2.9): magic, protocol version and sys_info pickles, the
 * object pickle with 6-tuple persistent ids, the sorted storage-key list, then for each key an 8-byte little-endian
 * element count and the raw little-endian bytes.
 */
public final class TorchLegacyReader {

    /** {@code MAGIC_NUMBER} of torch/serialization.py. */
    static final BigInteger MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);

    private TorchLegacyReader() {}

    public static Checkpoint read(Path file, ReadOptions options) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), Arena.ofAuto()), file, options);
        } catch (IOException e) {
            throw new CheckpointException(Reason.IO, file, "cannot read: " + e, e);
        }
    }

    public static Checkpoint read(MemorySegment seg, Path file, ReadOptions options) {
        // pickles are addressed through a ByteBuffer (< 2 GiB); storage data may lie beyond
        ByteBuffer head = seg.asSlice(0, Math.min(seg.byteSize(), Integer.MAX_VALUE - 8)).asByteBuffer();
        Unpickler.Resolver none = new TorchPickleResolver(file, false, false, (k, d, n, v) -> {
            throw new CheckpointException(Reason.BAD_CONTENT, file, "unexpected persistent id in a header pickle");
        });
        Unpickler.Result magic = Unpickler.loadAt(head, 0, none, options.limits(), file);
        if (!(magic.value() instanceof BigInteger b) || !b.equals(MAGIC))
            throw new CheckpointException(Reason.UNKNOWN_FORMAT, file, "legacy torch stream: bad magic number");
        Unpickler.Result proto = Unpickler.loadAt(head, magic.end(), none, options.limits(), file);
        if (!Long.valueOf(1001).equals(proto.value())) throw new CheckpointException(Reason.UNSUPPORTED, file,
                "legacy torch stream: protocol version " + Unpickler.brief(proto.value()) + " (expected 1001)");
        Unpickler.Result sys = Unpickler.loadAt(head, proto.end(), none, options.limits(), file);
        List<String> notes = new ArrayList<>();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("protocol_version", "1001");
        if (sys.value() instanceof Map<?, ?> info && Boolean.FALSE.equals(info.get("little_endian")))
            notes.add("sys_info says big-endian writer; storage data is read as little-endian per §2.9");

        Map<String, TorchStorage> roots = new LinkedHashMap<>();
        Map<String, TorchStorage> views = new LinkedHashMap<>();
        TorchPickleResolver resolver = new TorchPickleResolver(file, false, options.lenientGlobals(),
                (key, dtype, numel, view) -> legacyStorage(key, dtype, numel, view, roots, views, file));
        Unpickler.Result obj = Unpickler.loadAt(head, sys.end(), resolver, options.limits(), file);
        Unpickler.Result keys = Unpickler.loadAt(head, obj.end(), none, options.limits(), file);
        if (!(keys.value() instanceof List<?> keyList)) throw new CheckpointException(Reason.BAD_CONTENT, file,
                "legacy torch stream: storage key list is missing");

        long p = keys.end();
        for (Object k : keyList) {
            if (!(k instanceof String key)) throw new CheckpointException(Reason.BAD_CONTENT, file,
                    "legacy torch stream: storage key " + Unpickler.brief(k) + " is not a string");
            TorchStorage s = roots.get(key);
            if (s == null) throw new CheckpointException(Reason.BAD_CONTENT, file,
                    "legacy torch stream: data for unknown storage key '" + key + "'");
            if (p + 8 > seg.byteSize()) throw truncated(file, key);
            long count = seg.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), p);
            if (count != s.numel) throw new CheckpointException(Reason.BAD_CONTENT, file, "legacy storage '" + key
                    + "' has " + count + " elements in the data section but " + s.numel + " in its persistent id");
            // numel × element size may overflow: compare the element count with what the file can still hold
            if (s.numel > (seg.byteSize() - p - 8) / s.elementSize()) throw truncated(file, key);
            long n = s.byteSize();
            if (n > Integer.MAX_VALUE - 8) throw new CheckpointException(Reason.LIMIT_EXCEEDED, file,
                    "storage '" + key + "' above 2 GiB is not supported");
            s.setBytes(seg.asSlice(p + 8, n).asByteBuffer());
            p += 8 + n;
        }
        if (p != seg.byteSize()) notes.add("warning: " + (seg.byteSize() - p) + " trailing bytes after the storages");
        meta.put("storages", Integer.toString(roots.size()));
        LinkedHashMap<String, RawTensor> tensors = TorchObjects.fromTorchSave(obj.value(), file, notes);
        return new Checkpoint(file, Checkpoint.Format.TORCH_LEGACY, tensors, meta, notes, null);
    }

    private static TorchStorage legacyStorage(String key, StorageDType dtype, long numel, PyTuple view,
                                              Map<String, TorchStorage> roots, Map<String, TorchStorage> views,
                                              Path file) {
        TorchStorage root = roots.computeIfAbsent(key, k -> new TorchStorage(k, dtype, numel, false, null));
        if (root.dtype != dtype || root.numel != numel) throw new CheckpointException(Reason.BAD_CONTENT, file,
                "storage '" + key + "' is referenced with different types/sizes");
        if (view == null) return root;
        if (!(view.get(0) instanceof String vk) || !(view.get(1) instanceof Long off) || !(view.get(2) instanceof Long size))
            throw new CheckpointException(Reason.BAD_CONTENT, file, "bad legacy view metadata for storage '" + key + "'");
        if (off < 0 || size < 0) throw new CheckpointException(Reason.BAD_CONTENT, file, "legacy view '" + vk
                + "' of storage '" + key + "' has negative offset or size (" + off + ", " + size + ")");
        return views.computeIfAbsent(vk, k -> new TorchStorage(root, k, off, size));
    }

    private static CheckpointException truncated(Path file, String key) {
        return new CheckpointException(Reason.TRUNCATED, file, "legacy torch stream ends inside the data of storage '"
                + key + "' (truncated file?)");
    }
}
