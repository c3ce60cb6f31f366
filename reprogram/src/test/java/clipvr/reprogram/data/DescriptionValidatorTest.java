package clipvr.reprogram.data;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import clipvr.reprogram.data.DescriptionValidator.Kind;
import clipvr.reprogram.data.DescriptionValidator.Report;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class DescriptionValidatorTest {

    /** The bundled datasets and the five files of each. */
    static final List<String> DATASETS = List.of("cifar10", "gtsrb", "mnist", "fashion_mnist");
    static final List<String> KINDS = List.of("des", "dist", "cse_1", "cse_2", "cse_3");

    private static final Pattern PIECE = Pattern.compile("\\p{L}+|\\p{N}|[^\\s\\p{L}\\p{N}]+");

    /**
     * A deliberately pessimistic stand-in for CLIP's BPE length (SOT + tokens + EOT): every letter run of length L
     * counts as ceil(L / 2) tokens, every digit and punctuation run as one per character. Real BPE gives far fewer
     * (the shipped files peak at 27 tokens measured with OpenAI's tokenizer); the point is a safety margin until
     * the clip module's tokenizer is wired in.
     */
    static final ToIntFunction<String> PESSIMISTIC_TOKENS = s -> {
        int n = 2;
        Matcher m = PIECE.matcher(s.toLowerCase(java.util.Locale.ROOT));
        while (m.find()) {
            String p = m.group();
            n += Character.isLetter(p.codePointAt(0)) ? (p.length() + 1) / 2 : p.length();
        }
        return n;
    };

    @Test
    void shippedFilesAreCompleteAndValid() {
        int total = 0;
        for (String ds : DATASETS) {
            List<String> names = ClassNames.bundled(ds);
            for (String kind : KINDS) {
                DescriptionFile f = DescriptionFile.resource(ds + "_" + kind);
                assertEquals(names, f.classNames(), ds + "_" + kind + ": keys = class names in label order");
                Report r = DescriptionValidator.validate(f, names, 20, PESSIMISTIC_TOKENS);
                assertTrue(r.errors().isEmpty(), r.format());
                assertTrue(r.warnings().isEmpty(), r.format());
                assertTrue(r.of(Kind.DUPLICATE_SENTENCE).isEmpty(), r.format());
                for (String c : names) {
                    List<String> s = f.sentences(c);
                    assertTrue(s.size() >= 20, ds + "_" + kind + " '" + c + "' has " + s.size());
                    for (String x : s) {
                        assertTrue(x.split("\\s+").length <= 26, "too long: " + x);
                        assertFalse(x.toLowerCase().contains("unable to view") || x.toLowerCase().contains("as an ai"), x);
                    }
                    total += s.size();
                }
            }
        }
        assertTrue(total >= 7_300, "sentences: " + total);
    }

    @Test
    void reportsEveryProblemKindNamingClassAndSentence() {
        DescriptionFile f = DescriptionFile.parse("""
                {"b": ["A sentence that is long enough.", "Another sentence long enough.", "tiny",
                       "A sentence that is long enough."],
                 "extra": ["This class is not in the dataset."],
                 "a": ["no", "nope"],
                 "c": ["%s"]}
                """.formatted("word ".repeat(50).strip()), "t.json");
        Report r = DescriptionValidator.validate(f, List.of("a", "b", "c", "d"), 3, PESSIMISTIC_TOKENS);
        assertEquals(List.of("d"), r.of(Kind.MISSING_CLASS).stream().map(DescriptionValidator.Problem::className).toList());
        assertEquals(List.of("extra"), r.of(Kind.EXTRA_CLASS).stream().map(DescriptionValidator.Problem::className).toList());
        assertEquals(1, r.of(Kind.KEY_ORDER).size());
        assertEquals(List.of("a"), r.of(Kind.NO_USABLE_SENTENCES).stream().map(DescriptionValidator.Problem::className).toList());
        assertEquals(List.of("no", "nope", "tiny"), r.of(Kind.SHORT_SENTENCE).stream().map(DescriptionValidator.Problem::sentence).toList());
        assertEquals("b", r.of(Kind.SHORT_SENTENCE).getLast().className());
        assertEquals(List.of("b"), r.of(Kind.DUPLICATE_SENTENCE).stream().map(DescriptionValidator.Problem::className).toList());
        assertEquals(1, r.of(Kind.TOO_MANY_TOKENS).size());
        assertEquals("c", r.of(Kind.TOO_MANY_TOKENS).getFirst().className());
        assertTrue(r.of(Kind.TOO_MANY_TOKENS).getFirst().sentence().startsWith("word word"));
        assertEquals(List.of("c"), r.of(Kind.FEWER_THAN_M).stream().map(DescriptionValidator.Problem::className).toList());
        assertEquals(List.of("b"), r.of(Kind.EXACTLY_M).stream().map(DescriptionValidator.Problem::className).toList());
        assertFalse(r.isValid());
        assertTrue(r.format().contains("MISSING_CLASS [d]"), r.format());
        // without a token counter the length check is skipped
        assertTrue(DescriptionValidator.validate(f, List.of("a", "b", "c", "d"), 3, null).of(Kind.TOO_MANY_TOKENS).isEmpty());
        // an exact counter at the boundary: 77 passes, 78 fails
        DescriptionFile g = DescriptionFile.parse("{\"x\": [\"Exactly at the limit here.\"]}", "g.json");
        assertTrue(DescriptionValidator.validate(g, List.of("x"), 1, s -> 77).of(Kind.TOO_MANY_TOKENS).isEmpty());
        assertEquals(1, DescriptionValidator.validate(g, List.of("x"), 1, s -> 78).of(Kind.TOO_MANY_TOKENS).size());
    }

    /**
     * The AttrVR and DVP releases in the shared folder: keys equal the class lists, and the classes the reference
     * samples with replacement are exactly those listed in spec §6 (fgvc_dist 50, resisc45_des 6, sun397_des 4,
     * ucf101_dist 5, stanford_cars_dist 3, oxford_pets_dist 1 among the AttrVR files; every class of every DVP file).
     */
    @Test
    void sharedReleaseFiles() throws IOException {
        Path shared = Datasets.sharedDir().resolve("descriptions");
        assumeTrue(Files.isDirectory(shared.resolve("classnames")), "skipped: " + shared + " not present (set -Dclipvr.shared=DIR)");
        Map<String, Integer> withReplacement = Map.of("fgvc_dist", 50, "resisc45_des", 6, "sun397_des", 4, "ucf101_dist", 5,
                "stanford_cars_dist", 3, "oxford_pets_dist", 1);
        List<Path> files = new ArrayList<>();
        try (Stream<Path> a = Files.list(shared.resolve("attrvr")); Stream<Path> d = Files.list(shared.resolve("dvp"))) {
            Stream.concat(a, d).filter(p -> p.toString().endsWith(".json")).sorted().forEach(files::add);
        }
        assertEquals(22 + 45, files.size());
        for (Path p : files) {
            String base = p.getFileName().toString().replace(".json", "");
            String ds = base.replaceAll("_(des|dist|cse_\\d|csl_\\d)$", "");
            List<String> names = ClassNames.read(shared.resolve("classnames").resolve(ds + ".txt"));
            DescriptionFile f = DescriptionFile.load(p);
            Report r = DescriptionValidator.validate(f, names, 20, null);
            assertTrue(r.isValid(), r.format());
            assertTrue(r.of(Kind.MISSING_CLASS).isEmpty() && r.of(Kind.EXTRA_CLASS).isEmpty() && r.of(Kind.KEY_ORDER).isEmpty(), base);
            int replaced = r.of(Kind.FEWER_THAN_M).size() + r.of(Kind.EXACTLY_M).size();
            if (p.getParent().getFileName().toString().equals("dvp")) {
                assertEquals(names.size(), replaced, base + ": every DVP class is sampled with replacement");
            } else {
                assertEquals(withReplacement.getOrDefault(base, 0), replaced, base);
            }
        }
    }
}
