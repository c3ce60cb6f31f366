package clipvr.clip.api;

import clipvr.clip.io.Checkpoint;
import clipvr.clip.io.SafetensorsReader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The public CLIP facade against the tiny-vit fixture's expected outputs (an independent numpy float64 implementation),
 * and its own laws: normalisation, batch-size and thread independence, the zero-shot head recomputed by hand.
 */
class ClipEmbedderTest {
    static Path dir, vocab;
    static JsonNode expected;
    static float[][] pixels;
    static int[][] tokens;
    static ClipEmbedder clip;
    static final List<String> TEXTS = List.of("a photo of a fox", "a diagram of the CLIP model, drawn in 2021!",
            "Don't panic:   it's only a TINY test...");

    @BeforeAll static void load() throws Exception {
        Path shared = Path.of(System.getProperty("clipvr.shared", "../shared"));
        dir = shared.resolve("fixtures/tiny-vit");
        vocab = shared.resolve("clip/bpe_simple_vocab_16e6.txt.gz");
        assumeTrue(Files.isDirectory(dir) && Files.exists(vocab), "shared fixtures missing: " + dir);
        expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        Checkpoint in = SafetensorsReader.read(dir.resolve("inputs.safetensors"));
        float[] p = in.tensor("pixel_values").toFloatArray();
        int per = 3 * 64 * 64;
        pixels = new float[p.length / per][];
        for (int i = 0; i < pixels.length; i++) pixels[i] = java.util.Arrays.copyOfRange(p, i * per, (i + 1) * per);
        int[] ids = in.tensor("input_ids").toIntArray();
        tokens = new int[ids.length / 77][77];
        for (int i = 0; i < tokens.length; i++) System.arraycopy(ids, i * 77, tokens[i], 0, 77);
        clip = ClipEmbedder.load(dir.resolve("openai.safetensors"), vocab);
    }

    static double[][] expectedRows(String key, int cols) {
        JsonNode v = expected.get(key).get("values");
        double[][] out = new double[v.size() / cols][cols];
        for (int i = 0; i < v.size(); i++) out[i / cols][i % cols] = v.get(i).asDouble();
        return out;
    }

