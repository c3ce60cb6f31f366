package clipvr.spark;

import clipvr.clip.api.ClipEmbedder;
import clipvr.clip.api.Prediction;
import clipvr.clip.zeroshot.Templates;
import clipvr.reprogram.api.ReprogrammedClassifier;
import clipvr.reprogram.cli.Main;
import clipvr.reprogram.train.RunFiles;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Spark jobs on {@code local[2]} against independent results: the library row by row (embeddings, predictions)
 * and the command line's JSON (zero-shot and evaluate: top-1, top-5, per-class, confusion), plus a 2×2×1 grid that
 * runs and then resumes. One shared session, a tiny model and a few dozen tiny images.
 */
class SparkJobsTest {
    @TempDir static Path world;
    static SparkSession spark;
    static Path weights, vocab, dataA, dataB;
    static final List<String> CLASSES = List.of("blue_thing", "green_thing", "red_thing");       // ImageFolder order

    @BeforeAll static void start() {
        Path shared = Path.of(System.getProperty("clipvr.shared", "../shared")).toAbsolutePath().normalize();
        weights = shared.resolve("fixtures/tiny-vit/openai.safetensors");
        vocab = shared.resolve("clip/bpe_simple_vocab_16e6.txt.gz");
        assumeTrue(Files.exists(weights) && Files.exists(vocab), "shared fixtures missing");
        dataA = dataset(world.resolve("tinya"), 4, 4, 7);
        dataB = dataset(world.resolve("tinyb"), 4, 3, 11);
        spark = SparkSession.builder().master("local[2]").appName("clipvr-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
                .config("spark.driver.host", "127.0.0.1").getOrCreate();
    }

    @AfterAll static void stop() {
        if (spark != null) spark.stop();
    }

    /** root/{train,test}/<class>/*.png: 12×10 images, colour by class plus noise. */
    static Path dataset(Path root, int train, int test, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[][] base = {{50, 60, 210}, {40, 190, 60}, {200, 40, 40}};
        try {
            for (String split : List.of("train", "test"))
                for (int c = 0; c < CLASSES.size(); c++) {
                    Path dir = Files.createDirectories(root.resolve(split).resolve(CLASSES.get(c)));
                    for (int i = 0; i < (split.equals("train") ? train : test); i++) {
                        BufferedImage img = new BufferedImage(12, 10, BufferedImage.TYPE_INT_RGB);
                        for (int y = 0; y < 10; y++)
                            for (int x = 0; x < 12; x++) {
                                int[] p = new int[3];
                                for (int k = 0; k < 3; k++) p[k] = Math.clamp(base[c][k] + rng.nextInt(-60, 61), 0, 255);
                                img.setRGB(x, y, (p[0] << 16) | (p[1] << 8) | p[2]);
                            }
                        ImageIO.write(img, "png", dir.resolve(String.format("%03d.png", i)).toFile());
                    }
                }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return root;
    }

    static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) { return s.filter(Files::isRegularFile).sorted().toList(); }
    }

    /** Runs the CLI with its stdout captured. */
    static String cli(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int rc;
        try {
            rc = Main.run(args);
        } finally {
            System.setOut(old);
        }
        assertEquals(0, rc, "clipvr " + String.join(" ", args));
        return out.toString(StandardCharsets.UTF_8);
    }

    static void assertSameMetrics(JsonNode cli, ClassifyJob.Metrics m) {
        assertEquals(cli.get("images").asLong(), m.images());
        assertEquals(cli.get("top1").asDouble(), m.top1(), 1e-12);
        assertEquals(cli.get("top5").asDouble(), m.top5(), 1e-12);
        for (int c = 0; c < CLASSES.size(); c++) {
            assertEquals(cli.get("per_class").get(CLASSES.get(c)).asDouble(), m.perClass()[c], 1e-12, CLASSES.get(c));
            for (int d = 0; d < CLASSES.size(); d++) assertEquals(cli.get("confusion").get(c).get(d).asLong(), m.confusion()[c][d]);
        }
    }

