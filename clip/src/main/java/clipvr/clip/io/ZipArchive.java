package clipvr.clip.io;

import clipvr.clip.io.CheckpointException.Reason;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A minimal read-only zip reader over a memory-mapped file (§2.3): end of central directory (classic and ZIP64),
 * central directory entries with ZIP64 extra fields, and data offsets computed from the <em>local</em> headers
 * (whose extra length differs from the central one because of PyTorch's 64-byte alignment padding).
 * STORED entries are returned as zero-copy slices; DEFLATE entries are inflated with a size cap.
 */
public final class ZipArchive {

    /** Default cap for an inflated entry (only TorchScript code and small records are ever deflated). */
    public static final long DEFAULT_MAX_INFLATED = 256L << 20;
    /** Cap on the number of central directory entries. */
    public static final int MAX_ENTRIES = 1_000_000;

    private static final int SIG_LOCAL = 0x04034b50, SIG_CENTRAL = 0x02014b50, SIG_EOCD = 0x06054b50,
            SIG_ZIP64_LOCATOR = 0x07064b50, SIG_ZIP64_EOCD = 0x06064b50;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * One central-directory entry.
     *
     * @param method 0 = STORED, 8 = DEFLATE
     */
    public record Entry(int index, String name, int method, long compressedSize, long uncompressedSize, long crc32,
                        long localHeaderOffset) {}

    private final Path file;
    private final MemorySegment seg;
    private final List<Entry> entries;
    private final Map<String, Entry> byName;
    private final long centralDirOffset;

    private ZipArchive(Path file, MemorySegment seg) {
        this.file = file;
        this.seg = seg;
        long[] cd = findCentralDirectory();
        this.centralDirOffset = cd[0];
        this.entries = Collections.unmodifiableList(readCentralDirectory(cd[0], cd[1], cd[2]));
        Map<String, Entry> m = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (m.put(e.name, e) != null) throw bad("duplicate entry name '" + e.name + "'");
        }
        this.byName = Collections.unmodifiableMap(m);
    }

    /** Maps and indexes a zip file. */
    public static ZipArchive open(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return new ZipArchive(file, ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), Arena.ofAuto()));
        } catch (IOException e) {
            throw new CheckpointException(Reason.IO, file, "cannot read: " + e, e);
        }
    }

    /** Indexes zip bytes already in memory; {@code file} only names them in messages. */
    public static ZipArchive of(MemorySegment bytes, Path file) {
        return new ZipArchive(file, bytes);
    }

    public Path file() { return file; }

    public List<Entry> entries() { return entries; }

    /** The entry with exactly this name, or null. */
    public Entry entry(String name) { return byName.get(name); }

    public MemorySegment segment() { return seg; }

    // ------------------------------------------------------------------------------------------------------------
    // end of central directory (classic + ZIP64)

    /** Returns {central directory offset, size, entry count}. */
    private long[] findCentralDirectory() {
        long size = seg.byteSize();
        if (size < 22) throw truncated("file is " + size + " bytes, too short for a zip end-of-central-directory record");
        long stop = Math.max(0, size - 22 - 0xFFFF);
        long eocd = -1;
        for (long p = size - 22; p >= stop; p--) {
            if (seg.get(U32, p) == SIG_EOCD && p + 22 + u16(p + 20) <= size) { eocd = p; break; }
        }
        if (eocd < 0) throw truncated("zip end-of-central-directory record not found (truncated file?)");
        long count = u16(eocd + 10), cdSize = u32(eocd + 12), cdOffset = u32(eocd + 16);
        // ZIP64 locator sits immediately before the classic record (§2.3: PyTorch always writes ZIP64)
        if (eocd >= 20 && seg.get(U32, eocd - 20) == SIG_ZIP64_LOCATOR) {
            long z = seg.get(U64, eocd - 20 + 8);
            if (z < 0 || z > eocd - 20 - 56 || seg.get(U32, z) != SIG_ZIP64_EOCD) // no z + 56: it may overflow
                throw bad("ZIP64 end-of-central-directory locator points to " + z + ", where there is no ZIP64 record");
            count = seg.get(U64, z + 32);
            cdSize = seg.get(U64, z + 40);
            cdOffset = seg.get(U64, z + 48);
        } else if (count == 0xFFFF || cdSize == 0xFFFFFFFFL || cdOffset == 0xFFFFFFFFL) {
            throw bad("zip needs a ZIP64 end-of-central-directory record, which is missing (truncated file?)");
        }
        if (cdOffset < 0 || cdSize < 0 || cdOffset > size || cdSize > size - cdOffset) // overflow-safe
            throw truncated("central directory [" + cdOffset + ", +" + cdSize + ") lies outside the file ("
                    + size + " bytes): truncated file?");
        if (count < 0 || count > MAX_ENTRIES || count * 46 > cdSize)
            throw bad("implausible central directory entry count " + count);
        return new long[]{cdOffset, cdSize, count};
    }

    private List<Entry> readCentralDirectory(long offset, long cdSize, long count) {
        List<Entry> out = new ArrayList<>((int) count);
        long p = offset, end = offset + cdSize;
        for (int i = 0; i < count; i++) {
            if (p + 46 > end || seg.get(U32, p) != SIG_CENTRAL)
                throw bad("central directory entry " + i + " at offset " + p + " is malformed");
            int flags = u16(p + 8), method = u16(p + 10);
            long crc = u32(p + 16), csize = u32(p + 20), usize = u32(p + 24);
            int nameLen = u16(p + 28), extraLen = u16(p + 30), commentLen = u16(p + 32), disk = u16(p + 34);
            long local = u32(p + 42);
            long next = p + 46 + nameLen + extraLen + commentLen;
            if (next > end) throw bad("central directory entry " + i + " runs past the directory end");
            String name = new String(seg.asSlice(p + 46, nameLen).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            // ZIP64 extended information extra field (ID 0x0001): present fields in fixed order
            long x = p + 46 + nameLen, xEnd = x + extraLen;
            while (x + 4 <= xEnd) {
                int id = u16(x), len = u16(x + 2);
                long q = x + 4, qEnd = q + len;
                if (qEnd > xEnd) throw bad("entry '" + name + "': extra field runs past its end");
                if (id == 0x0001) {
                    if (usize == 0xFFFFFFFFL) { usize = need64(q, qEnd, name); q += 8; }
                    if (csize == 0xFFFFFFFFL) { csize = need64(q, qEnd, name); q += 8; }
                    if (local == 0xFFFFFFFFL) { local = need64(q, qEnd, name); q += 8; }
                    if (disk == 0xFFFF && q + 4 <= qEnd) disk = 0;
                }
                x = qEnd;
            }
            if ((flags & 1) != 0) throw unsupported("entry '" + name + "' is encrypted");
            if (method != 0 && method != 8)
                throw unsupported("entry '" + name + "' uses compression method " + method + " (only STORED and DEFLATE)");
            if (disk != 0) throw unsupported("multi-disk zip archives are not supported");
            if (usize < 0 || csize < 0 || local < 0 || local > offset - 30)
                throw bad("entry '" + name + "': sizes/offset out of range");
            if (method == 0 && csize != usize)
                throw bad("STORED entry '" + name + "' has compressed size " + csize + " != size " + usize);
            out.add(new Entry(i, name, method, csize, usize, crc, local));
            p = next;
        }
        return out;
    }

    private long need64(long q, long qEnd, String name) {
        if (q + 8 > qEnd) throw bad("entry '" + name + "': ZIP64 extra field too short");
        long v = seg.get(U64, q);
        if (v < 0) throw bad("entry '" + name + "': ZIP64 value out of range");
        return v;
    }

    // ------------------------------------------------------------------------------------------------------------
    // data

    /** File offset of the entry's data: local header offset + 30 + local name length + local extra length (§2.3). */
    public long dataOffset(Entry e) {
        long p = e.localHeaderOffset;
        if (p + 30 > seg.byteSize() || seg.get(U32, p) != SIG_LOCAL)
            throw bad("entry '" + e.name + "': no local file header at offset " + p);
        long data = p + 30 + u16(p + 26) + u16(p + 28);
        if (e.compressedSize > centralDirOffset - data)
            throw truncated("entry '" + e.name + "': data [" + data + ", +" + e.compressedSize
                    + ") runs into the central directory or past the end of the file");
        return data;
    }

    /** The entry's bytes (little-endian buffer). STORED: a zero-copy slice. DEFLATE: inflated, capped. */
    public ByteBuffer read(Entry e) {
        return read(e, DEFAULT_MAX_INFLATED);
    }

    /** As {@link #read(Entry)}, refusing deflated entries whose declared size exceeds {@code maxInflated}. */
    public ByteBuffer read(Entry e, long maxInflated) {
        long off = dataOffset(e);
        if (e.method == 0) {
            if (e.compressedSize > Integer.MAX_VALUE - 8) throw new CheckpointException(Reason.LIMIT_EXCEEDED, file,
                    "entry '" + e.name + "' is " + e.compressedSize + " bytes; records above 2 GiB are not supported");
            return seg.asSlice(off, e.compressedSize).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
        if (e.uncompressedSize > Math.min(maxInflated, Integer.MAX_VALUE - 8))
            throw new CheckpointException(Reason.LIMIT_EXCEEDED, file, "entry '" + e.name + "' inflates to "
                    + e.uncompressedSize + " bytes, above the limit of " + maxInflated);
        // The declared size is only a claim: grow the buffer as bytes really come out of the inflater, so that a
        // header claiming 256 MiB over a few bytes of data costs a few bytes (deflate expands at most ~1032:1).
        int declared = (int) e.uncompressedSize;
        byte[] out = new byte[(int) Math.min(declared, Math.max(1 << 16, Math.min(4 * e.compressedSize, 1 << 24)))];
        Inflater inf = new Inflater(true);
        int n = 0;
        try {
            inf.setInput(seg.asSlice(off, e.compressedSize).asByteBuffer());
            int idle = 0;
            while (n < declared && idle < 4) { // idle guard: never spin on a stuck inflater
                if (n == out.length) out = java.util.Arrays.copyOf(out, (int) Math.min(declared, 2L * out.length));
                int k = inf.inflate(out, n, out.length - n);
                if (k == 0 && (inf.finished() || inf.needsInput() || inf.needsDictionary())) break;
                idle = k == 0 ? idle + 1 : 0;
                n += k;
            }
            if (n < declared) throw bad("entry '" + e.name + "' inflates to " + n + " bytes, expected "
                    + declared + " (corrupt or truncated data)");
            if (!inf.finished() && inf.inflate(new byte[1]) > 0)
                throw bad("entry '" + e.name + "' inflates beyond its declared size " + declared);
        } catch (DataFormatException ex) {
            throw bad("entry '" + e.name + "' has corrupt DEFLATE data: " + ex.getMessage());
        } finally {
            inf.end();
        }
        CRC32 crc = new CRC32();
        crc.update(out);
        if (crc.getValue() != e.crc32) throw bad("entry '" + e.name + "' fails its CRC-32 check");
        return ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    }

    private int u16(long p) { return seg.get(U16, p) & 0xFFFF; }

    private long u32(long p) { return seg.get(U32, p) & 0xFFFFFFFFL; }

    private CheckpointException bad(String m) { return new CheckpointException(Reason.BAD_ZIP, file, m); }

    private CheckpointException truncated(String m) { return new CheckpointException(Reason.TRUNCATED, file, m); }

    private CheckpointException unsupported(String m) { return new CheckpointException(Reason.UNSUPPORTED, file, m); }
}
