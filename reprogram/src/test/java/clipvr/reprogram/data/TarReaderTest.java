package clipvr.reprogram.data;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarReaderTest {

    private static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    private static List<String> readAll(TarReader tar, List<byte[]> contents) throws IOException {
        List<String> names = new ArrayList<>();
        for (TarReader.Entry e; (e = tar.next()) != null; ) {
            names.add(e.type() + ":" + e.name());
            if (e.isFile()) contents.add(tar.readContent());
        }
        return names;
    }

    @Test
    void readsUstarGnuLongNamesPrefixAndPax() throws IOException {
        String longName = "root/train/" + "a-very-long-class-folder-name-".repeat(4) + "/image-with-a-long-name.jpg";
        assertTrue(longName.length() > 100);
        byte[] big = new byte[1500];
        for (int i = 0; i < big.length; i++) big[i] = (byte) i;
        byte[] tar = new TarBuilder()
                .dir("root")
                .file("root/a.txt", bytes("hello"))
                .file(longName, big)
                .fileWithPrefix("root/" + "p".repeat(120), "x.bin", bytes("prefixed"))
                .paxFile("root/from-pax/" + "q".repeat(150) + ".bin", bytes("pax!"))
                .file("root/empty", new byte[0])
                .tar();
        List<byte[]> contents = new ArrayList<>();
        List<String> names = readAll(new TarReader(new ByteArrayInputStream(tar), "test.tar"), contents);
        assertEquals(List.of("DIRECTORY:root", "FILE:root/a.txt", "FILE:" + longName,
                "FILE:root/" + "p".repeat(120) + "/x.bin", "FILE:root/from-pax/" + "q".repeat(150) + ".bin", "FILE:root/empty"), names);
        assertArrayEquals(bytes("hello"), contents.get(0));
        assertArrayEquals(big, contents.get(1));
        assertArrayEquals(bytes("prefixed"), contents.get(2));
        assertArrayEquals(bytes("pax!"), contents.get(3));
        assertEquals(0, contents.get(4).length);
    }

    @Test
    void skipsUnreadContentAndReadsGzipFromFile(@TempDir Path dir) throws IOException {
        byte[] big = new byte[5000];
        big[4999] = 7;
        Path f = dir.resolve("t.tar.gz");
        Files.write(f, new TarBuilder().file("a/big.bin", big).file("a/b.txt", bytes("second")).tarGz());
        try (TarReader tar = TarReader.open(f)) {
            assertEquals("a/big.bin", tar.next().name());            // content not read: skipped by next()
            TarReader.Entry e = tar.next();
            assertEquals("a/b.txt", e.name());
            assertEquals(6, e.size());
            assertEquals("second", new String(tar.contentStream().readAllBytes(), StandardCharsets.UTF_8));
            assertNull(tar.next());
            assertNull(tar.next());
        }
        Path plain = dir.resolve("t.tar");                              // uncompressed, detected by magic
        Files.write(plain, new TarBuilder().file("z", bytes("zz")).tar());
        try (TarReader tar = TarReader.open(plain)) {
            assertEquals("z", tar.next().name());
            assertArrayEquals(bytes("zz"), tar.readContent());
        }
    }

    @Test
    void rejectsCorruptHeaderAndTruncation() {
        byte[] tar = new TarBuilder().file("a.txt", bytes("hello world")).tar();
        byte[] corrupt = tar.clone();
        corrupt[10] ^= 0x55;
        IOException e = assertThrows(IOException.class, () -> new TarReader(new ByteArrayInputStream(corrupt), "bad.tar").next());
        assertTrue(e.getMessage().contains("bad.tar") && e.getMessage().contains("checksum"), e.getMessage());

        byte[] truncated = java.util.Arrays.copyOf(tar, 512 + 5);
        assertThrows(IOException.class, () -> {
            TarReader r = new TarReader(new ByteArrayInputStream(truncated), "trunc.tar");
            r.next();
            r.readContent();
        });
    }

    @Test
    void parsesOctalAndBase256Numbers() throws IOException {
        byte[] b = "0000012345 \0".getBytes(StandardCharsets.US_ASCII);
        assertEquals(012345, TarReader.parseNumber(b, 0, 12));
        byte[] big = new byte[12];
        big[0] = (byte) 0x80;
        big[11] = 1;
        big[10] = 2;
        assertEquals(0x0201, TarReader.parseNumber(big, 0, 12));
    }
}