    @Test void embeddingsEqualTheLibraryRowByRow() throws Exception {
        List<Path> files = files(dataA.resolve("train"));
        float[][] want = ClipEmbedder.load(weights, vocab).encodeImageFiles(files, true);
        Map<String, float[]> byPath = new HashMap<>();
        for (int i = 0; i < files.size(); i++) byPath.put(files.get(i).toAbsolutePath().toString(), want[i]);

        var paths = SparkMain.imagePaths(spark, dataA.resolve("train"), 2);
        var opts = EmbedJob.Options.of(weights.toString(), ImageColumn.paths("path")).withVocab(vocab.toString()).withBatchSize(5);
        List<Row> rows = EmbedJob.transform(paths, opts).collectAsList();
        assertEquals(files.size(), rows.size());
        for (Row r : rows) assertEmbedding(byPath.get(r.<String>getAs("path")), r.getList(r.fieldIndex("embedding")));

        // bytes from Spark's binaryFile source, unnormalised: the library's raw features
        float[][] raw = ClipEmbedder.load(weights, vocab).encodeImageFiles(files, false);
        for (int i = 0; i < files.size(); i++) byPath.put(files.get(i).toAbsolutePath().toString(), raw[i]);
        var binary = spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(dataA.resolve("train").toString());
        List<Row> rows2 = EmbedJob.transform(binary, EmbedJob.Options.of(weights.toString(), ImageColumn.bytes("content"))
                .withVocab(vocab.toString()).withNormalize(false).withOutput("e")).select("path", "e").collectAsList();
        assertEquals(files.size(), rows2.size());
        for (Row r : rows2) assertEmbedding(byPath.get(Path.of(java.net.URI.create(r.getString(0))).toString()), r.getList(1));

        // the spark-submit entry point writes the same table
        Path out = world.resolve("embeddings.parquet");
        assertEquals(0, SparkMain.run("embed", "--weights", weights.toString(), "--vocab", vocab.toString(), "--images", dataA.resolve("train").toString(),
                "--no-normalize", "--partitions", "2", "--out", out.toString()));
        List<Row> rows3 = spark.read().parquet(out.toString()).collectAsList();
        assertEquals(files.size(), rows3.size());
        for (Row r : rows3) assertEmbedding(byPath.get(r.<String>getAs("path")), r.getList(r.fieldIndex("embedding")));
    }

    static void assertEmbedding(float[] want, List<Float> got) {
        assertNotNull(want);
        assertEquals(want.length, got.size());
        for (int j = 0; j < want.length; j++) assertEquals(want[j], got.get(j), 2e-5f * Math.max(1, Math.abs(want[j])));
    }

    @Test void zeroShotEqualsTheCli() throws Exception {
        JsonNode cli = RunFiles.JSON.readTree(cli("zeroshot", "--weights", weights.toString(), "--vocab", vocab.toString(), "--data", dataA.toString(),
                "--templates", "cifar", "--json"));
        var spec = new ModelSpec.ZeroShot(weights.toString(), vocab.toString(), CLASSES, Templates.CIFAR);
        assertSameMetrics(cli, ClassifyJob.evaluate(spark, spec, dataA.toString(), "test", null, 2));
        JsonNode limited = RunFiles.JSON.readTree(cli("zeroshot", "--weights", weights.toString(), "--vocab", vocab.toString(), "--data", dataA.toString(),
                "--templates", "cifar", "--limit", "5", "--json"));
        assertSameMetrics(limited, ClassifyJob.evaluate(spark, spec, dataA.toString(), "test", 5, 3));

        // a table of new images: labels and top-k as the library's
        List<Path> files = files(dataA.resolve("test"));
        List<Prediction> lib = ClipEmbedder.load(weights, vocab).zeroShot(CLASSES, Templates.CIFAR).classifyFiles(files, 2);
        List<Row> rows = ClassifyJob.transform(SparkMain.imagePaths(spark, dataA.resolve("test"), 2), spec, ImageColumn.paths("path"), 2)
                .orderBy("path").collectAsList();
        for (int i = 0; i < files.size(); i++) {
            Row r = rows.get(i);
            assertEquals(files.get(i).toAbsolutePath().toString(), r.getAs("path"));
            assertEquals(lib.get(i).label(), r.getAs("label"));
            assertEquals(lib.get(i).probability(), r.<Double>getAs("probability"), 1e-5);
            assertEquals(lib.get(i).top().stream().map(Prediction.ClassScore::label).toList(), r.getList(r.fieldIndex("top_labels")));
        }
    }

