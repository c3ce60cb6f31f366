package clipvr.clip.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/** Properties of {@link ClipTokenizer} over generated text. */
@AddLifecycleHook(TokenizerPropertiesTest.SkipWithoutVocab.class)
class TokenizerPropertiesTest {
    private final ClipTokenizer tokenizer = SharedFixtures.hasVocab() ? SharedFixtures.openAi() : null;

    /** Any text: a well-formed row (SOT, ids in range, exactly one EOT, zeros after it). */
    @Property(tries = 300)
    void tokenizeGivesAWellFormedRow(@ForAll("anyText") String text) {
        int[] row = tokenizer.tokenize(text, 77, true);
        assertEquals(77, row.length);
        assertEquals(49406, row[0]);
        int eotAt = -1;
        for (int i = 0; i < row.length; i++) {
            assertTrue(row[i] >= 0 && row[i] < tokenizer.vocabSize(), "id " + row[i] + " at " + i);
            if (row[i] == 49407) {
                assertEquals(-1, eotAt, "a second EOT at " + i);
                eotAt = i;
            }
        }
        assertTrue(eotAt > 0, "no EOT");
        for (int i = eotAt + 1; i < row.length; i++) assertEquals(0, row[i], "padding at " + i);
        assertEquals(Math.min(tokenizer.encode(text).size() + 2, 77), eotAt + 1);
    }

    /**
     * ASCII text without '&': the cleaned text is the lower-cased words joined by single spaces, except that
     * ftfy deletes the vertical tab (U+000B) instead of treating it as whitespace.
     */
    @Property(tries = 300)
    void asciiCleaningIsLowercaseAndWhitespaceCollapse(@ForAll("asciiText") String text) {
        String expected = String.join(" ", PythonText.split(text.replace("\u000B", ""))).toLowerCase(Locale.ROOT);
        assertEquals(expected, TextCleaner.clean(text));
    }

    /** ASCII text: decoding gives the cleaned text back, with a space after every pre-token. */
    @Property(tries = 300)
    void asciiDecodeOfEncodeIsTheCleanedText(@ForAll("asciiText") String text) {
        String decoded = tokenizer.decode(tokenizer.encode(text));
        String cleaned = TextCleaner.clean(text);
        assertEquals(cleaned.replace(" ", ""), decoded.replace(" ", ""));
        List<String> preTokens = TextCleaner.preTokens(cleaned);
        assertEquals(preTokens.isEmpty() ? "" : String.join(" ", preTokens) + " ", decoded);
    }

    /** Words of letters separated by any whitespace decode to exactly the normalised, lower-cased text plus a space. */
    @Property(tries = 200)
    void wordsRoundTrip(@ForAll("words") List<String> words, @ForAll("whitespace") String gap) {
        String text = gap + String.join(gap, words) + gap;
        String decoded = tokenizer.decode(tokenizer.encode(text));
        String normalised = String.join(" ", words).toLowerCase(Locale.ROOT);
        assertEquals(words.isEmpty() ? "" : normalised + " ", decoded);
    }

    @Provide
    Arbitrary<String> anyText() {
        return Arbitraries.oneOf(
                        Arbitraries.strings().all().ofMaxLength(120),
                        Arbitraries.strings().withCharRange(' ', '~').withChars("\t\n\r&;#").ofMaxLength(200),
                        Arbitraries.strings().withCharRange('\u00A0', '\u024F').withCharRange('\u3040', '\u30FF')
                                .withChars(" &;\u201C\u201D\uFB01\uFF21").ofMaxLength(80))
                .filter(s -> !s.toLowerCase(Locale.ROOT).contains("oftext|>"));
    }

    @Provide
    Arbitrary<String> asciiText() {
        return Arbitraries.strings().withCharRange(' ', '~').withChars("\t\n\r\u000B\u000C").ofMaxLength(100)
                .filter(s -> s.indexOf('&') < 0);
    }

    @Provide
    Arbitrary<List<String>> words() {
        return Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').ofMinLength(1).ofMaxLength(12)
                .list().ofMaxSize(8);
    }

    @Provide
    Arbitrary<String> whitespace() {
        return Arbitraries.strings().withChars(" \t\n\r\u00A0\u2003\u3000").ofMinLength(1).ofMaxLength(3);
    }

    /** Skips the whole container, with a message, when the OpenAI vocabulary is not available. */
    static final class SkipWithoutVocab implements SkipExecutionHook {
        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            return SharedFixtures.hasVocab()
                    ? SkipResult.doNotSkip()
                    : SkipResult.skip("CLIP vocabulary not found at " + SharedFixtures.bpeVocabGz().toAbsolutePath());
        }
    }
}
