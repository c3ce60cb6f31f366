package clipvr.clip.io;

import java.nio.file.Path;

/**
 * The one exception type of the checkpoint layer. Every failure to read, parse, validate or write a checkpoint
 * (including I/O errors, truncated files and forbidden pickle content) surfaces as this unchecked exception, with a
 * message that names the file and, where known, the record, tensor, opcode or byte offset at fault.
 */
public final class CheckpointException extends RuntimeException {

    /** Coarse classification, mainly for tests and for callers that want to react to a kind of failure. */
    public enum Reason {
        /** I/O error from the operating system. */
        IO,
        /** The file ends before a structure it announces (zip central directory, pickle, storage bytes, ...). */
        TRUNCATED,
        /** The first bytes match no supported format (§1). */
        UNKNOWN_FORMAT,
        /** A recognised but deliberately unsupported format or feature (preview zip, tar, quantized tensors, ...). */
        UNSUPPORTED,
        /** safetensors §6.3: file shorter than 8 bytes. */
        HEADER_TOO_SMALL,
        /** safetensors §6.3: N above 100,000,000. */
        HEADER_TOO_LARGE,
        /** safetensors §6.3: 8 + N beyond the end of the file. */
        INVALID_HEADER_LENGTH,
        /** safetensors §6.3: header is not UTF-8. */
        INVALID_HEADER,
        /** safetensors §6.3: header is not valid JSON or not of the expected shape (includes duplicate keys). */
        INVALID_HEADER_DESERIALIZATION,
        /** safetensors §6.3: gap, overlap or reversed data_offsets. */
        INVALID_OFFSET,
        /** safetensors §6.3: element or byte count overflow. */
        VALIDATION_OVERFLOW,
        /** safetensors §6.3: byte range does not match dtype x shape. */
        TENSOR_INVALID_INFO,
        /** safetensors §6.3: the data section is not exactly covered by the tensors. */
        METADATA_INCOMPLETE_BUFFER,
        /** A dtype that this layer does not convert (§6.2, §2.5). */
        UNSUPPORTED_DTYPE,
        /** Malformed zip structure (§2.3). */
        BAD_ZIP,
        /** Malformed pickle stream or unsupported opcode (§3). */
        BAD_PICKLE,
        /** A pickle GLOBAL outside the closed handler set (§9.2). */
        FORBIDDEN_GLOBAL,
        /** A resource limit of §9.3 was hit. */
        LIMIT_EXCEEDED,
        /** Structurally valid file whose content is inconsistent (storage sizes, strided views out of bounds, ...). */
        BAD_CONTENT,
        /** The state dict does not match the expected CLIP key set / shapes (§5.3, §5.5, §7). */
        KEY_MISMATCH,
    }

    private final Reason reason;
    private final Path file;
    private final String detail;

    public CheckpointException(Reason reason, Path file, String message) {
        this(reason, file, message, null);
    }

    public CheckpointException(Reason reason, Path file, String message, Throwable cause) {
        super(file == null ? message : file + ": " + message, cause);
        this.reason = reason;
        this.file = file;
        this.detail = message;
    }

    public CheckpointException(Reason reason, String message) {
        this(reason, null, message, null);
    }

    public Reason reason() {
        return reason;
    }

    /** The file at fault, or null when the failure is not tied to one file. */
    public Path file() {
        return file;
    }

    /** The message without the file name. */
    public String detail() {
        return detail;
    }

    /** Same reason and cause, with the file name prefixed (used when a lower layer did not know the file). */
    public CheckpointException withFile(Path f) {
        if (file != null || f == null) return this;
        return copy(f, detail);
    }

    /** Same reason, file and cause, with {@code context} (e.g. "in record 'p/data.pkl'") appended. */
    public CheckpointException withContext(String context) {
        return copy(file, detail + " (" + context + ")");
    }

    private CheckpointException copy(Path f, String d) {
        CheckpointException e = new CheckpointException(reason, f, d, getCause());
        e.setStackTrace(getStackTrace());
        return e;
    }
}
