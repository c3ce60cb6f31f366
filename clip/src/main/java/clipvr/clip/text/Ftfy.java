package clipvr.clip.text;

import java.text.Normalizer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The deterministic part of {@code ftfy.fix_text} (ftfy 6.3, default {@code TextFixerConfig}), which CLIP applies
 * to every caption before tokenizing. What is here, in ftfy's order ({@code ftfy/__init__.py › fix_and_explain}):
 * <ol>
 *   <li>{@code unescape_html} ("auto"): HTML5 entities that end in ';' (plus upper-cased Latin ones such as
 *       {@code &EACUTE;}); skipped for a line containing '<', and for every later line once one did;</li>
 *   <li>{@code fix_encoding}: <b>not implemented</b> (mojibake repair is a heuristic; see docs/tokenizer.md);</li>
 *   <li>{@code fix_c1_controls}: U+0080..U+009F read as Windows-1252;</li>
 *   <li>{@code fix_latin_ligatures}: {@code ﬁ} to {@code fi} etc. (not {@code æ});</li>
 *   <li>{@code fix_character_width}: full-width ASCII and half-width Katakana/Hangul (U+FF01..U+FFEF) to their
 *       NFKC forms, and U+3000 ideographic space to a space;</li>
 *   <li>{@code uncurl_quotes}: U+02BC, U+2018..U+201B to {@code '}; U+201C..U+201F to {@code "};</li>
 *   <li>{@code fix_line_breaks}: CRLF, CR, U+2028, U+2029, U+0085 to LF;</li>
 *   <li>{@code fix_surrogates}: lone UTF-16 surrogates to U+FFFD;</li>
 *   <li>{@code remove_terminal_escapes}: ANSI {@code ESC [ digits/; letter} sequences removed;</li>
 *   <li>{@code remove_control_chars}: U+0000..U+0008, U+000B, U+000E..U+001F, U+007F, U+206A..U+206F, U+FEFF,
 *       U+FFF9..U+FFFC removed;</li>
 *   <li>{@code normalization}: NFC.</li>
 * </ol>
 * Like ftfy, the text is fixed one line ('\n'-terminated segment) at a time, and each line is fixed repeatedly
 * until it stops changing (so {@code &amp;amp;lt;} unescapes all the way to '<').
 */
final class Ftfy {
    private static final int MAX_DECODE_LENGTH = 1_000_000;
    /** ftfy's {@code HTML_ENTITY_RE}. */
    private static final Pattern HTML_ENTITY = Pattern.compile("&#?[0-9A-Za-z]{1,24};");
    /** ftfy's {@code ANSI_RE}; Python's {@code \d} is any Unicode decimal digit. */
    private static final Pattern ANSI_ESCAPE = Pattern.compile("\u001B\\[((?:\\p{Nd}|;)*)([a-zA-Z])");
    /** ftfy's {@code chardata.HTML_ENTITIES}: "&name;" to text. */
    private static final Map<String, String> FTFY_ENTITIES = buildFtfyEntities();
    private static final Map<Character, String> LIGATURES = Map.ofEntries(
            Map.entry('\u0132', "IJ"), Map.entry('\u0133', "ij"), Map.entry('\u0149', "\u02BCn"),
            Map.entry('\u01F1', "DZ"), Map.entry('\u01F2', "Dz"), Map.entry('\u01F3', "dz"),
            Map.entry('\u01C4', "D\u017D"), Map.entry('\u01C5', "D\u017E"), Map.entry('\u01C6', "d\u017E"),
            Map.entry('\u01C7', "LJ"), Map.entry('\u01C8', "Lj"), Map.entry('\u01C9', "lj"),
            Map.entry('\u01CA', "NJ"), Map.entry('\u01CB', "Nj"), Map.entry('\u01CC', "nj"),
            Map.entry('\uFB00', "ff"), Map.entry('\uFB01', "fi"), Map.entry('\uFB02', "fl"),
            Map.entry('\uFB03', "ffi"), Map.entry('\uFB04', "ffl"), Map.entry('\uFB05', "\u017Ft"),
            Map.entry('\uFB06', "st"));

    private Ftfy() {}

    /** {@code ftfy.fix_text(text)} without mojibake repair. */
    static String fixText(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean unescapeHtml = true; // "auto", until a line with '<' is seen
        int pos = 0;
        while (pos < text.length()) {
            int lineEnd = text.indexOf('\n', pos) + 1;
            if (lineEnd == 0) lineEnd = text.length();
            if (text.codePointCount(pos, lineEnd) > MAX_DECODE_LENGTH) {
                lineEnd = text.offsetByCodePoints(pos, MAX_DECODE_LENGTH);
            }
            String segment = text.substring(pos, lineEnd);
            if (segment.indexOf('<') >= 0) unescapeHtml = false;
            out.append(fixSegment(segment, unescapeHtml));
            pos = lineEnd;
        }
        return out.toString();
    }

    /** ftfy's {@code fix_and_explain}: apply every fixer in order until a fixed point. */
    static String fixSegment(String text, boolean unescapeHtml) {
        while (true) {
            String original = text;
            if (unescapeHtml) text = unescapeHtml(text);
            // fix_encoding (mojibake detection and repair) would run here; not implemented.
            text = fixC1Controls(text);
            text = fixLatinLigatures(text);
            text = fixCharacterWidth(text);
            text = uncurlQuotes(text);
            text = fixLineBreaks(text);
            text = fixSurrogates(text);
            text = ANSI_ESCAPE.matcher(text).replaceAll("");
            text = removeControlChars(text);
            text = Normalizer.normalize(text, Normalizer.Form.NFC);
            if (text.equals(original)) return text;
        }
    }

    /**
     * ftfy's {@code unescape_html}: unlike {@code html.unescape}, only complete references ending in ';' are
     * decoded, so informal text such as "this&not that" survives; numeric ones go through {@code html.unescape}
     * and are kept as written if it did not consume the ';'.
     */
    static String unescapeHtml(String text) {
        if (text.indexOf('&') < 0) return text;
        Matcher m = HTML_ENTITY.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            String entity = m.group();
            String value = FTFY_ENTITIES.get(entity);
            if (value == null && entity.startsWith("&#")) {
                String unescaped = HtmlUnescape.unescape(entity);
                value = unescaped.indexOf(';') >= 0 ? entity : unescaped;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? entity : value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * Every HTML5 name that ends in ';', and for all-lower-case names also the upper-cased name (mapping to the
     * upper-cased text) when {@code html.unescape} leaves that upper-cased reference alone.
     */
    private static Map<String, String> buildFtfyEntities() {
        Map<String, String> entities = new HashMap<>(4096);
        HtmlEntities.HTML5.forEach((name, value) -> {
            if (!name.endsWith(";")) return;
            entities.put("&" + name, value);
        });
        HtmlEntities.HTML5.forEach((name, value) -> {
            if (!name.endsWith(";") || !name.equals(name.toLowerCase(Locale.ROOT))) return;
            String upper = "&" + name.toUpperCase(Locale.ROOT);
            if (HtmlUnescape.unescape(upper).equals(upper)) entities.putIfAbsent(upper, value.toUpperCase(Locale.ROOT));
        });
        return Map.copyOf(entities);
    }

    static String fixC1Controls(String text) {
        return mapChars(text, c -> c >= 0x80 && c <= 0x9F ? String.valueOf(Windows1252.decode(c)) : null);
    }

    static String fixLatinLigatures(String text) {
        return mapChars(text, LIGATURES::get);
    }

    /** Full-width forms become ASCII, half-width forms become the usual (full-width) Katakana and Hangul. */
    static String fixCharacterWidth(String text) {
        return mapChars(text, c -> {
            if (c == '\u3000') return " ";
            if (c < 0xFF01 || c > 0xFFEF) return null;
            String nfkc = Normalizer.normalize(String.valueOf(c), Normalizer.Form.NFKC);
            return nfkc.equals(String.valueOf(c)) ? null : nfkc;
        });
    }

    static String uncurlQuotes(String text) {
        return mapChars(text, c -> {
            if (c == '\u02BC' || (c >= '\u2018' && c <= '\u201B')) return "'";
            if (c >= '\u201C' && c <= '\u201F') return "\"";
            return null;
        });
    }

    static String fixLineBreaks(String text) {
        return text.replace("\r\n", "\n").replace('\r', '\n').replace('\u2028', '\n').replace('\u2029', '\n')
                .replace('\u0085', '\n');
    }

    /** Java strings hold proper surrogate pairs as one code point already; only lone halves remain to fix. */
    static String fixSurrogates(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
            if (paired) {
                if (out != null) out.append(c).append(text.charAt(i + 1));
                i++;
                continue;
            }
            if (Character.isSurrogate(c)) {
                if (out == null) out = new StringBuilder(text.length()).append(text, 0, i);
                out.append('\uFFFD');
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    static String removeControlChars(String text) {
        return mapChars(text, c -> isRemovedControl(c) ? "" : null);
    }

    private static boolean isRemovedControl(char c) {
        return c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F || (c >= 0x206A && c <= 0x206F)
                || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFC);
    }

    /** A replacement for one BMP char, or null to keep it. */
    private interface CharMapping {
        String map(char c);
    }

    /** Python's {@code str.translate} for BMP-only tables (all of ftfy's tables are BMP). */
    private static String mapChars(String text, CharMapping mapping) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement = mapping.map(c);
            if (replacement != null && out == null) out = new StringBuilder(text.length()).append(text, 0, i);
            if (out != null) {
                if (replacement != null) out.append(replacement);
                else out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }
}
