package clipvr.clip.text;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The token vocabulary ({@code encoder}/{@code decoder}) and the merge ranks ({@code bpe_ranks}) of CLIP's BPE.
 *
 * <p>Both sources give the same tables:
 * <ul>
 *   <li>OpenAI's {@code bpe_simple_vocab_16e6.txt.gz}: only the merges are stored; the vocabulary is rebuilt
 *       in a fixed order (256 byte stand-ins, the same with {@code </w>}, one entry per merge, then
 *       {@code <|startoftext|>} = 49406 and {@code <|endoftext|>} = 49407);</li>
 *   <li>Hugging Face {@code vocab.json} (token to id) plus {@code merges.txt}.</li>
 * </ul>
 * In both cases only the first {@value #MERGES_USED} merge lines after the header are used
 * ({@code merges[1:49152-256-2+1]}), ranked by line order.
 *
 * @param encoder token string to id
 * @param decoder id to token string (null where no token has that id)
 * @param ranks   merge pair, written {@code "first second"}, to its rank (lower merges first)
 */
record BpeVocabulary(Map<String, Integer> encoder, String[] decoder, Map<String, Integer> ranks) {
    /** 49152 - 256 - 2: the number of merge lines CLIP uses. */
    static final int MERGES_USED = 49152 - 256 - 2;
    static final String START_OF_TEXT = "<|startoftext|>";
    static final String END_OF_TEXT = "<|endoftext|>";
    /** Suffix marking the last symbol of a word. */
    static final String END_OF_WORD = "</w>";

    /** Reads OpenAI's gzip merges file and rebuilds the vocabulary in {@code SimpleTokenizer}'s order. */
    static BpeVocabulary fromBpeGz(Path bpeGz) {
        String text;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(bpeGz))) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read BPE merges " + bpeGz, e);
        }
        // Python: gzip.open(path).read().decode("utf-8").split('\n')[1:48895]
        List<String[]> merges = mergeLines(text.split("\n", -1));

        List<String> vocab = new ArrayList<>(49408);
        for (char c : BytesToUnicode.vocabularyOrder()) vocab.add(String.valueOf(c));
        for (char c : BytesToUnicode.vocabularyOrder()) vocab.add(c + END_OF_WORD);
        for (String[] merge : merges) vocab.add(String.join("", merge));
        vocab.add(START_OF_TEXT);
        vocab.add(END_OF_TEXT);

        Map<String, Integer> encoder = new HashMap<>(vocab.size() * 2);
        for (int id = 0; id < vocab.size(); id++) encoder.put(vocab.get(id), id); // later duplicates win, as in dict(zip())
        return of(encoder, merges);
    }

    /** Reads Hugging Face {@code vocab.json} and {@code merges.txt} as {@code CLIPTokenizer.__init__} does. */
    static BpeVocabulary fromHuggingFace(Path vocabJson, Path mergesTxt) {
        try {
            Map<String, Integer> encoder = new ObjectMapper().readValue(vocabJson.toFile(), new TypeReference<>() {});
            // Python: merges_handle.read().strip().split("\n")[1:48895]
            String text = PythonText.strip(Files.readString(mergesTxt, StandardCharsets.UTF_8));
            return of(new HashMap<>(encoder), mergeLines(text.split("\n", -1)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Hugging Face tokenizer files " + vocabJson + ", " + mergesTxt, e);
        }
    }

    /** Lines 1..48894 (the header is line 0), each split on whitespace into its two symbols. */
    private static List<String[]> mergeLines(String[] lines) {
        int end = Math.min(lines.length, 1 + MERGES_USED);
        List<String[]> merges = new ArrayList<>(Math.max(0, end - 1));
        for (int i = 1; i < end; i++) {
            String[] pair = PythonText.split(lines[i]);
            if (pair.length != 2) throw new IllegalArgumentException("merge line " + i + " is not two symbols: '" + lines[i] + "'");
            merges.add(pair);
        }
        return merges;
    }

    private static BpeVocabulary of(Map<String, Integer> encoder, List<String[]> merges) {
        int size = 0;
        for (int id : encoder.values()) size = Math.max(size, id + 1);
        String[] decoder = new String[size];
        encoder.forEach((token, id) -> decoder[id] = token);
        Map<String, Integer> ranks = new HashMap<>(merges.size() * 2);
        for (int rank = 0; rank < merges.size(); rank++) {
            ranks.put(merges.get(rank)[0] + " " + merges.get(rank)[1], rank); // later duplicates win, as in dict(zip())
        }
        if (!encoder.containsKey(START_OF_TEXT) || !encoder.containsKey(END_OF_TEXT)) {
            throw new IllegalArgumentException("vocabulary lacks " + START_OF_TEXT + " or " + END_OF_TEXT);
        }
        return new BpeVocabulary(Map.copyOf(encoder), decoder, Map.copyOf(ranks));
    }

    int size() {
        return decoder.length;
    }
}
