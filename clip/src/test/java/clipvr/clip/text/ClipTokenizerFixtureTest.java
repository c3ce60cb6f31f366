package clipvr.clip.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The shared tokenizer fixtures (tiny-vit/tokens.json) and the documented vectors of checkpoint-formats.md §7.5. */
class ClipTokenizerFixtureTest {
    private ClipTokenizer tokenizer;

    @BeforeEach
    void load() {
        SharedFixtures.assumeVocab();
        tokenizer = SharedFixtures.openAi();
    }

    @TestFactory
    Stream<DynamicTest> everyCaseOfTokensJson() throws IOException {
        assumeTrue(Files.isRegularFile(SharedFixtures.tokensJson()),
                () -> "skipped: " + SharedFixtures.tokensJson().toAbsolutePath() + " not found");
        JsonNode cases = new ObjectMapper().readTree(SharedFixtures.tokensJson().toFile());
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases) {
            String text = c.get("text").asText();
            int[] ids = ints(c.get("ids"));
            boolean tooLong = c.path("too_long").asBoolean(false);
            tests.add(DynamicTest.dynamicTest(abbreviated(text), () -> checkFixture(text, ids, tooLong, c)));
        }
        assertTrue(tests.size() >= 30, "tokens.json has " + tests.size() + " cases");
        return tests.stream();
    }

    private void checkFixture(String text, int[] ids, boolean tooLong, JsonNode c) {
        List<Integer> bpe = tokenizer.encode(text);
        int[] expectedBpe = Arrays.copyOfRange(ids, 1, ids.length - 1);
        assertEquals(49406, ids[0]);
        assertEquals(49407, ids[ids.length - 1]);
        assertArrayEquals(expectedBpe, bpe.stream().mapToInt(Integer::intValue).toArray(), "encode(" + text + ")");
        if (tooLong || ids.length > 77) {
            TokenizeException e = assertThrows(TokenizeException.class, () -> tokenizer.tokenize(text, 77, false));
            assertEquals(ids.length, e.tokenCount());
            assertEquals(77, e.contextLength());
            assertArrayEquals(ints(c.get("truncated_ids")), tokenizer.tokenize(text, 77, true), "truncated " + text);
        } else {
            int[] padded = Arrays.copyOf(ids, 77);
            assertArrayEquals(padded, tokenizer.tokenize(text, 77, false));
            assertArrayEquals(padded, tokenizer.tokenize(text, 77, true), "truncate=true changes nothing when it fits");
        }
    }

    @Test
    void documentedVectors() {
        assertArrayEquals(row(49406, 320, 1125, 539, 320, 2368, 49407), tokenizer.tokenize("a photo of a cat"));
        assertArrayEquals(row(49406, 320, 22697, 49407), tokenizer.tokenize("a diagram"));
        assertArrayEquals(row(49406, 320, 1929, 49407), tokenizer.tokenize("a dog"));
        assertEquals(List.of(320, 1125, 539, 320, 2368), tokenizer.encode("a photo of a cat"));
    }

    @Test
    void vocabularyLayout() {
        assertEquals(49406, tokenizer.sot());
        assertEquals(49407, tokenizer.eot());
        assertEquals(49408, tokenizer.vocabSize());
        // ids 0..255: printable bytes first ('!' is 0), then the shifted ones; 256..511 the same with </w>
        assertEquals("!", tokenizer.decode(List.of(0)));
        assertEquals(List.of(256), tokenizer.encode("!"));         // a lone "!" ends its word: "!</w>"
        assertEquals("\u0100", BpeVocabulary.fromBpeGz(SharedFixtures.bpeVocabGz()).decoder()[188]); // byte 0x00
        assertEquals("in", tokenizer.decode(List.of(512)));       // the first merge "i n"
        assertEquals("jekyll ", tokenizer.decode(List.of(49405))); // the last merge used, "jeky ll</w>"
        assertEquals("<|startoftext|><|endoftext|>", tokenizer.decode(List.of(49406, 49407)));
    }

    @Test
    void paddingIsZerosAfterEot() {
        int[] row = tokenizer.tokenize("a photo of a cat", 77, false);
        assertEquals(77, row.length);
        assertTrue(IntStream.range(7, 77).allMatch(i -> row[i] == 0));
        assertArrayEquals(new int[] {49406, 320, 1125, 539, 320, 2368, 49407, 0, 0, 0},
                tokenizer.tokenize("a photo of a cat", 10, false));
    }

    @Test
    void tooLongRaisesUnlessTruncated() {
        String text = "a photo of a cat ".repeat(20); // 100 BPE tokens
        TokenizeException e = assertThrows(TokenizeException.class, () -> tokenizer.tokenize(text));
        assertEquals(102, e.tokenCount());
        assertEquals(77, e.contextLength());
        assertEquals(text, e.text());
        assertTrue(e.getMessage().contains("context length 77") && e.getMessage().contains("102 tokens")
                && e.getMessage().contains("a photo of a cat"), e.getMessage());
        assertTrue(e.getMessage().length() < 300, "the text is abbreviated in the message");

        int[] truncated = tokenizer.tokenize(text, 77, true);
        List<Integer> ids = tokenizer.encode(text);
        assertEquals(49406, truncated[0]);
        for (int i = 1; i < 76; i++) assertEquals(ids.get(i - 1), truncated[i]);
        assertEquals(49407, truncated[76]);

        // exactly fitting: 75 BPE tokens + SOT + EOT = 77 is fine
        String fits = "a photo of a cat ".repeat(15);
        assertEquals(49407, tokenizer.tokenize(fits)[76]);
        assertThrows(TokenizeException.class, () -> tokenizer.tokenize(fits + "a"));
    }

    @Test
    void tokenizeAllStacksRows() {
        int[][] rows = tokenizer.tokenizeAll(List.of("a dog", "a diagram", ""), 77, false);
        assertEquals(3, rows.length);
        assertArrayEquals(row(49406, 320, 1929, 49407), rows[0]);
        assertArrayEquals(row(49406, 320, 22697, 49407), rows[1]);
        assertArrayEquals(row(49406, 49407), rows[2]);
        assertThrows(TokenizeException.class,
                () -> tokenizer.tokenizeAll(List.of("a dog", "dog ".repeat(80)), 77, false));
        assertEquals(49407, tokenizer.tokenizeAll(List.of("dog ".repeat(80)), 77, true)[0][76]);
    }

    @Test
    void decodeRoundTrip() {
        assertEquals("a photo of a cat ", tokenizer.decode(tokenizer.encode("A  Photo\tof a CAT")));
        assertEquals("café crème brûlée ", tokenizer.decode(tokenizer.encode("café crème brûlée")));
        assertEquals("日本語のテキスト ", tokenizer.decode(tokenizer.encode("日本語のテキスト")));
        assertEquals("emoji 🦊🐶 test ", tokenizer.decode(tokenizer.encode("emoji 🦊🐶 test")));
        assertThrows(IllegalArgumentException.class, () -> tokenizer.decode(List.of(49408)));
        assertThrows(IllegalArgumentException.class, () -> tokenizer.decode(List.of(-1)));
    }

    @Test
    void sharedBetweenThreadsGivesTheSameIds() throws Exception {
        List<String> texts = IntStream.range(0, 400).mapToObj(i -> "caption number " + i + " of a "
                + (i % 2 == 0 ? "naïve" : "Zürich") + " photo #" + (i * 7919)).toList();
        ClipTokenizer fresh = ClipTokenizer.fromBpeGz(SharedFixtures.bpeVocabGz()); // empty cache
        List<List<Integer>> parallel = texts.parallelStream().map(fresh::encode).toList();
        for (int i = 0; i < texts.size(); i++) assertEquals(tokenizer.encode(texts.get(i)), parallel.get(i));
    }

    static int[] row(int... ids) {
        return Arrays.copyOf(ids, 77);
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
        return out;
    }

    private static String abbreviated(String text) {
        String shown = text.length() > 50 ? text.substring(0, 49) + "…" : text;
        return "\"" + shown.replace("\n", "\\n").replace("\t", "\\t") + "\"";
    }
}
