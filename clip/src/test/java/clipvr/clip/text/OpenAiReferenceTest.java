package clipvr.clip.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Differential tests against outputs of the Python originals ({@link OpenAiReferenceVectors}). */
class OpenAiReferenceTest {

    @TestFactory
    Stream<DynamicTest> cleanedTextMatchesOpenAi() {
        return OpenAiReferenceVectors.CASES.stream().map(c -> DynamicTest.dynamicTest(escape(c.text()),
                () -> assertEquals(c.cleaned(), TextCleaner.clean(c.text()))));
    }

    @TestFactory
    Stream<DynamicTest> idsMatchOpenAi() {
        SharedFixtures.assumeVocab();
        ClipTokenizer tokenizer = SharedFixtures.openAi();
        return OpenAiReferenceVectors.CASES.stream().map(c -> DynamicTest.dynamicTest(escape(c.text()),
                () -> assertArrayEquals(c.ids(), tokenizer.encode(c.text()).stream().mapToInt(i -> i).toArray())));
    }

    @TestFactory
    Stream<DynamicTest> htmlUnescapeMatchesPython() {
        return OpenAiReferenceVectors.HTML_UNESCAPE.stream().map(p -> DynamicTest.dynamicTest(escape(p[0]),
                () -> assertEquals(p[1], HtmlUnescape.unescape(p[0]))));
    }

    @TestFactory
    Stream<DynamicTest> fixTextMatchesFtfy() {
        return OpenAiReferenceVectors.FIX_TEXT.stream().map(p -> DynamicTest.dynamicTest(escape(p[0]),
                () -> assertEquals(p[1], Ftfy.fixText(p[0]))));
    }

    @TestFactory
    Stream<DynamicTest> decodeMatchesOpenAi() {
        SharedFixtures.assumeVocab();
        ClipTokenizer tokenizer = SharedFixtures.openAi();
        return OpenAiReferenceVectors.DECODE.stream().map(p -> {
            int[] ids = (int[]) p[0];
            List<Integer> list = java.util.Arrays.stream(ids).boxed().toList();
            return DynamicTest.dynamicTest(list.toString(), () -> assertEquals(p[1], tokenizer.decode(list)));
        });
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder();
        s.codePoints().limit(60).forEach(c -> {
            if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || Character.isSurrogate((char) c)) {
                out.append("\\u%04X".formatted(c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return "\"" + out + "\"";
    }
}
