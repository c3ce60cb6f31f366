package clipvr.clip.io;

import clipvr.clip.io.CheckpointException.Reason;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads torch.save zip files (§2) and TorchScript archives (§4) — both are zip containers whose records sit under one
 * archive folder {@code <p>} taken from central-directory entry 0 (never assumed to be {@code archive/}).
 */
public final class TorchZipReader {

    /** Highest archive version known to be accepted by PyTorch (§2.2); higher values only warn. */
    public static final int MAX_KNOWN_VERSION = 6;

    /**
     * Metadata key set on TorchScript checkpoints when some classes had no parsable {@code __parameters__} /
     * {@code __buffers__} declaration, so that every tensor attribute of theirs was taken (§4.6 fallback b).
     */
    public static final String FALLBACK_CLASSES_KEY = "torchscript.fallback_classes";

    private TorchZipReader() {}

    public static Checkpoint read(Path file) {
        return read(ZipArchive.open(file), ReadOptions.DEFAULT);
    }

    public static Checkpoint read(Path file, ReadOptions options) {
        return read(ZipArchive.open(file), options);
    }

    public static Checkpoint read(ZipArchive zip, ReadOptions options) {
        Path file = zip.file();
        List<String> notes = new ArrayList<>();
        Map<String, String> meta = new LinkedHashMap<>();
        String p = prefix(zip);
        // version (§2.2): .data/version first, then version
        ZipArchive.Entry ve = zip.entry(p + "/.data/version");
        if (ve == null) ve = zip.entry(p + "/version");
        if (ve != null) {
            String v = text(zip, ve, 64).strip();
            int version;
            try {
                version = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new CheckpointException(Reason.BAD_CONTENT, file, "record '" + ve.name() + "' holds '" + v
                        + "', not a version number");
            }
            if (version < 1) throw new CheckpointException(Reason.UNSUPPORTED, file,
                    "archive version " + version + " is below the supported range 1.." + MAX_KNOWN_VERSION);
            if (version > MAX_KNOWN_VERSION)
                notes.add("warning: archive version " + version + " is newer than " + MAX_KNOWN_VERSION + "; reading anyway");
            meta.put("version", Integer.toString(version));
        } else {
            notes.add("warning: no version record");
        }
        // byteorder (§2.2, §2.7 rule 4): absent means little-endian
        boolean big = false;
        ZipArchive.Entry bo = zip.entry(p + "/byteorder");
        if (bo != null) {
            String order = text(zip, bo, 16).strip();
            if (!order.equals("little") && !order.equals("big")) throw new CheckpointException(Reason.BAD_CONTENT,
                    file, "record 'byteorder' holds '" + order + "', expected 'little' or 'big'");
            big = order.equals("big");
            meta.put("byteorder", order);
        }
        ZipArchive.Entry data = zip.entry(p + "/data.pkl");
        if (data == null) {
            if (zip.entry(p + "/model.json") != null) throw new CheckpointException(Reason.UNSUPPORTED, file,
                    "this is a pre-1.4 TorchScript archive (model.json + tensors/), which is not supported (§4.1)");
            throw new CheckpointException(Reason.BAD_CONTENT, file, "zip has no '" + p + "/data.pkl' record: "
                    + "not a torch.save or TorchScript file");
        }
        boolean torchScript = zip.entry(p + "/constants.pkl") != null; // §1, §4
        Map<String, TorchStorage> cache = new HashMap<>();
        final boolean bigEndian = big;
        TorchPickleResolver resolver = new TorchPickleResolver(file, torchScript, options.lenientGlobals(),
                (key, dtype, numel, view) -> storage(zip, p + "/data/", key, dtype, numel, bigEndian, cache));
        Object top;
        try {
            top = Unpickler.load(zip.read(data), resolver, options.limits(), file);
        } catch (CheckpointException e) {
            throw e.withContext("in record '" + data.name() + "'");
        }

        LinkedHashMap<String, RawTensor> tensors;
        Checkpoint.Format format;
        if (torchScript) {
            format = Checkpoint.Format.TORCHSCRIPT;
            notes.add("TorchScript archive");
            TorchScriptCode code = new TorchScriptCode(zip, p);
            tensors = TorchObjects.fromTorchScript(top, code, file, notes);
            if (top instanceof Unpickler.PyInstance root) meta.put("torchscript.root_class", root.type.qualifiedName());
            if (code.missingClasses() > 0) meta.put(FALLBACK_CLASSES_KEY, Integer.toString(code.missingClasses()));
            if (code.missingClasses() > 0) notes.add("no code/ declaration found for " + code.missingClasses()
                    + " class(es): took all their tensor attributes (§4.6 fallback b)");
        } else {
            format = Checkpoint.Format.TORCH_ZIP;
            tensors = TorchObjects.fromTorchSave(top, file, notes);
        }
        meta.put("storages", Integer.toString(cache.size()));
        return new Checkpoint(file, format, tensors, meta, notes, p);
    }

