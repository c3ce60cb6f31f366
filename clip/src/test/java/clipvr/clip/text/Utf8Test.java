package clipvr.clip.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Expected strings are Python's {@code bytes.decode("utf-8", errors="replace")}. */
class Utf8Test {
    private static String decode(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) b[i] = (byte) bytes[i];
        return Utf8.decode(b);
    }

    @Test
    void maximalSubpartsBecomeOneReplacementEach() {
        assertEquals("\u20AC", decode(0xE2, 0x82, 0xAC));
        assertEquals("\uFFFD\uFFFD\uFFFD", decode(0xED, 0xBE, 0x80));      // encoded surrogate: every byte
        assertEquals("\uFFFD", decode(0xE2, 0x82));                          // truncated: one
        assertEquals("\uFFFD", decode(0xF0, 0x9F, 0x98));
        assertEquals("\uFFFD\uFFFD", decode(0xC0, 0xAF));                    // overlong
        assertEquals("\uFFFD\uFFFD\uFFFD\uFFFD", decode(0xF4, 0x90, 0x80, 0x80)); // above U+10FFFF
        assertEquals("a\uFFFDb", decode('a', 0xFF, 'b'));
        assertEquals("\uD83D\uDE00", decode(0xF0, 0x9F, 0x98, 0x80));
    }
}
