package clipvr.reprogram.train;

import clipvr.clip.io.RawTensor;
import clipvr.clip.io.StorageDType;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The files of a run directory (docs/training.md, "Run directory") and their atomic writers. */
public final class RunFiles {
    private RunFiles() {}

    public static final String CONFIG = "config.json";
    public static final String RESULTS = "results.json";
    public static final String CHECKPOINT = "checkpoint.safetensors";
    public static final String CHECKPOINT_JSON = "checkpoint.json";
    public static final String BEST = "best.safetensors";
    public static final String TEXT_FEATURES = "text_features.safetensors";
    /** Format tag written into every JSON file and the safetensors metadata. */
    public static final String FORMAT = "clipvr-run/1";

    /** The JSON mapper (indented, key order as written). */
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Writes {@code value} as JSON to {@code file} through a temporary file and an atomic rename. */
    public static void writeJson(Path file, Object value) {
        try {
            writeAtomically(file, JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + clipvr.clip.io.AtomicFiles.explain(e), e);
        }
    }

    /** Writes bytes through a temporary file in the same directory, fsync, and an atomic rename. */
    public static void writeAtomically(Path file, byte[] bytes) throws IOException {
        clipvr.clip.io.AtomicFiles.write(file, bytes);
    }

    /** Reads a JSON file into {@code type}; the error names the file. */
    public static <T> T readJson(Path file, Class<T> type) {
        try {
            return JSON.readValue(file.toFile(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** SHA-256 (hex) of a file, or of a directory's regular files (sorted relative names and contents). */
    public static String sha256(Path path) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            List<Path> files;
            if (Files.isDirectory(path)) {
                try (Stream<Path> s = Files.walk(path)) { files = s.filter(Files::isRegularFile).sorted().toList(); }
            } else files = List.of(path);
            byte[] buf = new byte[1 << 20];
            for (Path f : files) {
                if (Files.isDirectory(path)) md.update(path.relativize(f).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                try (InputStream in = Files.newInputStream(f)) {
                    for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hash " + path + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A tensor as a raw safetensors entry in its own precision (F32 or F64). */
    public static RawTensor raw(String name, Tensor t) {
        long[] shape = java.util.Arrays.stream(t.shape()).asLongStream().toArray();
        return t.dtype() == DType.F64
                ? RawTensor.fromDoubles(name, StorageDType.F64, shape, t.toDoubleArray())
                : RawTensor.fromFloats(name, StorageDType.F32, shape, t.toFloatArray());
    }

    /** Raw entries for a name → tensor map. */
    public static Map<String, RawTensor> raw(Map<String, Tensor> tensors) {
        Map<String, RawTensor> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(k, raw(k, v)));
        return out;
    }

    /** A checkpoint read back for {@code --resume}: its {@code clipvr.results} metadata and its tensors by name. */
    public record Saved<T>(T results, Map<String, Tensor> tensors) {}

    /**
     * Reads a checkpoint written with {@code clipvr.results} metadata (a {@link RunResults} or pretraining results
     * as JSON): the results as {@code type} and every tensor. Errors start with {@code --resume:} and name the file;
     * {@code kind} ("clipvr checkpoint") says what the file should have been.
     */
    public static <T> Saved<T> readCheckpoint(Path file, Class<T> type, String kind) {
        clipvr.clip.io.Checkpoint ck = clipvr.clip.io.SafetensorsReader.read(file);
        String json = ck.metadata().get("clipvr.results");
        if (json == null) throw new IllegalArgumentException("--resume: " + file + " has no clipvr.results metadata (not a " + kind + ")");
        T results;
        try {
            results = JSON.readValue(json, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("--resume: " + file + ": unreadable results metadata: " + e.getOriginalMessage(), e);
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, RawTensor> e : ck.tensors().entrySet()) tensors.put(e.getKey(), tensor(e.getValue()));
        return new Saved<>(results, tensors);
    }

    /** A raw entry back as a tensor (F64 stays F64, everything else F32). */
    public static Tensor tensor(RawTensor r) {
        int[] s = java.util.Arrays.stream(r.shape()).mapToInt(Math::toIntExact).toArray();
        return r.dtype() == StorageDType.F64 ? Tensor.of(r.toDoubleArray(), s) : Tensor.of(r.toFloatArray(), s);
    }

    /** Raw entries back as tensors. */
    public static Map<String, Tensor> tensors(Map<String, RawTensor> raw) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        raw.forEach((k, v) -> out.put(k, tensor(v)));
        return out;
    }
}
