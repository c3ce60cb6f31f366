package clipvr.reprogram.cli;

import clipvr.clip.text.ClipTokenizer;

import java.nio.file.Files;
import java.nio.file.Path;

/** Loads a tokenizer from OpenAI's gz vocabulary or a Hugging Face vocab.json (+ merges.txt beside it). */
final class Tokenizers {
    private Tokenizers() {}

    static ClipTokenizer load(Path vocab) {
        if (vocab.getFileName().toString().endsWith(".json")) {
            Path merges = vocab.resolveSibling("merges.txt");
            if (!Files.exists(merges)) throw new IllegalArgumentException("--vocab " + vocab + ": merges.txt not found beside it");
            return ClipTokenizer.fromHuggingFace(vocab, merges);
        }
        return ClipTokenizer.fromBpeGz(vocab);
    }
}