    @Test void evaluateEqualsTheCli() throws Exception {
        Path run = world.resolve("run-ar");
        cli("train", "--method", "ar", "--weights", weights.toString(), "--vocab", vocab.toString(), "--data", dataA.toString(),
                "--out", run.toString(), "--shots", "3", "--batch", "4", "--epochs", "2", "--lr", "10", "--quiet");
        JsonNode ev = RunFiles.JSON.readTree(cli("evaluate", "--run", run.toString(), "--json"));
        assertSameMetrics(ev, ClassifyJob.evaluate(spark, new ModelSpec.Run(run.toString()), dataA.toString(), "test", null, 2));
        JsonNode train = RunFiles.JSON.readTree(cli("evaluate", "--run", run.toString(), "--split", "train", "--checkpoint", "best", "--json"));
        assertSameMetrics(train, ClassifyJob.evaluate(spark, new ModelSpec.Run(run.toString(), "best", null), dataA.toString(), "train", null, 2));
        // on another dataset with the same classes (what a user evaluates a deployed prompt on)
        JsonNode other = RunFiles.JSON.readTree(cli("evaluate", "--run", run.toString(), "--data", dataB.toString(), "--json"));
        assertSameMetrics(other, ClassifyJob.evaluate(spark, new ModelSpec.Run(run.toString()), dataB.toString(), "test", null, 2));

        List<Path> files = files(dataB.resolve("test"));
        List<Prediction> lib = ReprogrammedClassifier.load(run).predictFiles(files);
        List<Row> rows = ClassifyJob.transform(SparkMain.imagePaths(spark, dataB.resolve("test"), 2), new ModelSpec.Run(run.toString()),
                ImageColumn.paths("path"), 5).orderBy("path").collectAsList();
        for (int i = 0; i < files.size(); i++) assertEquals(lib.get(i).label(), rows.get(i).getAs("label"));
    }

    @Test void gridRunsAndResumes() throws Exception {
        Path root = world.resolve("grid");
        var spec = new GridJob.Spec(List.of(dataA.toString(), dataB.toString()), List.of("vp", "ar"), List.of(1L), root.toString(),
                List.of("--weights", weights.toString(), "--vocab", vocab.toString(), "--shots", "2", "--batch", "4", "--epochs", "1", "--lr", "10"));
        List<Row> first = GridJob.run(spark, spec).orderBy("dataset", "method").collectAsList();
        assertEquals(4, first.size());
        for (Row r : first) {
            assertEquals("completed", r.getAs("status"));
            assertFalse(r.<Boolean>getAs("reused"));
            Path dir = Path.of(r.<String>getAs("run_dir"));
            JsonNode res = RunFiles.JSON.readTree(dir.resolve(RunFiles.RESULTS).toFile());             // the table is the runs' own results
            assertEquals(res.get("best").get("top1").asDouble(), r.<Double>getAs("best_top1"));
            assertEquals(r.<String>getAs("method"), res.get("config").get("method").asText());
            assertEquals(1, res.get("config").get("seed").asInt());
        }
        // resume: one cell lost its run, the others are reused untouched; the retrained cell gives the same numbers
        Path lost = spec.runDir(new GridJob.Cell(dataB.toString(), "ar", 1));
        Path kept = spec.runDir(new GridJob.Cell(dataA.toString(), "vp", 1)).resolve(RunFiles.CHECKPOINT);
        var keptTime = Files.getLastModifiedTime(kept);
        try (Stream<Path> s = Files.walk(lost)) { s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete()); }
        List<Row> second = GridJob.run(spark, spec).orderBy("dataset", "method").collectAsList();
        int reused = 0;
        for (int i = 0; i < 4; i++) {
            Row a = first.get(i), b = second.get(i);
            boolean isLost = b.<String>getAs("run_dir").equals(lost.toString());
            assertEquals(!isLost, b.<Boolean>getAs("reused"));
            if (b.<Boolean>getAs("reused")) reused++;
            assertEquals(a.<Double>getAs("best_top1"), b.<Double>getAs("best_top1"));
            assertEquals(a.<Double>getAs("last_top1"), b.<Double>getAs("last_top1"));
        }
        assertEquals(3, reused);
        assertEquals(keptTime, Files.getLastModifiedTime(kept));
        assertThrows(IllegalArgumentException.class, () -> new GridJob.Spec(List.of("a/x", "b/x"), List.of("ar"), List.of(0L), "o", List.of()));
        assertThrows(IllegalArgumentException.class, () -> new GridJob.Spec(List.of("a"), List.of("ar"), List.of(0L), "o", List.of("--seed", "3")));
    }
}
