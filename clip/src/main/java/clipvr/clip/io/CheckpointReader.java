package clipvr.clip.io;

import clipvr.clip.io.CheckpointException.Reason;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Entry point: reads any supported checkpoint file, or picks the weights file in a directory. The format is
 * detected from the first bytes (§1), never from the file name.
 */
public final class CheckpointReader {

    /**
     * File names tried, in order, when {@link #read(Path)} is given a directory: open_clip's preference order
     * (§8.3), then other common names.
     */
    public static final List<String> DIRECTORY_PREFERENCE = List.of(
            "open_clip_model.safetensors", "open_clip_pytorch_model.safetensors", "open_clip_pytorch_model.bin",
            "open_clip_pytorch_model.pth", "model.safetensors", "pytorch_model.bin", "pytorch_model.pth");

    private static final byte[] LEGACY_MAGIC = HexFormat.of().parseHex("80028a0a6cfc9c46f9206aa850192e");

    private CheckpointReader() {}

    /** Reads a checkpoint file (or the preferred file of a directory) with strict pickle globals. */
    public static Checkpoint read(Path path) {
        return read(path, ReadOptions.DEFAULT);
    }

    public static Checkpoint read(Path path, ReadOptions options) {
        if (Files.isDirectory(path)) {
            Path index = shardIndex(path);
            if (index != null) return readSharded(index, options);
        } else if (path.getFileName().toString().endsWith(".index.json")) {
            return readSharded(path, options);
        }
        Path file = Files.isDirectory(path) ? pickFile(path) : path;
        try {
            return switch (detect(file)) {
                case SAFETENSORS -> SafetensorsReader.read(file);
                case TORCH_ZIP, TORCHSCRIPT -> TorchZipReader.read(file, options);
                case TORCH_LEGACY -> TorchLegacyReader.read(file, options);
            };
        } catch (CheckpointException e) {
            throw e.withFile(file);
        } catch (RuntimeException e) { // defensive: any other failure is still reported as a checkpoint error
            throw new CheckpointException(Reason.BAD_CONTENT, file, "cannot read checkpoint: " + e, e);
        }
    }

    /** HF sharded checkpoints: an index file, used only when no single-file checkpoint is present. */
    private static Path shardIndex(Path dir) {
        for (String name : DIRECTORY_PREFERENCE) if (Files.isRegularFile(dir.resolve(name))) return null;
        for (String name : List.of("model.safetensors.index.json", "pytorch_model.bin.index.json")) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }

    /**
     * Reads an HF shard index ({@code {"weight_map": {tensor: shard file}}}) and merges the shards in index order.
     * Every tensor must come from the shard the index names, and no tensor may appear twice.
     */
    public static Checkpoint readSharded(Path index, ReadOptions options) {
        com.fasterxml.jackson.databind.JsonNode map;
        try {
            map = new com.fasterxml.jackson.databind.ObjectMapper().readTree(index.toFile()).get("weight_map");
        } catch (IOException e) {
            throw new CheckpointException(Reason.BAD_CONTENT, index, "cannot parse shard index: " + e.getMessage(), e);
        }
        if (map == null || !map.isObject()) throw new CheckpointException(Reason.BAD_CONTENT, index,
                "shard index has no 'weight_map' object");
        java.util.LinkedHashMap<String, List<String>> byShard = new java.util.LinkedHashMap<>();
        map.fields().forEachRemaining(e -> byShard.computeIfAbsent(e.getValue().asText(), k -> new ArrayList<>()).add(e.getKey()));
        java.util.LinkedHashMap<String, RawTensor> all = new java.util.LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        Checkpoint.Format format = null;
        for (var shard : byShard.entrySet()) {
            Path f = index.resolveSibling(shard.getKey());
            if (!f.normalize().startsWith(index.getParent().normalize())) throw new CheckpointException(Reason.BAD_CONTENT,
                    index, "shard path '" + shard.getKey() + "' leaves the checkpoint directory");
            Checkpoint c = read(f, options);
            format = c.format();
            for (String name : shard.getValue()) {
                RawTensor t = c.tensors().get(name);
                if (t == null) throw new CheckpointException(Reason.BAD_CONTENT, f, "shard lacks tensor '" + name
                        + "' that " + index.getFileName() + " assigns to it");
                if (all.put(name, t) != null) throw new CheckpointException(Reason.BAD_CONTENT, index,
                        "tensor '" + name + "' appears in two shards");
            }
            notes.add("shard " + shard.getKey() + ": " + shard.getValue().size() + " tensors");
        }
        if (format == null) throw new CheckpointException(Reason.BAD_CONTENT, index, "shard index is empty");
        return new Checkpoint(index, format, all, java.util.Map.of(), notes, null);
    }

