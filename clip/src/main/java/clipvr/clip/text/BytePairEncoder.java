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
        return merge(token, vocabulary.ranks());
    }

    /**
     * The same merges as {@link #mergeNaive} in O(n log n), so that a pre-token of a million characters cannot hang
     * the tokenizer (found by fuzzing). Symbols form a linked list; a heap holds (rank, left symbol) for every
     * adjacent pair with a rank. A round takes <em>all</em> entries of the lowest rank (one bigram), and fuses them
     * left to right, skipping stale and overlapping ones, exactly like the naive scan; pairs created by the round
     * enter the heap with their own ranks, which differ from the round's (a fused symbol is longer than both parts).
     */
    static List<String> merge(String token, Map<String, Integer> ranks) {
        int n = token.length();
        String[] sym = new String[n];
        int[] next = new int[n], prev = new int[n];
        for (int i = 0; i < n; i++) {
            sym[i] = i == n - 1 ? token.charAt(i) + BpeVocabulary.END_OF_WORD : String.valueOf(token.charAt(i));
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        boolean[] dead = new boolean[n];
        java.util.PriorityQueue<long[]> heap = new java.util.PriorityQueue<>(
                (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        for (int i = 0; i + 1 < n; i++) push(heap, ranks, sym, i, i + 1);
        List<Integer> round = new ArrayList<>();
        while (!heap.isEmpty()) {
            long rank = heap.peek()[0];
            round.clear();
            while (!heap.isEmpty() && heap.peek()[0] == rank) round.add((int) heap.poll()[1]);
            round.sort(null); // left to right
            for (int left : round) {
                int right = dead[left] ? -1 : next[left];
                if (right < 0) continue; // stale: the left symbol was fused away or is now last
                Integer r = ranks.get(sym[left] + " " + sym[right]);
                if (r == null || r != rank) continue; // stale: a symbol changed since the entry was pushed
                sym[left] = sym[left] + sym[right];
                dead[right] = true;
                next[left] = next[right];
                if (next[right] >= 0) prev[next[right]] = left;
                if (prev[left] >= 0) push(heap, ranks, sym, prev[left], left);
                if (next[left] >= 0) push(heap, ranks, sym, left, next[left]);
            }
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i >= 0; i = next[i]) out.add(sym[i]);
        return out;
    }

    private static void push(java.util.PriorityQueue<long[]> heap, Map<String, Integer> ranks, String[] sym, int a, int b) {
        Integer r = ranks.get(sym[a] + " " + sym[b]);
        if (r != null) heap.add(new long[]{r, a});
    }

    /**
     * The naive twin of {@link #merge}: {@code SimpleTokenizer.bpe} line by line. Each round rescans the whole word,
     * so it is quadratic in the pre-token length; kept as the reference the fast version is tested against.
     */
    static List<String> mergeNaive(String token, Map<String, Integer> ranks) {
        List<String> word = new ArrayList<>(token.length());
        for (int i = 0; i < token.length() - 1; i++) word.add(String.valueOf(token.charAt(i)));
        word.add(token.charAt(token.length() - 1) + BpeVocabulary.END_OF_WORD);

        while (word.size() > 1) {
            // the adjacent pair that was merged earliest in training (lowest rank)
            int bestRank = Integer.MAX_VALUE;
            String first = null;
            String second = null;
            for (int i = 0; i < word.size() - 1; i++) {
                Integer rank = ranks.get(word.get(i) + " " + word.get(i + 1));
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
