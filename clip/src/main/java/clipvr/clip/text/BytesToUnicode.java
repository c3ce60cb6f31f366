package clipvr.clip.text;

/**
 * CLIP's reversible map between the 256 byte values and 256 printable Unicode characters
 * ({@code bytes_to_unicode} in OpenAI's {@code simple_tokenizer.py}, inherited from GPT-2).
 *
 * <p>Byte-level BPE works on the UTF-8 bytes of the text, so every string is representable and there is no
 * "unknown" token. The merges file, however, is text, and BPE code splits on whitespace; so each byte is shown
 * as a visible character. Bytes that are already printable and not whitespace ({@code !}..{@code ~},
 * {@code ¡}..{@code ¬}, {@code ®}..{@code ÿ}: 188 of them) stand for themselves; the remaining 68 (controls, space,
 * DEL, the C1 range, NBSP, soft hyphen) are shifted to U+0100, U+0101, ... in byte order. For example the space
 * byte 0x20 becomes {@code Ġ} (U+0120).
 *
 * <p>The order of {@link #byteToChar(int)} over bytes 0..255 is <em>not</em> the vocabulary order: ids 0..255 list
 * the printable bytes first (in the order above) and then the shifted ones; see {@link #vocabularyOrder()}.
 */
final class BytesToUnicode {
    /** byte value (0..255) to its stand-in character. */
    private static final char[] BYTE_TO_CHAR = new char[256];
    /** stand-in character to byte value, or -1; all stand-ins are below U+0144. */
    private static final int[] CHAR_TO_BYTE = new int[0x144];
    /** the 256 stand-ins in the order Python's dict yields them: printable bytes first, then shifted ones. */
    private static final char[] VOCABULARY_ORDER = new char[256];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int next = 0;
        for (int b = 0; b < 256; b++) {
            if (isPrintable(b)) {
                BYTE_TO_CHAR[b] = (char) b;
                VOCABULARY_ORDER[next++] = (char) b;
            }
        }
        int shifted = 0;
        for (int b = 0; b < 256; b++) {
            if (!isPrintable(b)) {
                BYTE_TO_CHAR[b] = (char) (256 + shifted++);
                VOCABULARY_ORDER[next++] = BYTE_TO_CHAR[b];
            }
        }
        for (int b = 0; b < 256; b++) CHAR_TO_BYTE[BYTE_TO_CHAR[b]] = b;
    }

    private BytesToUnicode() {}

    private static boolean isPrintable(int b) {
        return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }

    /** The stand-in character of byte {@code b} (0..255). */
    static char byteToChar(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte a stand-in character represents, or -1 if {@code c} is not a stand-in. */
    static int charToByte(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** The stand-ins in vocabulary order (ids 0..255). */
    static char[] vocabularyOrder() {
        return VOCABULARY_ORDER.clone();
    }

    /** Maps the UTF-8 bytes of {@code token} to stand-in characters: one char per byte. */
    static String encode(byte[] utf8) {
        char[] out = new char[utf8.length];
        for (int i = 0; i < utf8.length; i++) out[i] = byteToChar(utf8[i]);
        return new String(out);
    }
}
