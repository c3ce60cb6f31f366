package clipvr.clip.io;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tensors of one checkpoint file, in file order, plus what is known about where they came from.
 *
 * @param file          the file read (null for in-memory input)
 * @param format        the detected container format (§1)
 * @param tensors       name → tensor, in the order of the file (state-dict order for torch files)
 * @param metadata      safetensors {@code __metadata__}, or informational key/values of torch files
 *                      ({@code version}, {@code byteorder}, ...); never null
 * @param notes         human-readable notes: "TorchScript", skipped entries, unwrapped {@code state_dict}, warnings
 * @param archivePrefix the zip archive folder {@code <p>} (§2.1), or null for non-zip formats
 */
public record Checkpoint(Path file, Format format, Map<String, RawTensor> tensors, Map<String, String> metadata,
                         List<String> notes, String archivePrefix) {

    /** Container formats (§1). */
    public enum Format {
        /** safetensors (§6). */
        SAFETENSORS,
        /** torch.save zip, PyTorch ≥ 1.6 (§2). */
        TORCH_ZIP,
        /** TorchScript archive from torch.jit.save, e.g. OpenAI's released .pt files (§4, §5). */
        TORCHSCRIPT,
        /** legacy non-zip torch.save stream (§2.9). */
        TORCH_LEGACY
    }

    public Checkpoint {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        notes = List.copyOf(notes);
    }

    /** The tensor called {@code name}, or a {@link CheckpointException} naming the file. */
    public RawTensor tensor(String name) {
        RawTensor t = tensors.get(name);
        if (t == null) throw new CheckpointException(CheckpointException.Reason.KEY_MISMATCH, file,
                "no tensor named '" + name + "' (" + tensors.size() + " tensors present)");
        return t;
    }

    /** Short description for logs and error messages: file, format, tensor count. */
    public String describe() {
        return (file == null ? "<memory>" : file.toString()) + " [" + format
                + (archivePrefix != null ? ", archive folder '" + archivePrefix + "'" : "")
                + ", " + tensors.size() + " tensors]";
    }
}