    static double maxAbsDiff(double[][] want, float[][] got) {
        assertEquals(want.length, got.length);
        double m = 0;
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i].length, got[i].length);
            for (int j = 0; j < want[i].length; j++) m = Math.max(m, Math.abs(want[i][j] - got[i][j]));
        }
        return m;
    }

    static double[][] unit(double[][] rows) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            double n = 0;
            for (double v : rows[i]) n += v * v;
            n = Math.sqrt(n);
            out[i] = new double[rows[i].length];
            for (int j = 0; j < rows[i].length; j++) out[i][j] = rows[i][j] / n;
        }
        return out;
    }

    @Test void describesTheModel() {
        assertEquals(32, clip.embedDim());
        assertEquals(64, clip.imageSize());
        assertEquals(77, clip.contextLength());
        assertEquals(Math.exp(2.66015625), clip.logitScale(), 1e-5);
    }

    @Test void embeddingsMatchTheIndependentReference() {
        double[][] img = expectedRows("image_embeds", 32), txt = expectedRows("text_embeds", 32);
        double dImg = maxAbsDiff(img, clip.encodePixels(pixels, false));
        double dTxt = maxAbsDiff(txt, clip.encodeTokens(tokens, false));
        double dTexts = maxAbsDiff(txt, clip.encodeTexts(TEXTS, false));                    // our tokenizer, OpenAI's ids
        double dImgN = maxAbsDiff(unit(img), clip.encodePixels(pixels, true));
        double dTxtN = maxAbsDiff(unit(txt), clip.encodeTexts(TEXTS, true));
        System.out.printf("ClipEmbedder vs tiny-vit: max |diff| image %.2e text %.2e texts %.2e unit image %.2e unit text %.2e%n",
                dImg, dTxt, dTexts, dImgN, dTxtN);
        for (double d : new double[]{dImg, dTxt, dTexts, dImgN, dTxtN}) assertTrue(d <= 1e-4, "max abs diff " + d);
        for (int i = 0; i < TEXTS.size(); i++) assertArrayEquals(tokens[i], clip.tokenize(TEXTS.get(i)));
    }

    @Test void batchSizeAndThreadsDoNotChangeResults() throws Exception {
        float[][] whole = clip.encodePixels(pixels, false);
        float[][] ones = clip.withBatchSize(1).encodePixels(pixels, false);
        float[][] threes = clip.withBatchSize(3).encodePixels(pixels, false);
        assertTrue(maxAbsDiff(toDouble(whole), ones) <= 1e-5 && maxAbsDiff(toDouble(whole), threes) <= 1e-5);
        float[][] text = clip.encodeTexts(TEXTS, true);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[][]>> img = new ArrayList<>(), txt = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                img.add(pool.submit(() -> clip.encodePixels(pixels, false)));
                txt.add(pool.submit(() -> clip.encodeTexts(TEXTS, true)));
            }
            for (int t = 0; t < 4; t++) {
                assertArrayEquals(whole, img.get(t).get(), "concurrent image encoding " + t);
                assertArrayEquals(text, txt.get(t).get(), "concurrent text encoding " + t);
            }
        } finally {
            pool.shutdown();
        }
    }

    static double[][] toDouble(float[][] a) {
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = new double[a[i].length];
            for (int j = 0; j < a[i].length; j++) out[i][j] = a[i][j];
        }
        return out;
    }

    @Test void filesImagesAndBytesGiveTheSameEmbeddings(@TempDir Path tmp) throws Exception {
        SplittableRandom rng = new SplittableRandom(1);
        List<Path> files = new ArrayList<>();
        List<BufferedImage> images = new ArrayList<>();
        List<byte[]> bytes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            BufferedImage img = new BufferedImage(40 + 13 * i, 50, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < img.getHeight(); y++)
                for (int x = 0; x < img.getWidth(); x++) img.setRGB(x, y, rng.nextInt(1 << 24));
            Path f = tmp.resolve("img" + i + ".png");
            ImageIO.write(img, "png", f.toFile());
            files.add(f);
            images.add(img);
            bytes.add(Files.readAllBytes(f));
        }
        float[][] a = clip.encodeImageFiles(files, true);
        assertArrayEquals(a, clip.encodeImages(images, true));
        assertArrayEquals(a, clip.encodeImageBytes(bytes, true));
        float[][] prepared = files.stream().map(clip::preprocess).toArray(float[][]::new);
        assertArrayEquals(a, clip.encodePixels(prepared, true));
        assertArrayEquals(a[1], clip.encodeImage(files.get(1), true));
        for (float[] row : a) assertEquals(1.0, ClipEmbedder.dot(row, row), 1e-5);
    }

    @Test void zeroShotIsTheTemplateEnsembleByHand() {
        List<String> classes = List.of("fox", "paper_diagram", "towel");
        List<String> templates = List.of("a photo of a {}.", "a drawing of the {}.");
        ZeroShotImageClassifier zs = clip.zeroShot(classes, templates);
        // the class embeddings: mean of the unit template embeddings, made unit again (OpenAI's notebook), in float64
        double[][] w = new double[classes.size()][];
        for (int c = 0; c < classes.size(); c++) {
            String name = classes.get(c).replace('_', ' ');
            float[][] t = clip.encodeTexts(templates.stream().map(s -> s.replace("{}", name)).toList(), true);
            double[] mean = new double[clip.embedDim()];
            for (float[] row : t) for (int j = 0; j < mean.length; j++) mean[j] += row[j] / (double) t.length;
            w[c] = unit(new double[][]{mean})[0];
        }
        assertTrue(maxAbsDiff(w, zs.classEmbeddings()) <= 1e-5);
        float[][] img = clip.encodePixels(pixels, false);
        float[][] logits = zs.logits(img);
        List<Prediction> preds = zs.classifyEmbeddings(img, 2);
        for (int i = 0; i < img.length; i++) {
            double[] u = unit(toDouble(new float[][]{img[i]}))[0];
            double[] z = new double[classes.size()];
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            int best = 0;
            for (int c = 0; c < z.length; c++) {
                for (int j = 0; j < u.length; j++) z[c] += u[j] * w[c][j];
                z[c] *= clip.logitScale();
                assertEquals(z[c], logits[i][c], 1e-3);
                if (z[c] > z[best]) best = c;
                max = Math.max(max, z[c]);
            }
            for (double v : z) sum += Math.exp(v - max);
            Prediction p = preds.get(i);
            assertEquals(best, p.index());
            assertEquals(classes.get(best), p.label());
            assertEquals(Math.exp(z[best] - max) / sum, p.probability(), 1e-4);
            assertEquals(2, p.top().size());
            assertEquals(best, p.top().getFirst().index());
            assertTrue(p.top().get(0).probability() >= p.top().get(1).probability());
            assertEquals(1.0, java.util.Arrays.stream(p.probabilities()).sum(), 1e-9);
        }
    }

    @Test void clearErrors() {
        var e = assertThrows(IllegalArgumentException.class, () -> clip.encodePixels(new float[][]{new float[5]}, false));
        assertTrue(e.getMessage().contains("expected 3·64² = 12288"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> clip.zeroShot(List.of("a"), List.of("no placeholder")));
        assertTrue(e.getMessage().contains("template without {}"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> clip.withBatchSize(0));
        assertThrows(IllegalArgumentException.class, () -> ClipEmbedder.load(dir.resolve("openai.safetensors"), dir.resolve("nope.gz")));
    }
}
