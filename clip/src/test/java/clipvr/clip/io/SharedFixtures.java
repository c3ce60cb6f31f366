package clipvr.clip.io;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared fixture directory: system property {@code clipvr.shared} (default {@code ../shared}). */
final class SharedFixtures {
    private SharedFixtures() {}

    static Path shared() {
        return Path.of(System.getProperty("clipvr.shared", "../shared"));
    }

    /** {@code <shared>/fixtures/tiny-vit}, or skips the test with a message when it is missing. */
    static Path tinyVit() {
        Path p = shared().resolve("fixtures/tiny-vit");
        Assumptions.assumeTrue(Files.isDirectory(p),
                "shared fixtures not found at " + p.toAbsolutePath() + " (set -Dclipvr.shared=...); skipping");
        return p;
    }
}
