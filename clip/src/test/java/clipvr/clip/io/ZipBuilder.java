package clipvr.clip.io;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Test helper: writes zip archives like PyTorch's writer (§2.3): optional 64-byte data alignment through an
 * 'FB' extra field in the local header, optional ZIP64 (extra fields + ZIP64 end records), STORED or DEFLATE.
 */
final class ZipBuilder {
    private record E(String name, byte[] stored, int method, long size, long crc, long localOffset) {}

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final List<E> entries = new ArrayList<>();
    private final boolean align64, zip64;

    ZipBuilder(boolean align64, boolean zip64) {
        this.align64 = align64;
        this.zip64 = zip64;
    }

    private void le(long v, int n) {
        for (int i = 0; i < n; i++) out.write((int) (v >>> (8 * i)));
    }

    ZipBuilder add(String name, byte[] data) { return add(name, data, false); }

    ZipBuilder add(String name, String text) { return add(name, text.getBytes(StandardCharsets.UTF_8), false); }

    ZipBuilder add(String name, byte[] data, boolean deflate) {
        CRC32 crc = new CRC32();
        crc.update(data);
        byte[] stored = data;
        if (deflate) {
            Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            d.setInput(data);
            d.finish();
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            while (!d.finished()) b.write(buf, 0, d.deflate(buf));
            d.end();
            stored = b.toByteArray();
        }
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        long offset = out.size();
        int extra = 0;
        if (align64) {
            long dataStart = offset + 30 + nameBytes.length + 4;
            extra = 4 + (int) ((64 - dataStart % 64) % 64);
        }
        le(0x04034b50, 4); le(20, 2); le(0, 2); le(deflate ? 8 : 0, 2); le(0, 2); le(0, 2);
        le(crc.getValue(), 4); le(stored.length, 4); le(data.length, 4); le(nameBytes.length, 2); le(extra, 2);
        out.writeBytes(nameBytes);
        if (extra > 0) { // 'FB' padding field filled with 'Z' (§2.3)
            out.write('F'); out.write('B'); le(extra - 4, 2);
            for (int i = 0; i < extra - 4; i++) out.write('Z');
        }
        out.writeBytes(stored);
        entries.add(new E(name, stored, deflate ? 8 : 0, data.length, crc.getValue(), offset));
        return this;
    }

    byte[] toBytes() {
        long cdStart = out.size();
        for (E e : entries) {
            byte[] nb = e.name.getBytes(StandardCharsets.UTF_8);
            le(0x02014b50, 4); le(45, 2); le(45, 2); le(0, 2); le(e.method, 2); le(0, 2); le(0, 2);
            le(e.crc, 4);
            le(zip64 ? 0xFFFFFFFFL : e.stored.length, 4);
            le(zip64 ? 0xFFFFFFFFL : e.size, 4);
            le(nb.length, 2); le(zip64 ? 28 : 0, 2); le(0, 2); le(0, 2); le(0, 2); le(0, 4);
            le(zip64 ? 0xFFFFFFFFL : e.localOffset, 4);
            out.writeBytes(nb);
            if (zip64) { le(0x0001, 2); le(24, 2); le(e.size, 8); le(e.stored.length, 8); le(e.localOffset, 8); }
        }
        long cdSize = out.size() - cdStart;
        if (zip64) {
            long z = out.size();
            le(0x06064b50, 4); le(44, 8); le(45, 2); le(45, 2); le(0, 4); le(0, 4);
            le(entries.size(), 8); le(entries.size(), 8); le(cdSize, 8); le(cdStart, 8);
            le(0x07064b50, 4); le(0, 4); le(z, 8); le(1, 4);
        }
        le(0x06054b50, 4); le(0, 2); le(0, 2);
        le(zip64 ? 0xFFFF : entries.size(), 2); le(zip64 ? 0xFFFF : entries.size(), 2);
        le(zip64 ? 0xFFFFFFFFL : cdSize, 4); le(zip64 ? 0xFFFFFFFFL : cdStart, 4); le(0, 2);
        return out.toByteArray();
    }
}
