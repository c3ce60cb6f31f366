package clipvr.clip.text;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text normalisation and pre-tokenization, as in {@code SimpleTokenizer.encode}:
 * <pre>
 *   text = whitespace_clean(basic_clean(text)).lower()
 *   for token in re.findall(pat, text): ...
 * </pre>
 * with {@code basic_clean} = {@code ftfy.fix_text}, {@code html.unescape} twice, {@code strip()}, and
 * {@code whitespace_clean} = every run of {@code \s} to one space, then {@code strip()}.
 */
final class TextCleaner {
    /**
     * CLIP's pre-tokenizer: the special tokens, English contractions, runs of letters, single digits (so numbers
     * are spelled digit by digit), and runs of anything else that is neither whitespace, letter nor digit.
     * Whitespace itself is never part of a token; BPE marks word ends with {@code </w>} instead.
     *
     * <p>Python's {@code regex} module defines {@code \s} as the Unicode White_Space property, which is Java's
     * {@code \p{IsWhite_Space}} (Java's own {@code \s} is ASCII-only); {@code \p{L}} and {@code \p{N}} are the
     * Unicode general categories in both. The alternation is ordered, in Java as in Python.
     *
     * <p>One quirk of {@code regex} with IGNORECASE is reproduced by hand: U+0345 COMBINING GREEK YPOGEGRAMMENI
     * (a mark whose case variants are the letters ι/Ι) is matched by neither {@code [\p{L}]} nor the negated class,
     * so Python silently drops it. It is the only code point where the case-insensitive classes differ from the
     * plain ones (checked over all of Unicode 14 with regex 2022.10.31); Java's case-insensitive classes have no
     * such difference, so U+0345 is excluded from the last class explicitly.
     */
    static final Pattern PAT = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d"
                    + "|[\\p{L}]+|[\\p{N}]|[^\\p{IsWhite_Space}\\p{L}\\p{N}\\u0345]+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    private static final Pattern WHITESPACE = Pattern.compile("\\p{IsWhite_Space}+");

    private TextCleaner() {}

    /** {@code basic_clean}: ftfy, then {@code html.unescape} twice, then strip. */
    static String basicClean(String text) {
        text = Ftfy.fixText(text);
        text = HtmlUnescape.unescape(HtmlUnescape.unescape(text));
        return PythonText.strip(text);
    }

    /** {@code whitespace_clean}: runs of whitespace become one space; then strip. */
    static String whitespaceClean(String text) {
        return PythonText.strip(WHITESPACE.matcher(text).replaceAll(" "));
    }

    /**
     * The full normalisation: {@code whitespace_clean(basic_clean(text)).lower()}, with Python's {@code lower()}
     * ({@link PythonText#lower}: Java's full case mappings plus Python's Final_Sigma rule). The two agree for every
     * code point both know; see docs/tokenizer.md for the few characters newer than the reference's Unicode.
     */
    static String clean(String text) {
        return PythonText.lower(whitespaceClean(basicClean(text)));
    }

    /** {@code re.findall(pat, text)}: the pre-tokens of already cleaned text. */
    static List<String> preTokens(String cleaned) {
        List<String> tokens = new ArrayList<>();
        Matcher m = PAT.matcher(cleaned);
        while (m.find()) tokens.add(m.group());
        return tokens;
    }
}
