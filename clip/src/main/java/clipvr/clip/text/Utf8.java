package clipvr.clip.text;

/**
 * UTF-8 decoding with replacement exactly as Python's {@code bytes.decode("utf-8", errors="replace")}: each
 * "maximal subpart" of an ill-formed sequence becomes one U+FFFD (the Unicode/W3C recommended practice).
 * Java's own decoder groups some ill-formed sequences differently (e.g. {@code ED BE}, the start of an encoded
 * surrogate, gives one U+FFFD in Java and two in Python), so {@code decode} uses this instead.
 */
final class Utf8 {
    private Utf8() {}

    static String decode(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length);
        int i = 0;
        while (i < bytes.length) {
            int b0 = bytes[i] & 0xFF;
            if (b0 < 0x80) {
                out.append((char) b0);
                i++;
                continue;
            }
            // number of continuation bytes, and the allowed range of the first one (excludes overlongs,
            // surrogates and code points above U+10FFFF)
            int need;
            int lo = 0x80;
            int hi = 0xBF;
            if (b0 >= 0xC2 && b0 <= 0xDF) need = 1;
            else if (b0 >= 0xE0 && b0 <= 0xEF) {
                need = 2;
                if (b0 == 0xE0) lo = 0xA0;
                if (b0 == 0xED) hi = 0x9F;
            } else if (b0 >= 0xF0 && b0 <= 0xF4) {
                need = 3;
                if (b0 == 0xF0) lo = 0x90;
                if (b0 == 0xF4) hi = 0x8F;
            } else {
                out.append('\uFFFD'); // C0, C1, F5..FF or a stray continuation byte
                i++;
                continue;
            }
            int codePoint = b0 & (0x3F >> need);
            int j = i + 1;
            boolean complete = true;
            for (int k = 0; k < need; k++, j++) {
                int b = j < bytes.length ? bytes[j] & 0xFF : -1;
                if (b < (k == 0 ? lo : 0x80) || b > (k == 0 ? hi : 0xBF)) {
                    complete = false;
                    break;
                }
                codePoint = (codePoint << 6) | (b & 0x3F);
            }
            if (complete) out.appendCodePoint(codePoint);
            else out.append('\uFFFD'); // one replacement for the maximal subpart bytes[i..j)
            i = j;
        }
        return out.toString();
    }
}
