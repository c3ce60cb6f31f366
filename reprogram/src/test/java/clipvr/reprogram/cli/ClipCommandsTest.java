package clipvr.reprogram.cli;

import clipvr.clip.io.Checkpoint;
import clipvr.clip.io.SafetensorsReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The CLIP-level commands end to end through {@link Main#run}, on the tiny-vit fixture. */
class ClipCommandsTest {
    static Path fixture, vocab;

    @BeforeAll static void paths() {
        Path shared = Path.of(System.getProperty("clipvr.shared", "../shared"));
        fixture = shared.resolve("fixtures/tiny-vit");
        vocab = shared.resolve("clip/bpe_simple_vocab_16e6.txt.gz");
        assumeTrue(Files.isDirectory(fixture) && Files.exists(vocab), "shared fixtures missing: " + shared);
    }

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        PrintStream o = System.out, e = System.err;
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return new Run(Main.run(args), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(o);
            System.setErr(e);
        }
    }

    @Test void encodeWritesTheFixtureOutputs(@TempDir Path dir) {
        Path out = dir.resolve("enc.safetensors");
        Run r = run("encode", "--weights", fixture.resolve("openai_state_dict.pt").toString(),
                "--pixels", fixture.resolve("inputs.safetensors").toString(),
                "--tokens", fixture.resolve("inputs.safetensors").toString(), "--out", out.toString());
        assertEquals(0, r.code, r.err);
        Checkpoint got = SafetensorsReader.read(out), want = SafetensorsReader.read(fixture.resolve("expected.safetensors"));
        for (String k : new String[]{"image_embeds", "text_embeds", "logits_per_image"}) {
            float[] a = got.tensor(k).toFloatArray(), b = want.tensor(k).toFloatArray();
            assertArrayEquals(want.tensor(k).shape(), got.tensor(k).shape(), k);
            for (int i = 0; i < a.length; i++) assertEquals(b[i], a[i], 1e-4, k + "[" + i + "]");
        }
    }

    @Test void encodeTextsMatchesTokenIds(@TempDir Path dir) {
        // the fixture's first text, tokenised by the CLI, gives the fixture's text embedding
        Path out = dir.resolve("t.safetensors");
        Run r = run("encode", "--weights", fixture.resolve("openai.safetensors").toString(), "--vocab", vocab.toString(),
                "--texts", "a photo of a fox", "--out", out.toString());
        assertEquals(0, r.code, r.err);
        float[] got = SafetensorsReader.read(out).tensor("text_embeds").toFloatArray();
        float[] want = SafetensorsReader.read(fixture.resolve("expected.safetensors")).tensor("text_embeds").toFloatArray();
        for (int i = 0; i < got.length; i++) assertEquals(want[i], got[i], 1e-4);
    }

    /** The pretrain-step bench runs the pretraining step on a tiny random model and reports peak heap, RSS and allocation. */
    @Test void benchPretrainStepRunsATinyModel() {
        Run r = run("bench", "--what", "pretrain-step", "--res", "8", "--patch", "4", "--vision-width", "64", "--vision-layers", "1",
                "--text-width", "64", "--text-layers", "1", "--embed", "8", "--ctx", "5", "--batch", "4", "--reps", "1", "--warmup", "0");
        assertEquals(0, r.code, r.err);
        assertTrue(r.out.contains("pretrain-step res=8 patch=4") && r.out.contains("images/s") && r.out.contains("peak heap"), r.out);
        var m = java.util.regex.Pattern.compile("allocated ([\\d.]+) MB per batch").matcher(r.out);
        assertTrue(m.find(), r.out);
        // a step makes at least the fresh gradients of the 64-wide layers' weights (both towers: 2 × 12·64² floats)
        assertTrue(Double.parseDouble(m.group(1)) > 2 * 12 * 64 * 64 * 4 / 1e6, r.out);
    }

    @Test void tokenizePrintsOneJsonArrayOf77PerText() {
        Run r = run("tokenize", "--vocab", vocab.toString(), "a photo of a cat", "a dog");
        assertEquals(0, r.code, r.err);
        String[] lines = r.out.strip().split("\n");
        assertEquals(2, lines.length);
        assertTrue(lines[0].startsWith("[49406, 320, 1125, 539, 320, 2368, 49407, 0"), lines[0]);
        assertEquals(77, lines[1].split(",").length);
        String longText = "word ".repeat(100);
        Run tooLong = run("tokenize", "--vocab", vocab.toString(), longText);
        assertNotEquals(0, tooLong.code);
        assertTrue(tooLong.err.contains("77"), tooLong.err);
        Run cut = run("tokenize", "--vocab", vocab.toString(), "--truncate", longText);
        assertEquals(0, cut.code);
        assertTrue(cut.out.strip().endsWith("49407]"), cut.out);
    }

    @Test void initConvertAndZeroshotOnAnImageFolder(@TempDir Path dir) throws Exception {
        Path w = dir.resolve("tiny.safetensors"), hf = dir.resolve("tiny-hf.safetensors");
        assertEquals(0, run("init", "--arch", "tiny", "--seed", "3", "--out", w.toString()).code);
        assertEquals(0, run("convert", w.toString(), "--names", "hf", "--dtype", "F16", "--out", hf.toString()).code);
        // a 2-class ImageFolder: red and blue squares
        for (String split : new String[]{"train", "test"})
            for (String cls : new String[]{"red", "blue"}) {
                Path d = Files.createDirectories(dir.resolve("data").resolve(split).resolve(cls));
                for (int i = 0; i < 3; i++) {
                    BufferedImage img = new BufferedImage(20, 16, BufferedImage.TYPE_INT_RGB);
                    var g = img.createGraphics();
                    g.setColor(cls.equals("red") ? new Color(200, 10 * i, 0) : new Color(0, 10 * i, 200));
                    g.fillRect(0, 0, 20, 16);
                    g.dispose();
                    ImageIO.write(img, "png", d.resolve(i + ".png").toFile());
                }
            }
        Run r = run("zeroshot", "--weights", hf.toString(), "--vocab", vocab.toString(), "--data", dir.resolve("data").toString(), "--json");
        assertEquals(0, r.code, r.err);
        assertTrue(r.out.contains("\"images\" : 6") && r.out.contains("\"top1\"") && r.out.contains("\"red\""), r.out);
    }

    @Test void badArgumentsExitNonZeroWithAMessageNamingTheFlag(@TempDir Path dir) {
        Run missing = run("encode", "--weights", dir.resolve("nope.safetensors").toString(), "--texts", "x", "--out", dir.resolve("o").toString());
        assertNotEquals(0, missing.code);
        assertTrue(missing.err.contains("nope.safetensors"), missing.err);
        Run unknown = run("bench", "--weights", fixture.resolve("openai.safetensors").toString(), "--what", "everything");
        assertEquals(2, unknown.code);
        assertTrue(unknown.err.contains("--what"), unknown.err);
        Run noArch = run("init", "--arch", "ViT-Z/99", "--out", dir.resolve("x").toString());
        assertNotEquals(0, noArch.code);
        assertTrue(noArch.err.contains("ViT-Z/99"), noArch.err);
        Run missingFlag = run("zeroshot", "--data", "x");
        assertEquals(2, missingFlag.code);
        assertTrue(missingFlag.err.contains("--weights"), missingFlag.err);
        for (String cmd : new String[]{"encode", "tokenize", "zeroshot", "bench", "init", "convert", "download"})
            assertEquals(0, run(cmd, "--help").code, cmd + " --help");
    }
}
