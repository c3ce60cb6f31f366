package clipvr.reprogram.train;

import clipvr.clip.io.SafetensorsReader;
import clipvr.reprogram.input.FrameMask;
import clipvr.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code train --inner N}: the side of the image region inside the frame prompt of VP, AR, AttrVR, DVP and SMM-pad.
 * The default keeps the papers' rule; a given N reaches the prompt, the preprocessing, config.json, resume and evaluate.
 */
class FrameInnerTest {
    @TempDir static Path world;
    static Path data;
    @TempDir Path tmp;

    private final CliCapture cli = new CliCapture();

    @BeforeAll static void makeWorld() { data = TinyRun.dataset(world, 6, 2); }

    @BeforeEach void capture() { cli.start(); }

    @AfterEach void restore() { cli.stop(); }

    private int run(String... args) { return cli.run(args); }

    private String stderr() { return cli.stderr(); }

    private String[] train(Path runDir, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--weights", TinyRun.weights().toString(), "--data", data.toString(),
                "--out", runDir.toString(), "--shots", "3", "--batch", "4", "--quiet", "--epochs", "2", "--lr", "10"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    private static TrainConfig build(Method m, Integer inner, int resolution) {
        TrainConfig.Builder b = new TrainConfig.Builder();
        b.method = m;
        b.inner = inner;
        return b.build(resolution);
    }

    @Test void defaultsAreThePapersRule() {
        assertEquals(28, build(Method.AR, null, 32).inputSize());
        assertEquals(28, build(Method.AR, null, 32).inner());
        assertEquals(192, build(Method.DVP_CSE, null, 224).inputSize());
        assertEquals(192, build(Method.ATTRVR, null, 224).inner());
        assertEquals(32, build(Method.VP, null, 32).inputSize());       // VP prompts the full image in place
        assertEquals(24, build(Method.VP, null, 32).inner());           // R − 2·round(30R/224)
        assertEquals(164, build(Method.VP, null, 224).inner());
        assertEquals(128, build(Method.SMM_PAD, null, 224).inputSize());
        assertNull(build(Method.SMM, null, 32).inner());
        assertEquals(32, build(Method.SMM, null, 32).inputSize());
    }

    @Test void givenInnerReachesInputSizeAndInner() {
        for (Method m : List.of(Method.AR, Method.ATTRVR, Method.DVP_CSE, Method.DVP_CLS, Method.SMM_PAD)) {
            TrainConfig c = build(m, 20, 32);
            assertEquals(20, c.inputSize(), m.toString());
            assertEquals(20, c.inner(), m.toString());
        }
        TrainConfig vp = build(Method.VP, 16, 32);
        assertEquals(32, vp.inputSize());
        assertEquals(16, vp.inner());
    }

    @Test void badInnerNamesTheFlag() {
        for (int bad : new int[]{0, -3, 32, 40}) {
            var e = assertThrows(IllegalArgumentException.class, () -> build(Method.AR, bad, 32));
            assertTrue(e.getMessage().startsWith("--inner must be in [1, 31]") && e.getMessage().contains("got " + bad), e.getMessage());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> build(Method.SMM, 20, 32));
        assertTrue(e.getMessage().contains("--inner 20") && e.getMessage().contains("smm has no frame"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> build(Method.ZEROSHOT, 20, 32));
        assertEquals(2, run(train(tmp.resolve("bad"), "--method", "vp", "--inner", "64")));
        assertTrue(stderr().contains("--inner must be in [1, 63]"), stderr());
    }

    @Test void configJsonRoundTripAndOldFilesGetTheDefault() throws Exception {
        TrainConfig given = build(Method.DVP_CSE, 20, 32);
        TrainConfig back = RunFiles.JSON.readValue(RunFiles.JSON.writeValueAsBytes(given), TrainConfig.class);
        assertEquals(given, back);
        assertEquals(20, back.inner());
        assertEquals(20, back.inputSize());
        for (Method m : List.of(Method.VP, Method.AR, Method.SMM)) {           // a config.json written before --inner existed
            TrainConfig def = build(m, null, 32);
            ObjectNode tree = RunFiles.JSON.valueToTree(def);
            tree.remove("inner");
            assertEquals(def, RunFiles.JSON.treeToValue(tree, TrainConfig.class), m.toString());
        }
    }

    /** The prompt masks of a checkpoint: name → Σ M. */
    private static Map<String, Integer> masks(Path runDir) {
        Map<String, Tensor> t = RunFiles.tensors(SafetensorsReader.read(runDir.resolve(RunFiles.CHECKPOINT)).tensors());
        Map<String, Integer> m = new java.util.TreeMap<>();
        t.forEach((k, v) -> { if (k.endsWith(".mask")) m.put(k, FrameMask.count(v)); });
        return m;
    }

    @Test void trainedPromptsHaveTheGivenFrameAndResumeAndEvaluateKeepIt() throws Exception {
        int r = 64;                                                       // the tiny fixture's resolution
        Path vp = tmp.resolve("vp"), vpDefault = tmp.resolve("vp-default"), ar = tmp.resolve("ar");
        assertEquals(0, run(train(vp, "--method", "vp", "--inner", "40")), stderr());
        assertEquals(Map.of("prompt.mask", 3 * (r * r - 40 * 40)), masks(vp));
        assertEquals(0, run(train(vpDefault, "--method", "vp")), stderr());
        int pad = Math.round(30 * r / 224f);
        assertEquals(Map.of("prompt.mask", 3 * (r * r - (r - 2 * pad) * (r - 2 * pad))), masks(vpDefault));

        assertEquals(0, run(train(ar, "--method", "ar", "--inner", "33")), stderr());
        assertEquals(Map.of("prompt.mask", 3 * (r * r - 33 * 33)), masks(ar));
        JsonNode cfg = RunFiles.JSON.readTree(ar.resolve(RunFiles.CONFIG).toFile());
        assertEquals(33, cfg.get("inner").asInt());
        assertEquals(33, cfg.get("input_size").asInt());

        assertEquals(0, run("train", "--out", ar.toString(), "--resume", "--quiet"), stderr());        // the run's --inner
        assertEquals(2, run("train", "--out", ar.toString(), "--resume", "--quiet", "--inner", "30"));
        assertTrue(stderr().contains("inner"), stderr());

        for (Path run : List.of(vp, ar)) {
            RunResults res = RunFiles.readJson(run.resolve(RunFiles.RESULTS), RunResults.class);
            RunEvaluator.Result ev = RunEvaluator.evaluate(run, null, "test", null, "last", null, false);
            assertEquals(res.last.top1(), ev.accuracy().top1(), run.toString());
            assertArrayEquals(res.last.confusion(), ev.accuracy().confusion(), run.toString());
            assertEquals(run == vp ? r : 33, RunEvaluator.load(run, "last", null).preprocessing().size());
        }
        assertTrue(Files.exists(ar.resolve(RunFiles.BEST)));
    }
}
