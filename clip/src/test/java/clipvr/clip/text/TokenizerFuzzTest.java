package clipvr.clip.text;

import clipvr.clip.fuzz.Fuzz;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Fuzzing the tokenizer with arbitrary UTF-16 (lone surrogates, controls, combining marks, emoji, HTML entities) and
 * huge strings: {@code tokenize} must return a well-formed row or throw {@link TokenizeException}, quickly.
 */
class TokenizerFuzzTest {

    static final String[] PIECES = {"a", "photo", " ", "&amp;", "&#x1F600;", "&lt;", "\u00e9", "e\u0301", "\u200b",
            "\ud83d\ude00", "\ud800", "\udfff", "\u0000", "\t", "\n", "'s", "'ll", "123", "\u4e2d\u6587", "\u202e",
            "\ufeff", "\u00a0", "\uff21", "\ufb01", "<|endoftext|>", "<|startoftext|>", "\u00c3\u00a9", "!!", "\\"};

    /** Text as UTF-16BE code units in bytes, so that mutations can make any char sequence (lone surrogates too). */
    static String text(byte[] b) {
        char[] c = new char[b.length / 2];
        for (int i = 0; i < c.length; i++) c[i] = (char) (((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF));
        return new String(c);
    }

    static byte[] bytes(String s) {
        byte[] b = new byte[2 * s.length()];
        for (int i = 0; i < s.length(); i++) { b[2 * i] = (byte) (s.charAt(i) >> 8); b[2 * i + 1] = (byte) s.charAt(i); }
        return b;
    }

    static byte[] generated(SplittableRandom r) {
        StringBuilder sb = new StringBuilder();
        if (r.nextInt(500) == 0) { // huge: one word of up to 200,000 letters, or many words
            int n = 1 + r.nextInt(200_000);
            int kind = r.nextInt(4);
            String unit = kind == 0 ? "ab" : kind == 1 ? "a " : "\u00e9";
            while (sb.length() < n) {
                if (kind == 3) sb.append((char) ('a' + r.nextInt(26))); // one long random word
                else sb.append(unit);
            }
            return bytes(sb.toString());
        }
        int n = r.nextInt(40);
        for (int i = 0; i < n; i++) {
            if (r.nextBoolean()) sb.append(PIECES[r.nextInt(PIECES.length)]);
            else sb.appendCodePoint(r.nextInt(4) == 0 ? r.nextInt(0x110000) : r.nextInt(0x3000));
        }
        return bytes(sb.toString());
    }

    @Test void tokenizeArbitraryText() {
        SharedFixtures.assumeVocab();
        ClipTokenizer tok = SharedFixtures.openAi();
        Fuzz.Report r = new Fuzz.Campaign("tokenizer").seed(bytes("a photo of a fox, drawn in 2021!"))
                .seed(bytes("Don't panic:   it's only a TINY test... &amp; caf\u00e9 \ud83d\ude00"))
                .generator(TokenizerFuzzTest::generated).generatorShare(0.5)
                .typed(t -> t instanceof TokenizeException).nameInMessage(false)
                .allocationBudget(256L << 20, 512)
                .run((in, name) -> {
                    String s = text(in);
                    int[] row = tok.tokenize(s, 77, in.length % 2 == 1);
                    assertEquals(77, row.length);
                    assertEquals(tok.sot(), row[0]);
                    boolean eot = false;
                    for (int id : row) { assertTrue(id >= 0 && id < tok.vocabSize()); eot |= id == tok.eot(); }
                    assertTrue(eot, "no <|endoftext|> in the row");
                });
        System.out.println("[fuzz] " + r);
        assertTrue(r.failures().isEmpty(), () -> r + "\n" + String.join("\n", r.failures()));
        assertTrue(r.typedErrors() > 0 && r.ok() > 0);
    }

    /** Bug 8 (fuzz): BPE was quadratic in the length of one pre-token; a random 20,000-letter word took 5.2 s (fast version: 40 ms), 200,000 letters took minutes. */
    @Test void hugeWordIsFast() {
        SharedFixtures.assumeVocab();
        ClipTokenizer tok = SharedFixtures.openAi();
        String word = randomWord(200_000);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            int[] row = tok.tokenize(word, 77, true);
            assertEquals(tok.eot(), row[76]);
            assertThrows(TokenizeException.class, () -> tok.tokenize(word));
        });
    }

    static String randomWord(int n) {
        SplittableRandom r = new SplittableRandom(1);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) sb.append((char) ('a' + r.nextInt(26)));
        return sb.toString();
    }

    /** The fast BPE merges exactly like the naive (SimpleTokenizer) loop, on random words over a small alphabet. */
    @Test void fastBpeEqualsNaive() {
        SharedFixtures.assumeVocab();
        var ranks = SharedFixtures.openAi().vocabulary().ranks();
        SplittableRandom r = new SplittableRandom(42);
        String alphabet = "aabeilnorstth.!";
        for (int i = 0; i < 3000; i++) {
            StringBuilder w = new StringBuilder();
            int n = 1 + r.nextInt(30);
            for (int k = 0; k < n; k++) w.append(alphabet.charAt(r.nextInt(alphabet.length())));
            String s = w.toString();
            assertEquals(BytePairEncoder.mergeNaive(s, ranks), BytePairEncoder.merge(s, ranks), s);
        }
    }
}
