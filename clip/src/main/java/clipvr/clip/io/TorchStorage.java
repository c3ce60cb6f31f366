package clipvr.clip.io;

import clipvr.clip.io.CheckpointException.Reason;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A torch storage referenced by a persistent id (§2.4), and the strided tensor views built on it by the rebuild
 * functions (§2.6). Views are materialized into contiguous little-endian {@link RawTensor}s once the tensor's
 * name is known (§2.7), with bounds checks and byte swapping where the archive says {@code big}.
 */
final class TorchStorage {

    final String key;
    /** Element type of a typed storage, or null for an UntypedStorage (bytes). */
    final StorageDType dtype;
    /** Element count in units of {@code dtype} (bytes when untyped). */
    final long numel;
    final boolean bigEndian;
    /** Raw bytes; null until loaded (legacy streams store data after the pickle, §2.9). */
    private ByteBuffer bytes;
    /** Legacy view storages (§2.9): root storage and element offset. */
    private final TorchStorage root;
    private final long rootOffset;

    TorchStorage(String key, StorageDType dtype, long numel, boolean bigEndian, ByteBuffer bytes) {
        this.key = key;
        this.dtype = dtype;
        this.numel = numel;
        this.bigEndian = bigEndian;
        this.bytes = bytes;
        this.root = null;
        this.rootOffset = 0;
    }

    /** A legacy view of {@code numel} elements at element offset {@code offset} in {@code root}. */
    TorchStorage(TorchStorage root, String key, long offset, long numel) {
        this.key = key;
        this.dtype = root.dtype;
        this.numel = numel;
        this.bigEndian = root.bigEndian;
        this.root = root;
        this.rootOffset = offset;
    }

    int elementSize() { return dtype == null ? 1 : dtype.size; }

    long byteSize() { return numel * elementSize(); }

    void setBytes(ByteBuffer b) { this.bytes = b; }

    boolean isLoaded() { return root != null ? root.isLoaded() : bytes != null; }

    ByteBuffer bytes(Path file) {
        if (root != null) {
            ByteBuffer r = root.bytes(file);
            long es = elementSize();
            // written so that no sum can overflow
            if (rootOffset < 0 || numel < 0 || rootOffset > root.numel || numel > root.numel - rootOffset)
                throw new CheckpointException(Reason.BAD_CONTENT,
                    file, "storage view '" + key + "' [" + rootOffset + ", +" + numel + ") exceeds its root storage '"
                    + root.key + "' of " + root.numel + " elements");
            return r.slice((int) (rootOffset * es), (int) (numel * es));
        }
        if (bytes == null) throw new CheckpointException(Reason.TRUNCATED, file,
                "storage '" + key + "' has no data (truncated file?)");
        return bytes.duplicate();
    }

    /** A tensor view produced by {@code _rebuild_tensor*}: offset and strides in elements of {@code dtype}. */
    record View(TorchStorage storage, StorageDType dtype, long offset, long[] size, long[] stride) {

        /** Copies (or slices, when already contiguous little-endian) the view into a {@link RawTensor}. */
        RawTensor materialize(String name, Path file) {
            long numel = RawTensor.numel(size, name);
            int es = dtype.size;
            ByteBuffer src = storage.bytes(file).order(ByteOrder.LITTLE_ENDIAN);
            long storageElems = src.remaining() / es;
            if (numel == 0) return new RawTensor(name, dtype, size, ByteBuffer.allocate(0));
            // §2.7 rule 2: offset + Σ (size_d − 1)·stride_d < storage numel, and no negative reach
            long last = offset, first = offset;
            for (int d = 0; d < size.length; d++) {
                long reach = Math.multiplyExact(size[d] - 1, stride[d]);
                if (reach >= 0) last = Math.addExact(last, reach); else first = Math.addExact(first, reach);
            }
            if (first < 0 || last >= storageElems) throw new CheckpointException(Reason.BAD_CONTENT, file,
                    "tensor '" + name + "': view (offset " + offset + ", size " + Arrays.toString(size) + ", stride "
                            + Arrays.toString(stride) + ") reaches elements [" + first + ", " + last
                            + "] outside its storage '" + storage.key + "' of " + storageElems + " " + dtype
                            + " elements");
            if (numel > Integer.MAX_VALUE / es) throw new CheckpointException(Reason.LIMIT_EXCEEDED, file,
                    "tensor '" + name + "' has " + numel + " elements; tensors above 2 GiB are not supported");
            if (isContiguous() && !storage.bigEndian) {
                return new RawTensor(name, dtype, size, src.slice((int) (offset * es), (int) (numel * es)));
            }
            ByteBuffer out = ByteBuffer.allocate((int) (numel * es)).order(ByteOrder.LITTLE_ENDIAN);
            long[] idx = new long[size.length];
            byte[] el = new byte[es];
            for (long n = 0; n < numel; n++) {
                long e = offset;
                for (int d = 0; d < size.length; d++) e += idx[d] * stride[d];
                src.get((int) (e * es), el);
                if (storage.bigEndian) reverse(el);
                out.put(el);
                for (int d = size.length - 1; d >= 0; d--) { // odometer increment, last dim fastest
                    if (++idx[d] < size[d]) break;
                    idx[d] = 0;
                }
            }
            return new RawTensor(name, dtype, size, out.flip());
        }

        /** §2.7 rule 5: stride[d] = Π_{e>d} size[e] (dimensions of size 1 may have any stride). */
        boolean isContiguous() {
            long expect = 1;
            for (int d = size.length - 1; d >= 0; d--) {
                if (size[d] != 1 && stride[d] != expect) return false;
                expect *= size[d];
            }
            return true;
        }

        private static void reverse(byte[] b) {
            for (int i = 0, j = b.length - 1; i < j; i++, j--) {
                byte t = b[i];
                b[i] = b[j];
                b[j] = t;
            }
        }
    }
}
