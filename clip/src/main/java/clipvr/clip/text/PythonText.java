package clipvr.clip.text;

import java.util.ArrayList;
import java.util.List;

/**
 * The few Python {@code str} methods whose exact behaviour the tokenizer depends on.
 *
 * <p>Python's {@code str.isspace()} (used by {@code strip()} and {@code split()}) is true for the Unicode
 * White_Space characters <em>and</em> U+001C..U+001F (the information separators, which Python counts as
 * whitespace because of their bidirectional class). Java's {@link Character#isWhitespace(int)} differs (it excludes
 * no-break spaces), so the set is spelled out here.
 */
final class PythonText {
    private PythonText() {}

    /** Python's {@code str.isspace()} for one code point (CPython 3.11, Unicode 14). */
    static boolean isSpace(int c) {
        return switch (c) {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x1680,
                 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
            default -> c >= 0x2000 && c <= 0x200A;
        };
    }

    /** Python's {@code s.strip()}: removes leading and trailing {@link #isSpace} characters. */
    static String strip(String s) {
        int begin = 0;
        int end = s.length();
        while (begin < end && isSpace(s.charAt(begin))) begin++;
        while (end > begin && isSpace(s.charAt(end - 1))) end--;
        return s.substring(begin, end);
    }

    /** Python's {@code s.split()}: runs of {@link #isSpace} characters separate the parts; no empty parts. */
    static String[] split(String s) {
        List<String> parts = new ArrayList<>(2);
        int i = 0;
        while (i < s.length()) {
            while (i < s.length() && isSpace(s.charAt(i))) i++;
            int start = i;
            while (i < s.length() && !isSpace(s.charAt(i))) i++;
            if (i > start) parts.add(s.substring(start, i));
        }
        return parts.toArray(String[]::new);
    }
}
