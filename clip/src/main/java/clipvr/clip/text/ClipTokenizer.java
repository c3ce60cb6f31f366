package clipvr.clip.text;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CLIP's text tokenizer: a Java port of OpenAI's {@code clip/simple_tokenizer.py} ({@code SimpleTokenizer}) and of
 * {@code clip.tokenize}, giving the same ids.
 *
 * <p>Pipeline of {@link #encode}: clean the text ({@link TextCleaner}: ftfy subset, HTML unescape twice, whitespace
 * collapse, lower case), split it with CLIP's regex into pre-tokens, write each pre-token's UTF-8 bytes as byte
 * stand-ins ({@link BytesToUnicode}), run byte-level BPE on it ({@link BytePairEncoder}) and look the resulting
 * symbols up in the 49,408-entry vocabulary. {@link #tokenize} wraps the ids in {@code <|startoftext|>} (49406)
 * and {@code <|endoftext|>} (49407) and zero-pads them to the context length (77 for every released CLIP).
 *
 * <p>Instances are immutable apart from a concurrent BPE cache, and safe to share between threads.
 */
public final class ClipTokenizer {
    /** The context length of every released CLIP model. */
    public static final int CONTEXT_LENGTH = 77;

    private final BpeVocabulary vocabulary;
    private final BytePairEncoder bpe;
    private final int sot;
    private final int eot;

    private ClipTokenizer(BpeVocabulary vocabulary) {
        this.vocabulary = vocabulary;
        this.bpe = new BytePairEncoder(vocabulary);
        this.sot = vocabulary.encoder().get(BpeVocabulary.START_OF_TEXT);
        this.eot = vocabulary.encoder().get(BpeVocabulary.END_OF_TEXT);
    }

    /** Loads OpenAI's {@code bpe_simple_vocab_16e6.txt.gz}. */
    public static ClipTokenizer fromBpeGz(Path bpeSimpleVocabGz) {
        return new ClipTokenizer(BpeVocabulary.fromBpeGz(bpeSimpleVocabGz));
    }

    /**
     * Loads either vocabulary format: OpenAI's {@code bpe_simple_vocab_16e6.txt.gz}, or a Hugging Face
     * {@code vocab.json} with {@code merges.txt} beside it.
     *
     * @throws IllegalArgumentException if a file is missing (the message names the flag {@code --vocab})
     */
    public static ClipTokenizer load(Path vocab) {
        if (!java.nio.file.Files.exists(vocab)) throw new IllegalArgumentException("--vocab: file not found: " + vocab);
        if (vocab.getFileName().toString().endsWith(".json")) {
            Path merges = vocab.resolveSibling("merges.txt");
            if (!java.nio.file.Files.exists(merges)) throw new IllegalArgumentException("--vocab " + vocab + ": merges.txt not found beside it");
            return fromHuggingFace(vocab, merges);
        }
        return fromBpeGz(vocab);
    }

    /**
     * The vocabulary that belongs to a checkpoint: {@code bpe_simple_vocab_16e6.txt.gz} or a Hugging Face
     * {@code vocab.json} beside the weights (or inside a checkpoint directory), else
     * {@code <shared>/clip/bpe_simple_vocab_16e6.txt.gz} with {@code shared} from {@code -Dclipvr.shared}
     * (default {@code ../shared}); null when none exists.
     */
    public static Path locateVocab(Path weights) {
        if (weights != null) {
            Path dir = java.nio.file.Files.isDirectory(weights) ? weights : weights.toAbsolutePath().getParent();
            for (String name : new String[]{"bpe_simple_vocab_16e6.txt.gz", "vocab.json"}) {
                Path p = dir.resolve(name);
                if (java.nio.file.Files.exists(p)) return p;
            }
        }
        Path shared = Path.of(System.getProperty("clipvr.shared", System.getProperty("clipvr.root", ".") + "/../shared"))
                .resolve("clip/bpe_simple_vocab_16e6.txt.gz").toAbsolutePath().normalize();
        return java.nio.file.Files.exists(shared) ? shared : null;
    }

    /** Loads a Hugging Face {@code CLIPTokenizer}'s {@code vocab.json} and {@code merges.txt}. */
    public static ClipTokenizer fromHuggingFace(Path vocabJson, Path mergesTxt) {
        return new ClipTokenizer(BpeVocabulary.fromHuggingFace(vocabJson, mergesTxt));
    }

    /** The BPE ids of {@code text}, without SOT and EOT ({@code SimpleTokenizer.encode}). */
    public List<Integer> encode(String text) {
        List<Integer> ids = new ArrayList<>();
        for (String token : TextCleaner.preTokens(TextCleaner.clean(text))) {
            String standIns = BytesToUnicode.encode(token.getBytes(StandardCharsets.UTF_8));
            for (int id : bpe.encode(standIns)) ids.add(id);
        }
        return ids;
    }

    /**
     * Text from ids ({@code SimpleTokenizer.decode}): concatenate the token strings, map the stand-ins back to
     * bytes, decode UTF-8 (each ill-formed piece becomes U+FFFD, as Python's {@code errors="replace"}) and turn every {@code </w>} into a space. So a decoded
     * text normally ends with a space, and special tokens come back as {@code <|startoftext|>} etc.
     *
     * @throws IllegalArgumentException for an id outside the vocabulary
     */
    public String decode(List<Integer> ids) {
        StringBuilder symbols = new StringBuilder();
        for (int id : ids) {
            if (id < 0 || id >= vocabulary.size() || vocabulary.decoder()[id] == null) {
                throw new IllegalArgumentException("token id " + id + " is not in the vocabulary");
            }
            symbols.append(vocabulary.decoder()[id]);
        }
        byte[] bytes = new byte[symbols.length()];
        for (int i = 0; i < bytes.length; i++) {
            int b = BytesToUnicode.charToByte(symbols.charAt(i));
            if (b < 0) throw new IllegalArgumentException("vocabulary symbol char U+%04X is not a byte stand-in".formatted((int) symbols.charAt(i)));
            bytes[i] = (byte) b;
        }
        return Utf8.decode(bytes).replace(BpeVocabulary.END_OF_WORD, " ");
    }

    /** {@code tokenize(text, 77, false)}. */
    public int[] tokenize(String text) {
        return tokenize(text, CONTEXT_LENGTH, false);
    }

    /**
     * One row of {@code clip.tokenize}: SOT, the BPE ids, EOT, then zeros up to {@code contextLength}.
     *
     * @param truncate if the tokens do not fit, keep the first {@code contextLength} and overwrite the last with
     *                 EOT, as {@code clip.tokenize(truncate=True)} does
     * @throws TokenizeException if the tokens do not fit and {@code truncate} is false
     */
    public int[] tokenize(String text, int contextLength, boolean truncate) {
        if (contextLength < 1) throw new IllegalArgumentException("context length must be positive: " + contextLength);
        List<Integer> ids = encode(text);
        int count = ids.size() + 2;
        if (count > contextLength && !truncate) throw new TokenizeException(text, count, contextLength);
        int[] row = new int[contextLength]; // zero padding
        row[0] = sot;
        int n = Math.min(ids.size(), contextLength - 1);
        for (int i = 0; i < n; i++) row[1 + i] = ids.get(i);
        if (count <= contextLength) row[count - 1] = eot;
        else row[contextLength - 1] = eot; // truncated: the last kept token becomes EOT
        return row;
    }

    /** {@code clip.tokenize(texts, contextLength, truncate)}: shape [texts.size(), contextLength]. */
    public int[][] tokenizeAll(List<String> texts, int contextLength, boolean truncate) {
        int[][] rows = new int[texts.size()][];
        for (int i = 0; i < rows.length; i++) rows[i] = tokenize(texts.get(i), contextLength, truncate);
        return rows;
    }

    /** Id of {@code <|startoftext|>}: 49406. */
    /** The vocabulary and merge ranks (for tests). */
    BpeVocabulary vocabulary() {
        return vocabulary;
    }

    public int sot() {
        return sot;
    }

    /** Id of {@code <|endoftext|>}: 49407. */
    public int eot() {
        return eot;
    }

    /** Number of ids: 49408 for CLIP. */
    public int vocabSize() {
        return vocabulary.size();
    }
}
