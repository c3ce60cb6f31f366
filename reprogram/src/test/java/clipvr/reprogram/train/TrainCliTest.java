package clipvr.reprogram.train;

import clipvr.reprogram.cli.Main;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The train / evaluate / validate-descriptions commands through {@link Main#run}: exit codes and messages. */
class TrainCliTest {
    @TempDir static Path world;
    static Path data, desc;
    @TempDir Path tmp;

    private final CliCapture cli = new CliCapture();

    @BeforeAll static void makeWorld() {
        data = TinyRun.dataset(world, 6, 2);
        desc = TinyRun.descriptions(world, 5);
    }

    @BeforeEach void capture() { cli.start(); }

    @AfterEach void restore() { cli.stop(); }

    private int run(String... args) { return cli.run(args); }

    private String stdout() { return cli.stdout(); }
    private String stderr() { return cli.stderr(); }

    private String[] train(Path runDir, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--weights", TinyRun.weights().toString(), "--data", data.toString(),
                "--descriptions", desc.toString(), "--out", runDir.toString(), "--shots", "3", "--batch", "4", "--quiet", "--m", "3",
                "--kmeans-init", "1"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test void helpAndBadFlags() {
        for (String cmd : List.of("train", "evaluate", "validate-descriptions")) {
            assertEquals(0, run(cmd, "--help"), cmd);
            assertTrue(stdout().contains("Usage: clipvr " + cmd), stdout());
        }
        assertEquals(2, run("train", "--bogus", "--out", tmp.toString()));
        assertTrue(stderr().contains("--bogus"), stderr());
        assertEquals(2, run(train(tmp.resolve("a"), "--method", "nope")));
        assertTrue(stderr().contains("--method") && stderr().contains("dvp-cls"), stderr());
        assertEquals(2, run(train(tmp.resolve("b"), "--method", "ar", "--val-fraction", "1.5")));
        assertTrue(stderr().contains("--val-fraction"), stderr());
        assertEquals(2, run(train(tmp.resolve("c"), "--method", "ar", "--shots", "x")));
        assertTrue(stderr().contains("--shots"), stderr());
        assertEquals(2, run("train", "--out", tmp.resolve("d").toString(), "--data", data.toString(), "--method", "ar"));
        assertTrue(stderr().contains("--weights"), stderr());
        assertEquals(2, run("train", "--method", "attrvr", "--weights", TinyRun.weights().toString(), "--data", data.toString(),
                "--out", tmp.resolve("e").toString(), "--quiet"));
        assertTrue(stderr().contains("--descriptions") && stderr().contains("tinyds_des.json"), stderr());
        assertEquals(2, run(train(tmp.resolve("f"), "--method", "zeroshot", "--epochs", "3")));
        assertTrue(stderr().contains("--epochs"), stderr());
        assertEquals(2, run("evaluate", "--run", tmp.resolve("nothing").toString()));
        assertTrue(stderr().contains("--run"), stderr());
        assertEquals(2, run("validate-descriptions", "cifar10_des"));                                   // neither --data nor --classes
    }

    @Test void trainResumeEvaluate() throws Exception {
        Path runDir = tmp.resolve("run");
        assertEquals(0, run(train(runDir, "--method", "dvp-cls", "--epochs", "3", "--lr", "10")), stderr());
        assertTrue(stdout().contains("best test top-1"), stdout());
        for (String f : List.of(RunFiles.CONFIG, RunFiles.RESULTS, RunFiles.CHECKPOINT, RunFiles.CHECKPOINT_JSON, RunFiles.TEXT_FEATURES, RunFiles.BEST))
            assertTrue(Files.exists(runDir.resolve(f)), f);
        JsonNode cfg = RunFiles.JSON.readTree(runDir.resolve(RunFiles.CONFIG).toFile());
        assertEquals("dvp-cls", cfg.get("method").asText());
        assertEquals(64, cfg.get("weights_sha256").asText().length());
        assertEquals("tinyds", cfg.get("dataset").asText());
        assertEquals(3, cfg.get("clusters").asInt());

        assertEquals(2, run(train(runDir, "--method", "dvp-cls", "--epochs", "3")));           // no --resume: refuse to overwrite
        assertTrue(stderr().contains("--resume"), stderr());
        assertEquals(0, run("train", "--out", runDir.toString(), "--resume", "--quiet"), stderr());   // already complete: nothing to do
        assertEquals(2, run("train", "--out", runDir.toString(), "--resume", "--quiet", "--lr", "3"));
        assertTrue(stderr().contains("lr"), stderr());

        assertEquals(0, run("evaluate", "--run", runDir.toString(), "--json"), stderr());
        JsonNode ev = RunFiles.JSON.readTree(stdout());
        JsonNode res = RunFiles.JSON.readTree(runDir.resolve(RunFiles.RESULTS).toFile());
        assertEquals(res.get("last").get("top1").asDouble(), ev.get("top1").asDouble());
        assertEquals(6, ev.get("images").asInt());
        assertEquals(0, run("evaluate", "--run", runDir.toString(), "--split", "train", "--limit", "5", "--checkpoint", "best"), stderr());
        assertTrue(stdout().contains("images 5"), stdout());
        assertEquals(2, run("evaluate", "--run", runDir.toString(), "--split", "val"));
        assertTrue(stderr().contains("--split"), stderr());
    }

    @Test void divergenceExitsOneWithTheEpoch() {
        assertEquals(1, run(train(tmp.resolve("nan"), "--method", "vp", "--epochs", "2", "--lr", "1e300")));
        assertTrue(stderr().contains("training diverged at epoch 0"), stderr());
    }

    @Test void validateDescriptions() throws Exception {
        Path classes = tmp.resolve("classes.txt");
        Files.write(classes, TinyRun.CLASSES);
        assertEquals(0, run("validate-descriptions", "--classes", classes.toString(), "--m", "3",
                desc.resolve("tinyds_des.json").toString(), desc.resolve("tinyds_cse_1.json").toString()), stderr());
        assertTrue(stdout().contains("no errors"), stdout());
        assertEquals(0, run("validate-descriptions", "--data", data.toString(), desc.resolve("tinyds_dist.json").toString()), stderr());
        assertTrue(stdout().contains("FEWER_THAN_M"), stdout());                                       // 5 sentences < m = 20
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"red_thing\": [\"" + "word ".repeat(90) + "\"]}");
        assertEquals(1, run("validate-descriptions", "--classes", classes.toString(), bad.toString()));
        assertTrue(stdout().contains("MISSING_CLASS") && stdout().contains("TOO_MANY_TOKENS"), stdout());
        assertEquals(0, run("validate-descriptions", "--data", "cifar10", "cifar10_des"), stderr());
    }
}
