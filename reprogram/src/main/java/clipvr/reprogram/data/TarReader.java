package clipvr.reprogram.data;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * A small streaming reader for tar archives: POSIX ustar (with the 155-byte name prefix), GNU long names and
 * long link names (type {@code L} / {@code K}), base-256 sizes, and pax extended headers (type {@code x}: the
 * {@code path} and {@code size} records are honoured, other records ignored; global headers {@code g} skipped).
 * Header checksums are verified. Sparse files and multi-volume archives are not supported.
 *
 * <p>Usage: {@code for (TarReader.Entry e; (e = tar.next()) != null; ) { if (e.isFile()) bytes = tar.readContent(); }}.
 * Content not read is skipped by the next {@link #next()}.
 */
public final class TarReader implements Closeable {

    /** Kind of a tar entry. */
    public enum Type { FILE, DIRECTORY, SYMLINK, HARDLINK, OTHER }

    /** One archive member. {@code name} is the full path inside the archive (no trailing slash for directories). */
    public record Entry(String name, long size, Type type, String linkName) {
        public boolean isFile() { return type == Type.FILE; }
        public boolean isDirectory() { return type == Type.DIRECTORY; }
    }

    private static final int BLOCK = 512;

    private final InputStream in;
    private final String source;
    private final byte[] header = new byte[BLOCK];
    private long remaining;     // unread content bytes of the current entry
    private long padding;       // padding after the current entry's content
    private boolean done;

    /** Reads an uncompressed tar stream. {@code source} names the archive in error messages. */
    public TarReader(InputStream in, String source) {
        this.in = in;
        this.source = source;
    }

    /**
     * Opens {@code file}; gzip compression is detected from the magic bytes (not the extension).
     */
    public static TarReader open(Path file) throws IOException {
        return new TarReader(openMaybeGzip(file), file.toString());
    }

    /** Opens {@code file} buffered, transparently gunzipping it when it starts with the gzip magic bytes. */
    static InputStream openMaybeGzip(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            raw.mark(2);
            int b0 = raw.read(), b1 = raw.read();
            raw.reset();
            return (b0 == 0x1f && b1 == 0x8b) ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /** Advances to the next member, skipping unread content; {@code null} at the end of the archive. */
    public Entry next() throws IOException {
        if (done) return null;
        skipFully(remaining + padding);
        remaining = padding = 0;
        String longName = null, longLink = null, paxPath = null;
        long paxSize = -1;
        while (true) {
            if (!readBlock()) { done = true; return null; }     // EOF without the end-of-archive marker: tolerated
            if (isZero(header)) {
                done = true;                                       // end-of-archive (second zero block not required)
                return null;
            }
            verifyChecksum();
            char flag = (char) (header[156] & 0xFF);
            long size = parseNumber(header, 124, 12);
            if (size < 0) throw corrupt("negative entry size");
            switch (flag) {
                case 'L' -> { longName = cString(readData(size)); continue; }
                case 'K' -> { longLink = cString(readData(size)); continue; }
                case 'x', 'X' -> {
                    String pax = new String(readData(size), StandardCharsets.UTF_8);
                    for (String[] rec : paxRecords(pax)) {
                        if (rec[0].equals("path")) paxPath = rec[1];
                        else if (rec[0].equals("size")) paxSize = Long.parseLong(rec[1].strip());
                    }
                    continue;
                }
                case 'g' -> { readData(size); continue; }
                default -> { }
            }
            String name;
            if (paxPath != null) name = paxPath;
            else if (longName != null) name = longName;
            else {
                name = field(header, 0, 100);
                boolean ustar = header[257] == 'u' && header[258] == 's' && header[259] == 't'
                        && header[260] == 'a' && header[261] == 'r' && header[262] == 0;   // POSIX "ustar\0"
                if (ustar) {
                    String prefix = field(header, 345, 155);
                    if (!prefix.isEmpty()) name = prefix + "/" + name;
                }
            }
            if (paxSize >= 0) size = paxSize;
            String link = longLink != null ? longLink : field(header, 157, 100);
            Type type = switch (flag) {
                case '0', '\0', '7' -> Type.FILE;
                case '5' -> Type.DIRECTORY;
                case '2' -> Type.SYMLINK;
                case '1' -> Type.HARDLINK;
                default -> Type.OTHER;
            };
            if (type == Type.FILE && name.endsWith("/")) type = Type.DIRECTORY;   // old-style directory entries
            while (name.endsWith("/")) name = name.substring(0, name.length() - 1);
            if (name.startsWith("./")) name = name.substring(2);
            boolean hasData = type == Type.FILE || type == Type.OTHER;
            remaining = hasData ? size : 0;
            padding = hasData ? (BLOCK - size % BLOCK) % BLOCK : 0;
            return new Entry(name, hasData ? size : 0, type, link);
        }
    }

    /** Reads all content of the current entry (at most 2 GiB). */
    public byte[] readContent() throws IOException {
        if (remaining > Integer.MAX_VALUE - 16) throw new IOException(source + ": entry too large to read into memory (" + remaining + " bytes)");
        byte[] b = in.readNBytes((int) remaining);
        if (b.length != remaining) throw new EOFException(source + ": archive truncated inside an entry");
        remaining = 0;
        return b;
    }

    /** A stream over the rest of the current entry's content; valid until the next call to {@link #next()}. */
    public InputStream contentStream() {
        return new InputStream() {
            @Override public int read() throws IOException {
                if (remaining <= 0) return -1;
                int b = in.read();
                if (b < 0) throw new EOFException(source + ": archive truncated inside an entry");
                remaining--;
                return b;
            }
            @Override public int read(byte[] buf, int off, int len) throws IOException {
                if (remaining <= 0) return -1;
                int n = in.read(buf, off, (int) Math.min(len, remaining));
                if (n < 0) throw new EOFException(source + ": archive truncated inside an entry");
                remaining -= n;
                return n;
            }
        };
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    // ---------------------------------------------------------------- internals

    private byte[] readData(long size) throws IOException {
        if (size > (64 << 20)) throw corrupt("extended header of " + size + " bytes");
        byte[] b = in.readNBytes((int) size);
        if (b.length != size) throw new EOFException(source + ": archive truncated in an extended header");
        skipFully((BLOCK - size % BLOCK) % BLOCK);
        return b;
    }

    private boolean readBlock() throws IOException {
        int n = in.readNBytes(header, 0, BLOCK);
        if (n == 0) return false;
        if (n != BLOCK) throw new EOFException(source + ": archive truncated in a header block");
        return true;
    }

    private void skipFully(long n) throws IOException {
        while (n > 0) {
            long s = in.skip(n);
            if (s <= 0) {
                if (in.read() < 0) throw new EOFException(source + ": archive truncated");
                s = 1;
            }
            n -= s;
        }
    }

    private void verifyChecksum() throws IOException {
        long stored = parseNumber(header, 148, 8);
        long unsigned = 0, signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            int b = (i >= 148 && i < 156) ? ' ' : header[i];
            unsigned += b & 0xFF;
            signed += (byte) b;
        }
        if (stored != unsigned && stored != signed) {
            throw corrupt("header checksum mismatch (not a tar archive, or corrupted)");
        }
    }

    private IOException corrupt(String what) {
        return new IOException(source + ": " + what);
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }

    /** Octal (NUL/space terminated) or GNU base-256 (high bit of the first byte set). */
    static long parseNumber(byte[] b, int off, int len) throws IOException {
        if ((b[off] & 0x80) != 0) {
            long v = b[off] & 0x7F;
            if ((b[off] & 0x40) != 0) v |= ~0x7FL;        // negative base-256
            for (int i = 1; i < len; i++) v = (v << 8) | (b[off + i] & 0xFF);
            return v;
        }
        long v = 0;
        int i = off, end = off + len;
        while (i < end && (b[i] == ' ' || b[i] == 0)) i++;
        for (; i < end; i++) {
            int c = b[i];
            if (c == 0 || c == ' ') break;
            if (c < '0' || c > '7') throw new IOException("invalid octal digit in tar header: " + (char) c);
            v = (v << 3) | (c - '0');
        }
        return v;
    }

    private static String field(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) end++;
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static String cString(byte[] b) {
        int end = 0;
        while (end < b.length && b[end] != 0) end++;
        return new String(b, 0, end, StandardCharsets.UTF_8);
    }

    /** pax records "LEN key=value\n". */
    private static java.util.List<String[]> paxRecords(String s) {
        java.util.List<String[]> out = new java.util.ArrayList<>();
        int pos = 0;
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);   // LEN counts bytes
        while (pos < bytes.length) {
            int sp = pos;
            while (sp < bytes.length && bytes[sp] != ' ') sp++;
            if (sp >= bytes.length) break;
            int len;
            try {
                len = Integer.parseInt(new String(bytes, pos, sp - pos, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                break;
            }
            if (len <= 0 || pos + len > bytes.length) break;
            String rec = new String(bytes, sp + 1, pos + len - sp - 2, StandardCharsets.UTF_8);   // drop trailing \n
            int eq = rec.indexOf('=');
            if (eq > 0) out.add(new String[] {rec.substring(0, eq), rec.substring(eq + 1)});
            pos += len;
        }
        return out;
    }
}
