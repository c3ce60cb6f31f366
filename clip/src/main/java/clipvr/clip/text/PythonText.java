package clipvr.clip.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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

    /**
     * Python's {@code str.lower()}: the full Unicode lower-case mappings (so 'İ' becomes "i̇"), which
     * {@code toLowerCase(Locale.ROOT)} also applies, and the Final_Sigma rule for 'Σ', which Java gets wrong for
     * Python's purposes: Java decides by word boundaries, Python by the Unicode definition, "Σ is final when a
     * cased letter precedes it and none follows it, skipping case-ignorable characters on both sides"
     * (CPython {@code handle_capital_sigma}). So "kΣ`é" lowers to "kσ`é" in Python but "kς`é" in Java.
     */
    static String lower(String s) {
        if (s.indexOf('\u03A3') < 0) return s.toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(s.length());
        int start = 0;
        for (int i = s.indexOf('\u03A3'); i >= 0; i = s.indexOf('\u03A3', start)) {
            out.append(s.substring(start, i).toLowerCase(Locale.ROOT));
            out.append(isFinalSigma(s, i) ? '\u03C2' : '\u03C3');
            start = i + 1;
        }
        return out.append(s.substring(start).toLowerCase(Locale.ROOT)).toString();
    }

    /** {@code \p{cased} \p{case-ignorable}* Σ !(\p{case-ignorable}* \p{cased})}, scanning code points. */
    private static boolean isFinalSigma(String s, int sigma) {
        boolean casedBefore = false;
        for (int j = sigma; j > 0; ) {
            int c = s.codePointBefore(j);
            j -= Character.charCount(c);
            if (!isCaseIgnorable(c)) {
                casedBefore = isCased(c);
                break;
            }
        }
        if (!casedBefore) return false;
        for (int j = sigma + 1; j < s.length(); ) {
            int c = s.codePointAt(j);
            if (!isCaseIgnorable(c)) return !isCased(c);
            j += Character.charCount(c);
        }
        return true;
    }

    /** Unicode Cased: Lowercase, Uppercase or titlecase letter (Java's predicates include Other_Lowercase etc.). */
    static boolean isCased(int c) {
        return Character.isLowerCase(c) || Character.isUpperCase(c) || Character.isTitleCase(c);
    }

    /** Unicode Case_Ignorable: Mn, Me, Cf, Lm, Sk, or Word_Break MidLetter, MidNumLet or Single_Quote. */
    static boolean isCaseIgnorable(int c) {
        return switch (Character.getType(c)) {
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.FORMAT, Character.MODIFIER_LETTER,
                 Character.MODIFIER_SYMBOL -> true;
            default -> switch (c) {
                case '\'', '.', ':', 0x00B7, 0x0387, 0x055F, 0x05F4, 0x2018, 0x2019, 0x2024, 0x2027, 0xFE13, 0xFE52,
                     0xFE55, 0xFF07, 0xFF0E, 0xFF1A -> true;
                default -> false;
            };
        };
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
