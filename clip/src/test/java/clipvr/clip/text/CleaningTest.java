package clipvr.clip.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Hand-checked cleaning cases (expected values from OpenAI's tokenizer with ftfy 6.3.1) and the documented gaps. */
class CleaningTest {

    @Test
    void htmlInsideALineDisablesFtfyUnescapingForThatAndLaterLines() {
        // with '<' only the two html.unescape passes run: three levels of &amp; lose two
        assertEquals("<p>&amp;amp;", TextCleaner.clean("<p>&amp;amp;amp;amp;"));
        // line 1 (no '<') is unescaped to the end; from line 2 on, ftfy's unescaping stays off
        assertEquals("a & <b> &amp; &amp;", TextCleaner.clean("a &amp;amp;amp;\n<b> &amp;amp;amp;\n&amp;amp;amp;"));
    }

    @Test
    void mojibakeIsNotRepaired() {
        // Documented gap (docs/tokenizer.md): OpenAI's ftfy gives "café crème", "it's" and "ã" here.
        assertEquals("caf\u00E3\u00A9 cr\u00E3\u00A8me", TextCleaner.clean("caf\u00C3\u00A9 cr\u00C3\u00A8me"));
        assertNotEquals("it's", TextCleaner.clean("it\u00E2\u20AC\u2122s"));
        assertEquals("\u00E3\u0192", TextCleaner.clean("\u00C3\u0083")); // C1 fixed alone, not decoded as UTF-8
        // ftfy's heuristic also fires on legitimate text: it turns "×æ" (bytes D7 E6 in Latin-1) into Hebrew "׿"
        assertEquals("\u00D7\u00E6", TextCleaner.clean("\u00D7\u00E6"));
    }

    @Test
    void curlyQuotesWidthAndLigatures() {
        assertEquals("\"it's\" loud fish", TextCleaner.clean("\u201CIt\u2019s\u201D \uFF2C\uFF4F\uFF55\uFF44 \uFB01sh"));
        assertEquals("caf\u00E9", TextCleaner.clean("cafe\u0301")); // NFC before the regex
    }

    @Test
    void bytesToUnicodeIsABijectionOntoPrintableCharacters() {
        Set<Character> seen = new HashSet<>();
        for (int b = 0; b < 256; b++) {
            char c = BytesToUnicode.byteToChar(b);
            assertEquals(b, BytesToUnicode.charToByte(c));
            seen.add(c);
            if (b > ' ' && b < 0x7F) assertEquals((char) b, c);
        }
        assertEquals(256, seen.size());
        assertEquals('\u0120', BytesToUnicode.byteToChar(' '));      // "Ġ"
        assertEquals('\u0100', BytesToUnicode.byteToChar(0));
        assertEquals('!', BytesToUnicode.vocabularyOrder()[0]);
        assertEquals('\u00FF', BytesToUnicode.vocabularyOrder()[187]); // 188 printable bytes first
        assertEquals('\u0100', BytesToUnicode.vocabularyOrder()[188]);
    }

    @Test
    void pythonWhitespace() {
        assertEquals("a b", PythonText.strip("\u001C\u00A0 a b\u3000\u2003\n"));
        assertEquals(2, PythonText.split("i\u001Fn").length);
        assertEquals("\u200Bx", PythonText.strip("\u200Bx")); // zero-width space is not whitespace
    }

    @Test
    void exceptionMessageAbbreviatesLongText() {
        String text = "word ".repeat(100);
        TokenizeException e = new TokenizeException(text, 102, 77);
        assertEquals(text, e.text());
        assertEquals("Input \"" + text.substring(0, 59) + "\u2026\" is too long for context length 77: it has 102 tokens"
                + " including <|startoftext|> and <|endoftext|> (tokenize with truncate=true to cut it)", e.getMessage());
    }
}
