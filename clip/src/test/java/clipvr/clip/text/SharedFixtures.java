package clipvr.clip.text;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the shared, read-only data (not in the repository): the system property {@code clipvr.shared} (set by
 * surefire to {@code ${maven.multiModuleProjectDirectory}/../shared}), else {@code ../shared} relative to the working
 * directory. Tests that need a file skip, with a message, when it is missing.
 */
final class SharedFixtures {
    private SharedFixtures() {}

    static Path sharedDir() {
        return Path.of(System.getProperty("clipvr.shared", "../shared"));
    }

    static Path bpeVocabGz() {
        return sharedDir().resolve("clip/bpe_simple_vocab_16e6.txt.gz");
    }

    static Path tokensJson() {
        return sharedDir().resolve("fixtures/tiny-vit/tokens.json");
    }

    static boolean hasVocab() {
        return Files.isRegularFile(bpeVocabGz());
    }

    /** Skips the calling JUnit test unless the OpenAI vocabulary is present. */
    static void assumeVocab() {
        assumeTrue(hasVocab(), () -> "skipped: CLIP vocabulary not found at " + bpeVocabGz().toAbsolutePath()
                + " (set -Dclipvr.shared=<dir containing clip/bpe_simple_vocab_16e6.txt.gz>)");
    }

    /** The tokenizer built from OpenAI's file, loaded once; call {@link #assumeVocab()} first. */
    static ClipTokenizer openAi() {
        return Holder.TOKENIZER;
    }

    private static final class Holder {
        static final ClipTokenizer TOKENIZER = ClipTokenizer.fromBpeGz(bpeVocabGz());
    }
}
