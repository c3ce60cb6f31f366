package clipvr.clip.text;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Python's {@code html.unescape} (CPython 3.11 {@code Lib/html/__init__.py}), which follows the HTML5 rules for
 * character references, valid and invalid:
 * <ul>
 *   <li>a reference is {@code &#} decimal digits, {@code &#x} hex digits, or {@code &} then 1..32 characters other
 *       than tab, newline, form feed, space, {@code <}, {@code &}, {@code #}, {@code ;}; each may end in {@code ;};</li>
 *   <li>numeric: 0 gives U+FFFD, 13 gives CR, 0x80..0x9F are read as Windows-1252 (so {@code &#150;} is an en dash),
 *       surrogates and values above U+10FFFF give U+FFFD, other non-characters and controls are dropped, anything
 *       else is that code point;</li>
 *   <li>named: the whole name if it is in the HTML5 table, else the longest prefix of at least 2 characters that is
 *       (only the legacy names without ';' can match this way, so {@code &notit;} is {@code ¬it;}), else unchanged.</li>
 * </ul>
 */
final class HtmlUnescape {
    private static final Pattern CHARREF =
            Pattern.compile("&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\\t\\n\\f <&#;]{1,32};?)");

    private HtmlUnescape() {}

    static String unescape(String s) {
        if (s.indexOf('&') < 0) return s;
        Matcher m = CHARREF.matcher(s);
        StringBuilder out = new StringBuilder(s.length());
        while (m.find()) m.appendReplacement(out, Matcher.quoteReplacement(replace(m.group(1))));
        m.appendTail(out);
        return out.toString();
    }

    /** The replacement for one reference; {@code ref} is the text after '&'. */
    private static String replace(String ref) {
        if (ref.charAt(0) == '#') {
            boolean hex = ref.charAt(1) == 'x' || ref.charAt(1) == 'X';
            String digits = ref.substring(hex ? 2 : 1);
            if (digits.endsWith(";")) digits = digits.substring(0, digits.length() - 1);
            return numeric(parseCodePoint(digits, hex ? 16 : 10));
        }
        String value = HtmlEntities.HTML5.get(ref);
        if (value != null) return value;
        for (int x = ref.length() - 1; x > 1; x--) { // longest matching prefix, as the standard defines
            value = HtmlEntities.HTML5.get(ref.substring(0, x));
            if (value != null) return value + ref.substring(x);
        }
        return "&" + ref;
    }

    /** Parses digits; any value above U+10FFFF is reported as 0x110000 (Python has big integers). */
    private static int parseCodePoint(String digits, int radix) {
        long value = 0;
        for (int i = 0; i < digits.length(); i++) {
            value = value * radix + Character.digit(digits.charAt(i), radix);
            if (value > 0x10FFFF) return 0x110000;
        }
        return (int) value;
    }

    private static String numeric(int num) {
        if (num == 0x00) return "\uFFFD";
        if (num == 0x0D) return "\r";
        if (num >= 0x80 && num <= 0x9F) return String.valueOf(Windows1252.decode(num));
        if ((num >= 0xD800 && num <= 0xDFFF) || num > 0x10FFFF) return "\uFFFD";
        if (isInvalidCodePoint(num)) return "";
        return Character.toString(num);
    }

    /** Python's {@code _invalid_codepoints}: C0 controls but tab/LF/FF/CR, DEL, C1, U+FDD0..U+FDEF, U+xFFFE/U+xFFFF. */
    private static boolean isInvalidCodePoint(int c) {
        return (c >= 0x01 && c <= 0x08) || c == 0x0B || (c >= 0x0E && c <= 0x1F) || (c >= 0x7F && c <= 0x9F)
                || (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE;
    }
}
