package clipvr.reprogram.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/** Test helper: writes small tar archives (ustar headers, GNU long names, pax headers). */
final class TarBuilder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** A regular file; names over 100 bytes get a GNU {@code ././@LongLink} entry first. */
    TarBuilder file(String name, byte[] data) {
        byte[] nb = name.getBytes(StandardCharsets.UTF_8);
        if (nb.length > 100) {
            byte[] ln = (name + "\0").getBytes(StandardCharsets.UTF_8);
            header("././@LongLink", ln.length, 'L', false, null);
            body(ln);
            header(name.substring(0, 100), data.length, '0', false, null);
        } else {
            header(name, data.length, '0', true, null);
        }
        body(data);
        return this;
    }

    /** A file whose name is split over the ustar prefix (155) and name (100) fields. */
    TarBuilder fileWithPrefix(String prefix, String name, byte[] data) {
        header(name, data.length, '0', true, prefix);
        body(data);
        return this;
    }

    TarBuilder dir(String name) {
        header(name.endsWith("/") ? name : name + "/", 0, '5', true, null);
        return this;
    }

    /** A pax extended header setting {@code path}, followed by a file with a different (short) header name. */
    TarBuilder paxFile(String path, byte[] data) {
        String rec = "path=" + path + "\n";
        int len = rec.length() + 3;                       // "LEN " prefix; adjust until self-consistent
        while (String.valueOf(len).length() + 1 + rec.getBytes(StandardCharsets.UTF_8).length != len) len++;
        byte[] pax = (len + " " + rec).getBytes(StandardCharsets.UTF_8);
        header("PaxHeaders/x", pax.length, 'x', true, null);
        body(pax);
        header("short-name.bin", data.length, '0', true, null);
        body(data);
        return this;
    }

    byte[] tar() {
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        copy.writeBytes(out.toByteArray());
        copy.writeBytes(new byte[1024]);
        return copy.toByteArray();
    }

    byte[] tarGz() {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
                gz.write(tar());
            }
            return bos.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void header(String name, long size, char type, boolean posix, String prefix) {
        byte[] h = new byte[512];
        put(h, 0, 100, name.getBytes(StandardCharsets.UTF_8));
        put(h, 100, 8, octal(0644, 7));
        put(h, 108, 8, octal(0, 7));
        put(h, 116, 8, octal(0, 7));
        put(h, 124, 12, octal(size, 11));
        put(h, 136, 12, octal(0, 11));
        h[156] = (byte) type;
        if (posix) {
            put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
            put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
            if (prefix != null) put(h, 345, 155, prefix.getBytes(StandardCharsets.UTF_8));
        } else {
            put(h, 257, 8, "ustar  \0".getBytes(StandardCharsets.US_ASCII));   // GNU magic
        }
        for (int i = 148; i < 156; i++) h[i] = ' ';
        long sum = 0;
        for (byte b : h) sum += b & 0xFF;
        put(h, 148, 8, (String.format("%06o", sum) + "\0 ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(h);
    }

    private void body(byte[] data) {
        out.writeBytes(data);
        int pad = (512 - data.length % 512) % 512;
        out.writeBytes(new byte[pad]);
    }

    private static byte[] octal(long v, int digits) {
        return (String.format("%0" + digits + "o", v) + "\0").getBytes(StandardCharsets.US_ASCII);
    }

    private static void put(byte[] h, int off, int len, byte[] src) {
        System.arraycopy(src, 0, h, off, Math.min(len, src.length));
    }
}
