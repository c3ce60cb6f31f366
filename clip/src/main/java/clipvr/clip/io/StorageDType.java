package clipvr.clip.io;

import java.util.Locale;

/**
 * Element types that the checkpoint layer can carry and convert (§2.5, §6.2). Data is always held little-endian.
 * Other dtypes (float8, complex, unsigned 16/32/64, quantized, sub-byte) are rejected with a message by the
 * {@code from...} lookups.
 */
public enum StorageDType {
    BOOL(1, "BOOL", "Bool", "bool"),
    U8(1, "U8", "Byte", "uint8"),
    I8(1, "I8", "Char", "int8"),
    I16(2, "I16", "Short", "int16"),
    I32(4, "I32", "Int", "int32"),
    I64(8, "I64", "Long", "int64"),
    F16(2, "F16", "Half", "float16"),
    BF16(2, "BF16", "BFloat16", "bfloat16"),
    F32(4, "F32", "Float", "float32"),
    F64(8, "F64", "Double", "float64");

    /** Bytes per element. */
    public final int size;
    /** safetensors dtype string (§6.2). */
    public final String safetensorsName;
    /** Prefix of the legacy torch storage class, e.g. {@code Half} for {@code torch.HalfStorage} (§2.5, §4.4). */
    public final String torchStoragePrefix;
    /** torch dtype name without the {@code torch.} prefix. */
    public final String torchName;

    StorageDType(int size, String safetensorsName, String torchStoragePrefix, String torchName) {
        this.size = size;
        this.safetensorsName = safetensorsName;
        this.torchStoragePrefix = torchStoragePrefix;
        this.torchName = torchName;
    }

    public boolean isFloatingPoint() {
        return this == F16 || this == BF16 || this == F32 || this == F64;
    }

    /** safetensors dtype string → dtype; known but unsupported strings get a specific message (§6.2). */
    public static StorageDType fromSafetensors(String s) {
        for (StorageDType d : values()) if (d.safetensorsName.equals(s)) return d;
        String known = switch (s) {
            case "U16", "U32", "U64" -> "unsigned " + s.substring(1) + "-bit integers";
            case "C64" -> "complex64";
            case "F8_E5M2", "F8_E4M3", "F8_E8M0", "F8_E4M3FNUZ", "F8_E5M2FNUZ" -> "8-bit floats";
            case "F4", "F6_E2M3", "F6_E3M2" -> "sub-byte floats";
            default -> null;
        };
        throw new CheckpointException(CheckpointException.Reason.UNSUPPORTED_DTYPE,
                known == null ? "unknown safetensors dtype \"" + s + "\""
                        : "safetensors dtype " + s + " (" + known + ") is not supported; supported: " + supportedList());
    }

    /**
     * torch storage class name (e.g. {@code HalfStorage}) → dtype (§2.5, §4.4). Returns null for
     * {@code UntypedStorage}; unsupported classes (complex, quantized) are rejected.
     */
    public static StorageDType fromTorchStorageClass(String className) {
        if (className.equals("UntypedStorage")) return null;
        if (className.endsWith("Storage")) {
            String prefix = className.substring(0, className.length() - "Storage".length());
            for (StorageDType d : values()) if (d.torchStoragePrefix.equals(prefix)) return d;
        }
        throw new CheckpointException(CheckpointException.Reason.UNSUPPORTED_DTYPE,
                "torch storage class " + className + " is not supported; supported: "
                        + String.join(", ", java.util.Arrays.stream(values()).map(d -> d.torchStoragePrefix + "Storage").toList()));
    }

    /** torch dtype name ({@code float32}, {@code half}, ...) → dtype, or an error for unsupported ones (§2.6). */
    public static StorageDType fromTorchName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        switch (n) {
            case "float", "float32": return F32;
            case "half", "float16": return F16;
            case "bfloat16": return BF16;
            case "double", "float64": return F64;
            case "long", "int64": return I64;
            case "int", "int32": return I32;
            case "short", "int16": return I16;
            case "int8": return I8;
            case "uint8": return U8;
            case "bool": return BOOL;
            default:
                throw new CheckpointException(CheckpointException.Reason.UNSUPPORTED_DTYPE,
                        "torch dtype torch." + name + " is not supported; supported: " + supportedList());
        }
    }

    private static String supportedList() {
        return String.join(", ", java.util.Arrays.stream(values()).map(d -> d.safetensorsName).toList());
    }
}
