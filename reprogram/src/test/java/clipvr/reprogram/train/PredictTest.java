package clipvr.reprogram.train;

import clipvr.clip.api.Prediction;
import clipvr.reprogram.api.ReprogrammedClassifier;
import clipvr.reprogram.cli.Main;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link ReprogrammedClassifier} and {@code clipvr predict} against {@code clipvr evaluate} on the same test images:
 * labels predicted from plain file paths must reproduce evaluate's top-1, per-class accuracy and confusion matrix
 * (which it computes through the dataset reader and the trainer's batch pipeline).
 */
class PredictTest {
    @TempDir static Path world;
    static Path data, desc;
    static final List<String> METHODS = List.of("ar", "smm", "dvp-cse");
    /** ImageFolder's class order: the folder names sorted. */
    static final List<String> CLASSES = TinyRun.CLASSES.stream().sorted().toList();

    @BeforeAll static void trainRuns() {
        data = TinyRun.dataset(world, 6, 3);
        desc = TinyRun.descriptions(world, 5);
        for (String m : METHODS) {
            int rc = quietly(() -> Main.run("train", "--method", m, "--weights", TinyRun.weights().toString(), "--data", data.toString(),
                    "--descriptions", desc.toString(), "--out", world.resolve(m).toString(), "--shots", "3", "--batch", "4", "--quiet",
                    "--m", "3", "--epochs", "2", "--lr", m.equals("smm") ? "0.01" : "10"));
            assertEquals(0, rc, m);
        }
    }

    /** Runs {@code body} with stdout/stderr captured; returns its exit code and leaves the output in {@link #lastOut}. */
    static int quietly(java.util.function.IntSupplier body) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return body.getAsInt();
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            lastOut = out.toString(StandardCharsets.UTF_8);
            lastErr = err.toString(StandardCharsets.UTF_8);
        }
    }
    static String lastOut, lastErr;

    /** The test split's files, sorted, and the class index of each (its folder). */
    record Files2(List<Path> files, int[] labels) {}

    static Files2 testFiles() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.walk(data.resolve("test"))) { files = s.filter(Files::isRegularFile).sorted().toList(); }
        int[] labels = files.stream().mapToInt(f -> CLASSES.indexOf(f.getParent().getFileName().toString())).toArray();
        return new Files2(files, labels);
    }

    @Test void libraryPredictionsReproduceEvaluate() throws Exception {
        Files2 t = testFiles();
        for (String m : METHODS) {
            Path run = world.resolve(m);
            assertEquals(0, quietly(() -> Main.run("evaluate", "--run", run.toString(), "--json")), lastErr);
            JsonNode ev = RunFiles.JSON.readTree(lastOut);
            ReprogrammedClassifier vr = ReprogrammedClassifier.load(run);
            assertEquals(m, vr.method());
            assertEquals(CLASSES, vr.classNames());
            assertEquals(1, vr.epoch());
            List<Prediction> ps = vr.withBatchSize(4).predictFiles(t.files());
            int c = CLASSES.size();
            long[][] confusion = new long[c][c];
            int correct = 0;
            for (int i = 0; i < ps.size(); i++) {
                Prediction p = ps.get(i);
                confusion[t.labels()[i]][p.index()]++;
                if (p.index() == t.labels()[i]) correct++;
                assertEquals(1.0, java.util.Arrays.stream(p.probabilities()).sum(), 1e-9);
                assertEquals(p.probability(), p.probabilities()[p.index()]);
                assertEquals(Math.min(5, c), p.top().size());
            }
            assertEquals(ev.get("images").asInt(), ps.size(), m);
            assertEquals(ev.get("top1").asDouble(), (double) correct / ps.size(), 1e-12, m);
            for (int a = 0; a < c; a++)
                for (int b = 0; b < c; b++) assertEquals(ev.get("confusion").get(a).get(b).asLong(), confusion[a][b], m + " confusion " + a + "," + b);
            // the same answer one image at a time, and from decoded images and bytes
            assertEquals(ps.get(2).index(), vr.predict(t.files().get(2)).index());
            assertArrayEquals(ps.get(2).probabilities(), vr.predictImageBytes(List.of(Files.readAllBytes(t.files().get(2)))).getFirst().probabilities(), 1e-6);
            assertArrayEquals(ps.get(2).probabilities(),
                    vr.predictImages(List.of(javax.imageio.ImageIO.read(t.files().get(2).toFile()))).getFirst().probabilities(), 1e-6);
        }
    }

    @Test void predictCommandWritesJsonLinesAndCsv() throws Exception {
        Files2 t = testFiles();
        Path run = world.resolve("dvp-cse");
        List<Prediction> lib = ReprogrammedClassifier.load(run).predictFiles(t.files());
        List<String> args = new ArrayList<>(List.of("predict", "--run", run.toString(), "--batch", "5", "--top", "2", "--images"));
        t.files().forEach(f -> args.add(f.toString()));
        assertEquals(0, quietly(() -> Main.run(args.toArray(String[]::new))), lastErr);
        List<String> lines = lastOut.lines().toList();
        assertEquals(t.files().size(), lines.size());
        for (int i = 0; i < lines.size(); i++) {
            JsonNode j = RunFiles.JSON.readTree(lines.get(i));
            assertEquals(t.files().get(i).toString(), j.get("image").asText());
            assertEquals(lib.get(i).label(), j.get("label").asText());
            assertEquals(lib.get(i).probability(), j.get("probability").asDouble(), 1e-12);
            assertEquals(2, j.get("top").size());
            for (int c = 0; c < CLASSES.size(); c++)
                assertEquals(lib.get(i).probabilities()[c], j.get("probabilities").get(CLASSES.get(c)).asDouble(), 1e-12);
        }
        Path csv = world.resolve("pred.csv");
        assertEquals(0, quietly(() -> Main.run("predict", "--run", run.toString(), "--data", data.resolve("test").toString(),
                "--format", "csv", "--out", csv.toString())), lastErr);
        List<String> rows = Files.readAllLines(csv);
        assertEquals("image,label,index,probability,top,p:blue_thing,p:green_thing,p:red_thing", rows.getFirst());
        assertEquals(t.files().size() + 1, rows.size());
        String[] first = rows.get(1).split(",");
        assertEquals(t.files().getFirst().toString(), first[0]);
        assertEquals(lib.getFirst().label(), first[1]);
        assertEquals(lib.getFirst().probabilities()[2], Double.parseDouble(first[7]), 1e-12);
    }

    @Test void predictCommandErrors() {
        Path run = world.resolve("ar");
        assertEquals(2, quietly(() -> Main.run("predict", "--run", run.toString())));
        assertTrue(lastErr.contains("--images") || lastErr.contains("--data"), lastErr);
        assertEquals(2, quietly(() -> Main.run("predict", "--run", run.toString(), "--images", world.resolve("missing.png").toString())));
        assertTrue(lastErr.contains("--images: file not found"), lastErr);
        assertEquals(2, quietly(() -> Main.run("predict", "--run", run.toString(), "--data", data.toString(), "--format", "xml")));
        assertTrue(lastErr.contains("--format"), lastErr);
        assertEquals(2, quietly(() -> Main.run("predict", "--run", world.resolve("none").toString(), "--data", data.toString())));
        assertTrue(lastErr.contains("not a run directory"), lastErr);
        assertEquals(0, quietly(() -> Main.run("predict", "--help")));
        assertTrue(lastOut.contains("Usage: clipvr predict"), lastOut);
    }
    /**
     * README's "Use from Java" example: extracted from README.md, compiled with javac against the test class path and run
     * on the tiny model and a trained run, so the documented API cannot drift from the real one.
     */
    @Test void readmeExampleCompilesAndRuns() throws Exception {
        Path readme = Path.of(System.getProperty("clipvr.root", "..")).resolve("README.md");
        if (!Files.exists(readme)) readme = Path.of("..", "README.md");
        String text = Files.readString(readme);
        int section = text.indexOf("## Use from Java");
        assertTrue(section >= 0, "README.md has no 'Use from Java' section");
        int start = text.indexOf("```java\n", section) + "```java\n".length();
        String source = text.substring(start, text.indexOf("```", start));
        Path src = world.resolve("readme-example/UseClipvr.java"), classes = world.resolve("readme-example/classes");
        Files.createDirectories(classes);
        Files.writeString(src, source);
        javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "-proc:none", "-d", classes.toString(),
                "-cp", System.getProperty("java.class.path"), src.toString());
        assertEquals(0, rc, "README example does not compile:\n" + diagnostics.toString(StandardCharsets.UTF_8));
        Path image = testFiles().files().getFirst();
        try (var loader = new java.net.URLClassLoader(new java.net.URL[]{classes.toUri().toURL()}, getClass().getClassLoader())) {
            var main = loader.loadClass("UseClipvr").getMethod("main", String[].class);
            assertEquals(0, quietly(() -> {
                try {
                    main.invoke(null, (Object) new String[]{TinyRun.weights().toString(), world.resolve("ar").toString(), image.toString()});
                    return 0;
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError("README example failed", e.getCause() != null ? e.getCause() : e);
                }
            }));
        }
        String expected = ReprogrammedClassifier.load(world.resolve("ar")).predict(image).label();
        assertTrue(lastOut.contains("cosine(image, cat) = "), lastOut);
        assertTrue(lastOut.contains("zero-shot: "), lastOut);
        assertTrue(lastOut.contains("ar: " + expected + " top "), lastOut);
    }
}