    /**
     * The format of a file from its first bytes (§1). {@code TORCH_ZIP} is returned for every zip; whether it is a
     * TorchScript archive is decided by its records.
     */
    public static Checkpoint.Format detect(Path file) {
        byte[] head = new byte[512];
        int n;
        long size;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
            size = Files.size(file);
        } catch (IOException e) {
            throw new CheckpointException(Reason.IO, file, "cannot read: " + e, e);
        }
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) return Checkpoint.Format.TORCH_ZIP;
        if (n >= 4 && head[0] == 'P' && head[1] == 'K') throw new CheckpointException(Reason.UNKNOWN_FORMAT, file,
                "zip file does not start with a local file header (spanned or empty zip?)");
        if (n >= LEGACY_MAGIC.length && java.util.Arrays.equals(head, 0, LEGACY_MAGIC.length, LEGACY_MAGIC, 0,
                LEGACY_MAGIC.length)) return Checkpoint.Format.TORCH_LEGACY;
        if (n >= 8 && new String(head, 0, 8, java.nio.charset.StandardCharsets.ISO_8859_1).equals("PYTORCH1"))
            throw new CheckpointException(Reason.UNSUPPORTED, file,
                    "unsupported archive format from the PyTorch preview release (PYTORCH1)");
        if (n >= 262 && new String(head, 257, 5, java.nio.charset.StandardCharsets.ISO_8859_1).equals("ustar"))
            throw new CheckpointException(Reason.UNSUPPORTED, file,
                    "tar archive: the pre-1.0 torch.save tar format is not supported (§2.9)");
        if (n >= 9 && looksLikeSafetensors(head, n)) return Checkpoint.Format.SAFETENSORS;
        if (size == 0) throw new CheckpointException(Reason.TRUNCATED, file, "file is empty");
        if (n >= 2 && (head[0] & 0xFF) == 0x80) throw new CheckpointException(Reason.UNKNOWN_FORMAT, file,
                "file is a bare pickle (protocol " + (head[1] & 0xFF) + "), not a torch.save checkpoint; "
                        + "plain pickles are not read");
        throw new CheckpointException(Reason.UNKNOWN_FORMAT, file, "unknown checkpoint format (first bytes "
                + HexFormat.ofDelimiter(" ").formatHex(head, 0, Math.min(n, 16))
                + "); supported: safetensors, torch.save zip/legacy, TorchScript");
    }

    /** u64 LE header length, then JSON that starts with '{' after optional JSON whitespace (§1). */
    private static boolean looksLikeSafetensors(byte[] head, int n) {
        for (int i = 8; i < n; i++) {
            int c = head[i] & 0xFF;
            if (c == '{') return true;
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return false;
        }
        return false;
    }

    /** Picks the weights file of a directory: {@link #DIRECTORY_PREFERENCE}, else the single weights-like file. */
    public static Path pickFile(Path dir) {
        for (String name : DIRECTORY_PREFERENCE) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) return p;
        }
        List<Path> candidates = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isRegularFile).filter(p -> {
                String f = p.getFileName().toString();
                return f.endsWith(".safetensors") || f.endsWith(".pt") || f.endsWith(".pth") || f.endsWith(".bin");
            }).sorted().forEach(candidates::add);
        } catch (IOException e) {
            throw new CheckpointException(Reason.IO, dir, "cannot list directory: " + e, e);
        }
        if (candidates.size() == 1) return candidates.get(0);
        throw new CheckpointException(Reason.UNKNOWN_FORMAT, dir, candidates.isEmpty()
                ? "directory holds no checkpoint file (looked for " + DIRECTORY_PREFERENCE + ", *.safetensors, *.pt,"
                + " *.pth, *.bin)"
                : "directory holds several candidate checkpoint files " + candidates.stream().map(p ->
                p.getFileName().toString()).toList() + " and none of the preferred names; pass the file itself");
    }
}
