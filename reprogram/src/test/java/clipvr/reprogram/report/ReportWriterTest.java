package clipvr.reprogram.report;

import clipvr.clip.io.RawTensor;
import clipvr.reprogram.cli.Main;
import clipvr.reprogram.data.Datasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

class ReportWriterTest {
    private static final Pattern DATA_PNG = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"");

    static List<BufferedImage> images(String html) throws Exception {
        List<BufferedImage> out = new ArrayList<>();
        Matcher m = DATA_PNG.matcher(html);
        while (m.find()) {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(1))));
            assertNotNull(img, "a data URI does not decode as PNG");
            out.add(img);
        }
        return out;
    }

    @Test void dvpReportHasEverySectionAndDecodableImages(@TempDir Path tmp) throws Exception {
        Path run = SyntheticRun.dvp(tmp.resolve("run"));
        Path out = ReportWriter.forRun(run, null, 4).write(run.resolve("report.html"));
        String html = Files.readString(out);
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        for (String id : List.of("summary", "curves", "prompts", "prm", "per-class", "confusion", "notes"))
            assertTrue(html.contains("<section id=\"" + id + "\">"), "section " + id);
        for (String id : List.of("chart-loss", "chart-acc", "chart-lr", "chart-speed", "chart-perclass"))
            assertTrue(html.contains("<canvas id=\"" + id + "\""), "canvas " + id);
        assertFalse(html.contains("<section id=\"smm\">"), "no SMM section for a DVP run");
        assertTrue(html.contains("Chart.js v"), "Chart.js is inlined");
        assertTrue(html.contains("document.body.dataset.rendered"), "report.js is inlined");
        // two prompt images, both decode, R×R
        List<BufferedImage> imgs = images(html);
        assertEquals(2, imgs.size());
        for (BufferedImage img : imgs) assertEquals(SyntheticRun.R, img.getWidth());
        // PRM heatmap: one row per class with M cells; cause header
        assertTrue(html.contains("colspan=\"3\">cause 1</th>") && html.contains("colspan=\"3\">cause 2</th>"), "cause header");
        assertTrue(html.contains("from <code>prm.weights</code>"), "ω read from the trainer's prm.weights");
        assertTrue(html.contains("Top 3 descriptions per class"));
        assertTrue(html.contains("<span class=\"w\">0.500</span> whiskers &lt;long&gt; <span class=\"grp\">cause 1</span>"), "class 0's top description is slot 1");
        assertTrue(html.contains("<span class=\"w\">0.200</span> on a sofa <span class=\"grp\">cause 2</span>"), "slot 3 = cause 2, first text");
        // accuracies in results.json were fractions: shown as percent
        assertTrue(html.contains("70.00 %"), "best test acc in percent");
        assertTrue(html.contains("60.00 % (val 55.00 %)"), "val-selected card");
        assertTrue(html.contains(">finished<"), "status card");
        // the confusion matrix: counts in cells
        assertTrue(html.contains(">9</td>"));
    }

    @Test void trainerFormatIsReadField_byField(@TempDir Path tmp) throws Exception {
        RunData d = RunDirReader.read(SyntheticRun.dvp(tmp.resolve("run")), null);
        assertEquals(SyntheticRun.CLASSES, d.classNames());
        assertEquals(8, d.epochs().size());
        RunData.Epoch e1 = d.epochs().get(1), e0 = d.epochs().getFirst();
        assertEquals("prm", e0.phase());
        assertNull(e0.testAcc());
        assertEquals(46.0, e1.trainAcc(), 1e-9);
        assertEquals(40.0, e1.testAcc(), 1e-9);
        assertEquals(35.0, e1.valAcc(), 1e-9);
        assertEquals(20.0, e1.lr(), 1e-9);
        assertEquals(java.util.Map.of("sgd", 20.0), e1.lrs());
        assertEquals(121.0, e1.imagesPerS(), 1e-9);
        assertEquals(List.of("best", "last", "val_selected"), d.summaries().stream().map(RunData.Summary::key).toList());
        RunData.Summary best = d.summaries().getFirst();
        assertEquals(70.0, best.testAcc(), 1e-9);
        assertArrayEquals(new double[]{90, 60, Double.NaN}, best.perClass(), 1e-9);
        assertEquals(3, best.confusion().length);
        RunData.Summary val = d.summaries().get(2);
        assertEquals(5, val.epoch());
        assertEquals(60.0, val.testAcc(), 1e-9);
        assertEquals(55.0, val.valAcc(), 1e-9);
        RunData.CheckpointData ck = d.checkpoint();
        assertEquals(2, ck.prompts().size());
        assertEquals(RunData.PromptKind.SIGMOID_PADDING, ck.prompts().getFirst().kind());
        assertEquals("prm.weights", ck.omegaName());
        assertEquals(6, ck.omega()[0].length);
        assertEquals(List.of("small & furry", "whiskers <long>", "pointy ears", "on a sofa", "in a garden", "near a bowl"), ck.descriptions().getFirst());
        assertEquals("cause 2", ck.groups().get(2).get(5));
        assertEquals("A&amp;B", ck.descriptions().get(2).get(5));
        assertTrue(d.notes().isEmpty(), d.notes().toString());
    }

    @Test void dvpClsTextsGetTheirClusters() throws Exception {
        var om = new com.fasterxml.jackson.databind.ObjectMapper();
        var ck = om.readTree("""
                {"descriptions": {"des": [["a", "b"], ["c", "d"]]}, "cluster_of": [1, 0, 0, 2]}""");
        RunDirReader.Texts t = RunDirReader.texts(ck.get("descriptions"), ck, List.of("x", "y"), null);
        assertEquals(List.of(List.of("a", "b"), List.of("c", "d")), t.texts());
        assertEquals(List.of(List.of("cluster 1", "cluster 0"), List.of("cluster 0", "cluster 2")), t.groups());
        // AttrVR-style tables without causes or clusters: des, no groups
        var at = om.readTree("""
                {"dist": [["z"], ["w"]], "des": [["a"], ["c"]]}""");
        RunDirReader.Texts a = RunDirReader.texts(at, om.createObjectNode(), List.of("x", "y"), null);
        assertEquals(List.of(List.of("a"), List.of("c")), a.texts());
        assertNull(a.groups());
        // class-keyed map with objects
        var cm = om.readTree("""
                {"y": [{"text": "c", "cause": "shape"}], "x": ["a"]}""");
        RunDirReader.Texts c = RunDirReader.texts(cm, om.createObjectNode(), List.of("x", "y"), null);
        assertEquals(List.of(List.of("a"), List.of("c")), c.texts(), "in class order, not key order");
        assertEquals("shape", c.groups().get(1).getFirst());
    }

    @Test void contractFormatWithDenseOmegaIsAlsoRead(@TempDir Path tmp) throws Exception {
        Path run = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(run.resolve("results.json"), SyntheticRun.results("vp", true));
        double[] dense = new double[6 * 3];                       // C = 3, M = 2: Ω [6, 3]
        for (int c = 0; c < 3; c++) { dense[(c * 2) * 3 + c] = 0.25; dense[(c * 2 + 1) * 3 + c] = 0.75; }
        float[] theta = new float[3 * 16 * 16];
        for (int i = 0; i < theta.length; i++) theta[i] = (i % 7) - 3;
        clipvr.clip.io.SafetensorsWriter.write(run.resolve("checkpoint.safetensors"), java.util.Map.of(
                "omega", RawTensor.fromDoubles("", clipvr.clip.io.StorageDType.F64, new long[]{6, 3}, dense),
                "prompt.program", RawTensor.ofFloats("", new long[]{3, 16, 16}, theta)), null);
        Files.writeString(run.resolve("checkpoint.json"), """
                {"descriptions": {"cat": {"looks": ["l1"], "place": ["p1"]}, "dog <b>bold</b>": ["d1", "d2"], "a&b \\"quoted\\" 'x'": ["e1", "e2"]}}""");
        RunData d = RunDirReader.read(run, null);
        assertEquals(70.0, d.summaries().getFirst().testAcc(), 1e-9);
        assertArrayEquals(new double[]{90, 60, 30}, d.summaries().getFirst().perClass(), 1e-9);
        assertEquals(40.0, d.epochs().get(1).testAcc(), 1e-9);
        assertArrayEquals(new double[]{0.25, 0.75}, d.checkpoint().omega()[1], 1e-12);
        assertEquals(List.of("p1"), List.of(d.checkpoint().descriptions().getFirst().get(1)));
        assertEquals("place", d.checkpoint().groups().getFirst().get(1));
        assertEquals(RunData.PromptKind.ADDITIVE, d.checkpoint().prompts().getFirst().kind(), "VP: θ ⊙ M, min–max");
        String html = new ReportWriter(d).render();
        assertTrue(html.contains("θ ⊙ M") || html.contains("δ (normalised space)"));
        assertTrue(html.contains("<section id=\"prm\">"));
    }

    @Test void paddingPromptShowsSigmoidThetaInTheFrameAndIsTransparentInside(@TempDir Path tmp) throws Exception {
        Path run = SyntheticRun.dvp(tmp.resolve("run"));
        String html = ReportWriter.forRun(run, null, 4).render();
        BufferedImage img = images(html).getFirst();
        int R = SyntheticRun.R;
        for (int[] yx : new int[][]{{0, 0}, {3, 40}, {R - 1, 10}, {30, R - 2}}) {
            int argb = img.getRGB(yx[1], yx[0]);
            assertEquals(0xff, argb >>> 24, "frame is opaque");
            for (int c = 0; c < 3; c++) {
                double want = 255 / (1 + Math.exp(-SyntheticRun.theta(c, yx[0], yx[1])));
                int got = argb >> (16 - 8 * c) & 0xff;
                assertEquals(want, got, 0.51, "channel " + c + " at " + yx[0] + "," + yx[1]);
            }
        }
        assertEquals(0, img.getRGB(R / 2, R / 2) >>> 24, "interior (M = 0) is transparent");
    }

    @Test void textsAreEscapedAndNothingExternalIsReferenced(@TempDir Path tmp) throws Exception {
        Path run = SyntheticRun.dvp(tmp.resolve("run"));
        String html = ReportWriter.forRun(run, null, 4).render();
        // the nasty description texts never appear raw, only escaped
        assertFalse(html.contains(SyntheticRun.NASTY_SCRIPT));
        assertFalse(html.contains("alert(\"pwned\")"), "not even inside the JSON / script");
        assertFalse(html.contains("<img src=x"));
        assertTrue(html.contains("&lt;/script&gt;&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;"), "escaped in the top-descriptions table");
        assertTrue(html.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot; &#39;a&#39; &lt;!-- c --&gt;"));
        assertTrue(html.contains("dog &lt;b&gt;bold&lt;/b&gt;"), "class names escaped");
        assertFalse(html.contains("<b>bold</b>"));
        assertTrue(html.contains("A&amp;amp;B"), "an entity-looking text is escaped, not passed through");
        // script elements: exactly the four the writer emits, each closed once
        assertEquals(4, count(html, "<script"), "script elements");
        assertEquals(4, count(html, "</script>"));
        // inside the JSON island, class names use \\u escapes
        String json = html.substring(html.indexOf("id=\"report-data\">"), html.indexOf("</script>", html.indexOf("id=\"report-data\">")));
        assertTrue(json.contains("dog \\u003cb\\u003ebold\\u003c/b\\u003e"), json);
        // no network: no src/href/url() to http(s) or protocol-relative URLs, no external stylesheets or imports
        Matcher ext = Pattern.compile("(?i)(src|href|action)\\s*=\\s*[\"']?\\s*(https?:|//)|url\\(\\s*[\"']?\\s*(https?:|//)|<link\\b|@import").matcher(html);
        assertFalse(ext.find(), () -> "external reference: " + html.substring(Math.max(0, ext.start() - 60), Math.min(html.length(), ext.end() + 60)));
        assertFalse(html.contains("sourceMappingURL"), "no source map reference");
    }

    private static int count(String s, String sub) {
        int n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) n++;
        return n;
    }

    @Test void writeIsAtomicAndReplacesAnOldReport(@TempDir Path tmp) throws Exception {
        Path run = SyntheticRun.dvp(tmp.resolve("run"));
        Path out = tmp.resolve("out/sub/r.html");
        ReportWriter w = ReportWriter.forRun(run, null, 4);
        w.write(out);
        Files.writeString(out, "old");
        w.write(out);
        assertTrue(Files.readString(out).startsWith("<!DOCTYPE html>"));
        if (out.getFileSystem().supportedFileAttributeViews().contains("posix"))
            assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(out)), "readable by others");
        try (var s = Files.list(out.getParent())) {
            assertEquals(List.of("r.html"), s.map(p -> p.getFileName().toString()).toList(), "no temporary files left");
        }
    }

    @Test void missingResultsNamesTheFile(@TempDir Path tmp) throws Exception {
        Path run = Files.createDirectories(tmp.resolve("empty"));
        var e = assertThrows(IllegalArgumentException.class, () -> RunDirReader.read(run, null));
        assertTrue(e.getMessage().contains("results.json"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> RunDirReader.read(tmp.resolve("nope"), null));
        assertTrue(e2.getMessage().contains("nope"), e2.getMessage());
    }

    @Test void runWithoutCheckpointStillReports(@TempDir Path tmp) throws Exception {
        Path run = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(run.resolve("results.json"), """
                {"config": {"method": "ar"}, "epochs": [{"epoch": 0, "train_loss": 1.5, "train_acc": 0.5, "lr": 40, "images_per_s": 10},
                                                         {"epoch": 1, "train_loss": 1.0, "train_acc": 0.6, "test_acc": 0.55, "lr": 20}]}
                """);
        RunData d = RunDirReader.read(run, null);
        assertNull(d.checkpoint());
        assertTrue(d.notes().stream().anyMatch(n -> n.contains("checkpoint.safetensors")), d.notes().toString());
        assertEquals(55.0, d.epochs().get(1).testAcc(), 1e-9);
        assertNull(d.epochs().get(0).testAcc());
        assertNull(d.epochs().get(1).imagesPerS());
        String html = new ReportWriter(d).render();
        assertTrue(html.contains("No prompt patterns in the run (no checkpoint.safetensors)"));
        assertTrue(html.contains("results.json has no per-class accuracy."));
        assertTrue(html.contains("results.json has no confusion matrix."));
    }

    @Test void denseOmegaIsReadBlockByBlock() {
        // C = 2, M = 3: Ω [6, 2], column c non-zero on rows c·3 … c·3 + 2
        double[] dense = {0.2, 0, 0.3, 0, 0.5, 0, 0, 0.1, 0, 0.1, 0, 0.8};
        RawTensor t = RawTensor.fromDoubles("omega", clipvr.clip.io.StorageDType.F64, new long[]{6, 2}, dense);
        double[][] w = RunDirReader.blocks(t, 2);
        assertArrayEquals(new double[]{0.2, 0.3, 0.5}, w[0], 1e-12);
        assertArrayEquals(new double[]{0.1, 0.1, 0.8}, w[1], 1e-12);
        assertArrayEquals(new double[]{0.2, 0.3, 0.5}, RunDirReader.blocks(t, -1)[0], 1e-12, "block structure detected without C");
        RawTensor cm = RawTensor.fromDoubles("omega", clipvr.clip.io.StorageDType.F64, new long[]{2, 3}, new double[]{1, 0, 0, 0, 0, 1});
        assertArrayEquals(new double[]{0, 0, 1}, RunDirReader.blocks(cm, 2)[1], 1e-12);
        assertNull(RunDirReader.blocks(cm, 5), "neither [C, M] nor [C·M, C]");
    }

    @Test void smmRunShowsDeltaAndMasksOnSampleImages(@TempDir Path tmp) throws Exception {
        Path run = SyntheticRun.smm(tmp.resolve("run"));
        Path data = SyntheticRun.imageFolder(tmp.resolve("data"));
        // without data: a note instead of samples
        String noData = ReportWriter.forRun(run, null, 2).render();
        assertTrue(noData.contains("<section id=\"smm\">"));
        assertTrue(noData.contains("--data SPEC"));
        assertEquals(1, images(noData).size(), "only δ");
        assertFalse(noData.contains("<section id=\"prm\">"), "no PRM in an SMM run");
        // with data: 3 samples of distinct classes × 4 panels, plus δ
        ReportWriter w = ReportWriter.forRun(run, Datasets.open(data.toString(), "test"), 3);
        String html = w.render();
        List<BufferedImage> imgs = images(html);
        assertEquals(1 + 3 * 4, imgs.size());
        for (BufferedImage img : imgs) assertEquals(32, img.getWidth());
        assertTrue(html.contains("SMM pattern δ"));
        assertTrue(html.contains("patch 8 (the run does not say; SMM&#39;s default assumed)"));
        for (int c = 0; c < 3; c++) assertTrue(html.contains("class" + c + "<br>"), "a sample of class" + c);
        assertEquals(3, w.run().summaries().get(0).confusion().length);
        assertEquals(90.0, w.run().summaries().get(0).perClass()[0], 1e-9, "percent stays percent");
    }

    @Test void cliWritesTheDefaultFileAndRejectsAMissingResults(@TempDir Path tmp) throws Exception {
        Path run = SyntheticRun.dvp(tmp.resolve("run"));
        assertEquals(0, Main.run("report", "--run", run.toString()));
        assertTrue(Files.readString(run.resolve("report.html")).contains("<section id=\"prm\">"));
        Path out = tmp.resolve("elsewhere.html");
        assertEquals(0, Main.run("report", "--run", run.toString(), "--out", out.toString(), "--top", "2"));
        assertTrue(Files.readString(out).contains("Top 2 descriptions per class"));
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertEquals(2, Main.run("report", "--run", empty.toString()));
        assertEquals(0, Main.run("report", "--help"));
    }
}
