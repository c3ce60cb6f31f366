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

    /** The fixture file, or (when the shared fixtures are absent) a synthetic file of the same format. */
    private static synchronized byte[] bytes(String name) throws Exception {
        Path d = SharedFixtures.shared().resolve("fixtures/tiny-vit");
        boolean ptFile = name.endsWith(".pt");
        if (ptFile ? pt != null : st != null) return ptFile ? pt : st;
        byte[] b = Files.isDirectory(d) ? Files.readAllBytes(d.resolve(name)) : ptFile ? syntheticPt() : syntheticSt();
        if (ptFile) pt = b; else st = b;
        return b;
    }

    private static byte[] syntheticSt() {
        java.util.List<RawTensor> ts = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) ts.add(RawTensor.ofFloats("t" + i, new long[]{16, 16}, new float[256]));
        return SafetensorsWriter.toBytes(ts, java.util.Map.of("format", "pt"));
    }

    private static byte[] syntheticPt() {
        PickleWriter w = new PickleWriter().proto(2).orderedDict().mark();
        ZipBuilder z = new ZipBuilder(true, true);
        for (int i = 0; i < 8; i++)
            w.str("t" + i).tensorV2("FloatStorage", Integer.toString(i), 256, 0, new long[]{16, 16}, new long[]{16, 1});
        z.add("synthetic/data.pkl", w.setitems().stop().toBytes());
        for (int i = 0; i < 8; i++) z.add("synthetic/data/" + i, new byte[1024]);
        return z.add("synthetic/version", "3\n").toBytes();
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
