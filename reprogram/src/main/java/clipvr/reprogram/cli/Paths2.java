package clipvr.reprogram.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locations the CLI resolves by default: the project root, ../shared, the vocabulary. */
final class Paths2 {
    private Paths2() {}

    static Path root() { return Path.of(System.getProperty("clipvr.root", ".")).toAbsolutePath().normalize(); }

    static Path shared() {
        String s = System.getProperty("clipvr.shared");
        return s != null ? Path.of(s) : root().resolve("../shared").normalize();
    }

    /**
     * The vocabulary: the explicit flag, else a vocab beside the weights ({@code bpe_simple_vocab_16e6.txt.gz},
     * or HF {@code vocab.json} + {@code merges.txt}), else ../shared/clip, else the copy committed in weights/, else a clear error.
     */
    static Path vocab(Path explicit, Path weights) {
        if (explicit != null) {
            if (!Files.exists(explicit)) throw new IllegalArgumentException("--vocab: file not found: " + explicit);
            return explicit;
        }
        Path found = clipvr.clip.text.ClipTokenizer.locateVocab(weights);
        if (found != null) return found;
        Path shared = shared().resolve("clip/bpe_simple_vocab_16e6.txt.gz");
        if (Files.exists(shared)) return shared;
        Path bundled = root().resolve("weights/bpe_simple_vocab_16e6.txt.gz");   // committed with clipvr-mini (MIT, OpenAI)
        if (Files.exists(bundled)) return bundled;
        throw new IllegalArgumentException("no vocabulary found: pass --vocab PATH (OpenAI's bpe_simple_vocab_16e6.txt.gz or a Hugging Face vocab.json"
                + " with merges.txt beside it), or put one beside the weights");
    }
}
