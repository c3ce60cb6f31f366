package clipvr.clip.io;

import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Truncated and corrupted copies of the fixture files: reading must end quickly with a {@link CheckpointException}
 * (or, for corruptions that leave the structure intact, succeed) — never another exception, never a hang.
 */
class CorruptionPropertiesTest {

    private static byte[] pt, st;

    private static synchronized byte[] bytes(String name) throws Exception {
        Path d = SharedFixtures.shared().resolve("fixtures/tiny-vit");
        Assume.that(Files.isDirectory(d));
        if (name.endsWith(".pt")) return pt != null ? pt : (pt = Files.readAllBytes(d.resolve(name)));
        return st != null ? st : (st = Files.readAllBytes(d.resolve(name)));
    }

    private static void readCopy(byte[] content, String suffix, boolean mustFail) throws Exception {
        Path tmp = Files.createTempFile("corrupt", suffix);
        try {
            Files.write(tmp, content);
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                try {
                    Checkpoint c = CheckpointReader.read(tmp);
                    for (RawTensor t : c.tensors().values()) t.toFloatArray(); // touch every byte
                    if (mustFail) fail("a truncated file was accepted: " + content.length + " bytes");
                } catch (CheckpointException expected) {
                    assertTrue(expected.getMessage().contains(tmp.getFileName().toString()), expected.getMessage());
                }
            });
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Property(tries = 40)
    void truncatedTorchZip(@ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double frac) throws Exception {
        byte[] b = bytes("openai_state_dict.pt");
        readCopy(Arrays.copyOf(b, (int) (frac * b.length)), ".pt", true);
    }

    @Property(tries = 40)
    void truncatedSafetensors(@ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double frac) throws Exception {
        byte[] b = bytes("openai.safetensors");
        readCopy(Arrays.copyOf(b, (int) (frac * b.length)), ".safetensors", true);
    }

    /** Flips bytes in the structural parts: pickle + first records, and the central directory at the end. */
    @Property(tries = 60)
    void corruptedTorchZip(@ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double where,
                           @ForAll byte xor, @ForAll boolean tail) throws Exception {
        Assume.that(xor != 0);
        byte[] b = bytes("openai_state_dict.pt").clone();
        int region = 8192;
        int pos = tail ? b.length - 1 - (int) (where * 4096) : (int) (where * region);
        b[pos] ^= xor;
        readCopy(b, ".pt", false);
    }

    @Property(tries = 40)
    void corruptedSafetensorsHeader(@ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double where,
                                    @ForAll byte xor) throws Exception {
        Assume.that(xor != 0);
        byte[] b = bytes("openai.safetensors").clone();
        b[(int) (where * 4096)] ^= xor;
        readCopy(b, ".safetensors", false);
    }
}