    /** §2.1 reader rule: {@code <p>} is the text before the first '/' of entry 0; all entries must share it. */
    static String prefix(ZipArchive zip) {
        Path file = zip.file();
        if (zip.entries().isEmpty()) throw new CheckpointException(Reason.BAD_CONTENT, file, "zip archive is empty");
        String first = zip.entries().get(0).name();
        int slash = first.indexOf('/');
        if (slash <= 0) throw new CheckpointException(Reason.BAD_CONTENT, file, "file in archive is not in a "
                + "subdirectory: '" + first + "' (torch archives keep every record under one folder, §2.1)");
        String p = first.substring(0, slash);
        for (ZipArchive.Entry e : zip.entries())
            if (!e.name().startsWith(p + "/")) throw new CheckpointException(Reason.BAD_CONTENT, file,
                    "record '" + e.name() + "' is outside the archive folder '" + p + "/'");
        return p;
    }

    /** §2.4 / §2.7 rule 1: record {@code <dir><key>} of exactly numel × element size bytes, loaded once per key. */
    private static TorchStorage storage(ZipArchive zip, String dir, String key, StorageDType dtype, long numel,
                                        boolean big, Map<String, TorchStorage> cache) {
        Path file = zip.file();
        TorchStorage s = cache.get(key);
        if (s != null) {
            if (s.dtype != dtype || s.numel != numel) throw new CheckpointException(Reason.BAD_CONTENT, file,
                    "storage '" + key + "' is referenced with different types/sizes");
            return s;
        }
        int es = dtype == null ? 1 : dtype.size;
        long nbytes;
        try {
            nbytes = Math.multiplyExact(numel, (long) es);
        } catch (ArithmeticException e) {
            throw new CheckpointException(Reason.BAD_CONTENT, file, "storage '" + key + "' size overflows");
        }
        ByteBuffer bytes;
        if (nbytes == 0) {
            bytes = ByteBuffer.allocate(0);
        } else {
            ZipArchive.Entry e = zip.entry(dir + key);
            if (e == null) throw new CheckpointException(Reason.BAD_CONTENT, file, "storage record '" + dir + key
                    + "' is missing");
            if (e.uncompressedSize() != nbytes) throw new CheckpointException(Reason.BAD_CONTENT, file,
                    "storage record '" + e.name() + "' holds " + e.uncompressedSize() + " bytes, but its persistent id"
                            + " says " + numel + " x " + (dtype == null ? "byte" : dtype) + " = " + nbytes + " bytes");
            bytes = zip.read(e, Math.max(ZipArchive.DEFAULT_MAX_INFLATED, nbytes));
        }
        s = new TorchStorage(key, dtype, numel, big, bytes);
        cache.put(key, s);
        return s;
    }

    private static String text(ZipArchive zip, ZipArchive.Entry e, int max) {
        if (e.uncompressedSize() > max) throw new CheckpointException(Reason.BAD_CONTENT, zip.file(),
                "record '" + e.name() + "' is " + e.uncompressedSize() + " bytes, expected at most " + max);
        ByteBuffer b = zip.read(e);
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return new String(a, StandardCharsets.US_ASCII);
    }
}
