package clipvr.reprogram.data;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class DescriptionFileTest {

    private static final String JSON = """
            {"zebra": ["A zebra has black and white stripes.", "short", "Zebras stand on four thin legs."],
             "ant": ["An ant has six legs and a narrow waist.", "An ant carries crumbs bigger than itself.",
                     "Ants march in long lines.", "Tiny.", "Red ants look glossy and dark red."],
             "caf\u00e9 \u00e9t\u00e9": ["\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9",
                       "\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00"]}
            """;

    @Example
    void preservesKeyOrderAndFiltersByCodePoints() {
        DescriptionFile f = DescriptionFile.parse(JSON, "test.json");
        assertEquals(List.of("zebra", "ant", "caf\u00e9 \u00e9t\u00e9"), f.classNames());
        assertEquals(List.of("zebra", "ant", "caf\u00e9 \u00e9t\u00e9"), List.copyOf(f.asMap().keySet()));
        assertEquals(2, f.usable("zebra").size());
        assertEquals(4, f.usable("ant").size());
        // 20 BMP characters are kept; 10 emoji are 20 UTF-16 units but only 10 code points (Python len) -> dropped
        assertEquals(List.of("\u00e9".repeat(20)), f.usable("caf\u00e9 \u00e9t\u00e9"));
        assertThrows(UnsupportedOperationException.class, () -> f.asMap().put("x", List.of()));
    }

    @Example
    void mergeTakesEachClassFromTheFileThatHasItInTheGivenOrder() {
        DescriptionFile a = DescriptionFile.parse("{\"cat\": [\"A cat has whiskers and soft fur.\"], \"dog\": [\"A dog wags its long tail.\"]}", "a.json");
        DescriptionFile b = DescriptionFile.parse("{\"stop sign\": [\"A red octagon with white letters.\"]}", "b.json");
        DescriptionFile m = DescriptionFile.merge(List.of(a, b), List.of("stop sign", "cat", "dog"));
        assertEquals(List.of("stop sign", "cat", "dog"), m.classNames());
        assertEquals(b.sentences("stop sign"), m.sentences("stop sign"));
        assertEquals(a.sentences("dog"), m.sentences("dog"));
        assertEquals("a.json + b.json", m.source());
        // a class no part describes is left out (the validator reports it), classes not asked for are dropped
        DescriptionFile partial = DescriptionFile.merge(List.of(a, b), List.of("cat", "yield sign"));
        assertEquals(List.of("cat"), partial.classNames());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> partial.sample(List.of("cat", "yield sign"), 1, new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("yield sign") && e.getMessage().contains("a.json + b.json"), e.getMessage());
        // the same class in two parts is ambiguous
        DescriptionFile c = DescriptionFile.parse("{\"dog\": [\"Another dog sentence, long enough.\"]}", "c.json");
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class, () -> DescriptionFile.merge(List.of(a, c), List.of("dog")));
        assertTrue(dup.getMessage().contains("'dog'") && dup.getMessage().contains("a.json") && dup.getMessage().contains("c.json"), dup.getMessage());
        assertEquals(List.of("cat"), DescriptionFile.merge(List.of(a, c), List.of("cat")).classNames());   // only the asked classes count
    }

    @Example
    void rejectsMalformedFiles() {
        assertThrows(IllegalArgumentException.class, () -> DescriptionFile.parse("{\"a\": [\"x\"], \"a\": [\"y\"]}", "dup.json"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DescriptionFile.parse("{\"a\": \"not a list\"}", "bad.json"));
        assertTrue(e.getMessage().contains("bad.json") && e.getMessage().contains("'a'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DescriptionFile.parse("{\"a\": [1, 2]}", "num.json"));
        assertThrows(IllegalArgumentException.class, () -> DescriptionFile.parse("[1]", "arr.json"));
        assertThrows(IllegalArgumentException.class, () -> DescriptionFile.parse("{\"a\": [\"x\"", "trunc.json"));
    }

    @Example
    void samplingFollowsTheReferenceBranches() {
        DescriptionFile f = DescriptionFile.parse(JSON, "test.json");
        List<String> s = f.sample(List.of("ant", "zebra"), 3, new SplittableRandom(1));
        assertEquals(6, s.size());
        // m = 3 < 4 usable ant sentences: without replacement -> 3 distinct usable ant sentences first
        assertEquals(3, new HashSet<>(s.subList(0, 3)).size());
        assertTrue(f.usable("ant").containsAll(s.subList(0, 3)));
        // m = 3 >= 2 usable zebra sentences: with replacement -> drawn from the 2, duplicates unavoidable
        assertTrue(f.usable("zebra").containsAll(s.subList(3, 6)));
        assertTrue(new HashSet<>(s.subList(3, 6)).size() <= 2);
        assertEquals(s, f.sample(List.of("ant", "zebra"), 3, new SplittableRandom(1)), "deterministic for a seed");

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> f.sample(List.of("ant", "moth"), 3, new SplittableRandom(1)));
        assertTrue(missing.getMessage().contains("'moth'"));
        DescriptionFile empty = DescriptionFile.parse("{\"x\": [\"short\"]}", "e.json");
        assertThrows(IllegalArgumentException.class, () -> empty.sample(1, new SplittableRandom(0)));
    }

    @Property(tries = 200)
    void sampleShapeAndMembership(@ForAll @IntRange(min = 1, max = 30) int m, @ForAll long seed) {
        DescriptionFile f = DescriptionFile.resource("cifar10_des");
        List<String> names = ClassNames.bundled("cifar10");
        List<String> s = f.sample(names, m, new SplittableRandom(seed));
        assertEquals(names.size() * m, s.size());
        for (int c = 0; c < names.size(); c++) {
            List<String> block = s.subList(c * m, (c + 1) * m);
            assertTrue(f.usable(names.get(c)).containsAll(block), "class-major block " + c);
            if (m < f.usable(names.get(c)).size()) assertEquals(m, new HashSet<>(block).size(), "without replacement");
        }
    }

    @Example
    void loadsBundledResourcesByNameAndPath() throws Exception {
        assertEquals(ClassNames.bundled("gtsrb"), DescriptionFile.load("gtsrb_cse_3").classNames());
        assertEquals(ClassNames.bundled("mnist"), DescriptionFile.resource("mnist_dist.json").classNames());
        java.nio.file.Path tmp = java.nio.file.Files.createTempFile("desc", ".json");
        try {
            java.nio.file.Files.writeString(tmp, JSON);
            assertEquals(3, DescriptionFile.load(tmp.toString()).asMap().size());
            assertEquals(3, DescriptionFile.load(tmp).asMap().size());
        } finally {
            java.nio.file.Files.delete(tmp);
        }
        assertThrows(IllegalArgumentException.class, () -> DescriptionFile.load("no_such_file_des"));
        Map<String, List<String>> map = DescriptionFile.resource("fashion_mnist_cse_1").asMap();
        assertEquals("T-shirt/top", map.keySet().iterator().next());
    }
}
