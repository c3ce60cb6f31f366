package clipvr.clip.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-pair encoding of one pre-token ({@code SimpleTokenizer.bpe}).
 *
 * <p>The pre-token arrives as byte stand-ins (one char per UTF-8 byte, see {@link BytesToUnicode}). It starts as a
 * sequence of single-character symbols whose last symbol carries the end-of-word marker {@code </w>}: "cat" is
 * {@code c a t</w>}. The marker makes a word-final piece a different token from the same letters inside a word
 * ({@code at</w>} in "cat" vs {@code at} in "atom"), so decoding can put the spaces back. Then, repeatedly, the
 * adjacent pair with the lowest merge rank is found and <em>every</em> non-overlapping occurrence of it, left to
 * right, is fused into one symbol, until no adjacent pair has a rank or one symbol is left. Each final symbol is a
 * vocabulary entry.
 *
 * <p>Results are cached per pre-token in a {@link ConcurrentHashMap}, so the encoder is safe to share between
 * threads. The cache is bounded: past {@value #MAX_CACHE_ENTRIES} entries new results are no longer stored.
 */
final class BytePairEncoder {
    static final int MAX_CACHE_ENTRIES = 200_000;

    private final BpeVocabulary vocabulary;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    BytePairEncoder(BpeVocabulary vocabulary) {
        this.vocabulary = vocabulary;
        // As in SimpleTokenizer: the special tokens bypass BPE (they are seeded into its cache).
        for (String special : List.of(BpeVocabulary.START_OF_TEXT, BpeVocabulary.END_OF_TEXT)) {
            cache.put(special, new int[] {vocabulary.encoder().get(special)});
        }
    }

    /** The ids of one pre-token given as byte stand-ins; the returned array must not be modified. */
    int[] encode(String token) {
        int[] cached = cache.get(token);
        if (cached != null) return cached;
        List<String> symbols = merge(token);
        int[] ids = new int[symbols.size()];
        for (int i = 0; i < ids.length; i++) {
            Integer id = vocabulary.encoder().get(symbols.get(i));
            if (id == null) throw new IllegalStateException("BPE symbol '" + symbols.get(i) + "' is not in the vocabulary");
            ids[i] = id;
        }
        if (cache.size() < MAX_CACHE_ENTRIES) cache.put(token, ids);
        return ids;
    }

    /** The BPE symbols of {@code token} (non-empty, byte stand-ins). */
    List<String> merge(String token) {
        List<String> word = new ArrayList<>(token.length());
        for (int i = 0; i < token.length() - 1; i++) word.add(String.valueOf(token.charAt(i)));
        word.add(token.charAt(token.length() - 1) + BpeVocabulary.END_OF_WORD);

        while (word.size() > 1) {
            // the adjacent pair that was merged earliest in training (lowest rank)
            int bestRank = Integer.MAX_VALUE;
            String first = null;
            String second = null;
            for (int i = 0; i < word.size() - 1; i++) {
                Integer rank = vocabulary.ranks().get(word.get(i) + " " + word.get(i + 1));
                if (rank != null && rank < bestRank) {
                    bestRank = rank;
                    first = word.get(i);
                    second = word.get(i + 1);
                }
            }
            if (first == null) break;
            // fuse every occurrence of (first, second), scanning left to right
            List<String> merged = new ArrayList<>(word.size());
            for (int i = 0; i < word.size(); i++) {
                if (i < word.size() - 1 && word.get(i).equals(first) && word.get(i + 1).equals(second)) {
                    merged.add(first + second);
                    i++;
                } else {
                    merged.add(word.get(i));
                }
            }
            word = merged;
        }
        return word;
    }
}
