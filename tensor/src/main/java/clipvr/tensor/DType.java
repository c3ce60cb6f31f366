package clipvr.tensor;

/** Element types. float32 is the compute type; float64 exists so gradient checks are exact. */
public enum DType {
    F32(4), F64(8);

    /** Bytes per element. */
    public final int bytes;

    DType(int bytes) { this.bytes = bytes; }
}
