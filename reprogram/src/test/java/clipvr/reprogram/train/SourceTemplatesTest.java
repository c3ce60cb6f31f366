package clipvr.reprogram.train;

import clipvr.clip.api.ClipEmbedder;
import clipvr.clip.io.SafetensorsReader;
import clipvr.clip.zeroshot.Templates;
import clipvr.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code --source-templates K1,K2}: a label mapping's source head scores each source class with the zero-shot templates of
 * the dataset that names it (the captions clipvr-mini was pretrained on) instead of the label template.
 */
class SourceTemplatesTest {
    @TempDir static Path world;
    static Path data, sources;
    static final List<String> SOURCES = List.of("airplane", "red and white circle 20 kph speed limit", "cat", "stop");

    @TempDir Path tmp;

    @BeforeAll static void makeWorld() throws IOException {
        data = TinyRun.dataset(world, 8, 4);
        sources = Files.writeString(world.resolve("sources.txt"), String.join("\n", SOURCES) + "\n");
    }

    static TrainConfig.Builder settings(Method m, List<String> keys) {
        TrainConfig.Builder b = TinyRun.settings(data, null, m, 1);
        b.labelMapping = "ilm";
        b.sourceClasses = sources.toString();
        b.sourceTemplates = keys;
        return b;
    }

    @Test void eachSourceClassTakesTheTemplatesOfTheFirstDatasetNamingIt() {
        TrainConfig c = settings(Method.AR, List.of("CIFAR10", "gtsrb")).build(224);
        assertEquals(List.of("cifar10", "gtsrb"), c.sourceTemplates());
        List<List<String>> t = TextFeatures.sourceTemplates(c, SOURCES);
        assertEquals(18, t.get(0).size());                                                  // CLIP's CIFAR-10 set
        assertEquals("a photo of a {}.", t.get(0).getFirst());
        assertEquals(List.of("a zoomed in photo of a \"{}\" traffic sign.", "a centered photo of a \"{}\" traffic sign.",
                "a close up photo of a \"{}\" traffic sign."), t.get(1));                 // CLIP's GTSRB set
        assertEquals(t.get(0), t.get(2));
        assertEquals(t.get(1), t.get(3));
        List<List<String>> plain = TextFeatures.sourceTemplates(settings(Method.AR, null).build(224), SOURCES);
        for (List<String> p : plain) assertEquals(List.of("This is a photo of {}."), p);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> TextFeatures.sourceTemplates(settings(Method.AR, List.of("cifar10")).build(224), SOURCES));
        assertTrue(ex.getMessage().contains("--source-templates") && ex.getMessage().contains("'red and white circle 20 kph speed limit'"),
                ex.getMessage());
    }

    @Test void theSourceHeadIsTheTemplateEnsembleOfEachClass() throws IOException {
        Path out = tmp.resolve("ar");
        RunResults r = Trainer.run(settings(Method.AR, List.of("cifar10", "gtsrb")), out, Trainer.Options.quiet());
        assertEquals("completed", r.status);
        assertEquals(List.of("cifar10", "gtsrb"), r.config.sourceTemplates());
        assertTrue(Files.readString(out.resolve("config.json")).contains("\"source_templates\" : [ \"cifar10\", \"gtsrb\" ]"));
        Map<String, Tensor> text = RunFiles.tensors(SafetensorsReader.read(out.resolve(RunFiles.TEXT_FEATURES)).tensors());
        Tensor head = text.get("source");                                                    // [4, E]
        assertEquals(SOURCES.size(), head.size(0));
        ClipEmbedder e = ClipEmbedder.load(TinyRun.weights(), TinyRun.vocab());
        for (int s = 0; s < SOURCES.size(); s++) {
            List<String> tpl = s % 2 == 0 ? Templates.CIFAR : Templates.GTSRB;
            String name = SOURCES.get(s);
            float[][] v = e.encodeTexts(tpl.stream().map(t -> t.replace("{}", name)).toList(), true);   // [T, E], unit rows
            double[] mean = new double[v[0].length];
            for (float[] row : v) for (int j = 0; j < row.length; j++) mean[j] += row[j] / v.length;
            double norm = 0;
            for (double x : mean) norm += x * x;
            norm = Math.sqrt(norm);
            for (int j = 0; j < mean.length; j++)
                assertEquals(mean[j] / norm, head.get(s, j), 2e-5, "source class " + s + " (" + name + "), component " + j);
        }
    }

    @Test void errorsNameTheFlag() {
        TrainConfig.Builder noMapping = settings(Method.AR, List.of("cifar10"));
        noMapping.labelMapping = null;
        noMapping.sourceClasses = null;
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> noMapping.build(224));
        assertTrue(ex.getMessage().contains("--source-templates") && ex.getMessage().contains("--label-mapping"), ex.getMessage());
        TrainConfig.Builder attr = settings(Method.ATTRVR, List.of("cifar10"));
        attr.sourceDescriptions = List.of("cifar10");
        ex = assertThrows(IllegalArgumentException.class, () -> attr.build(224));
        assertTrue(ex.getMessage().contains("--source-templates") && ex.getMessage().contains("descriptions"), ex.getMessage());
        ex = assertThrows(IllegalArgumentException.class, () -> settings(Method.AR, List.of("imagenet")).build(224));
        assertTrue(ex.getMessage().contains("--source-templates") && ex.getMessage().contains("'imagenet'"), ex.getMessage());
        ex = assertThrows(IllegalArgumentException.class, () -> settings(Method.AR, List.of("gtsrb", "GTSRB")).build(224));
        assertTrue(ex.getMessage().contains("given twice"), ex.getMessage());
        ex = assertThrows(IllegalArgumentException.class, () -> settings(Method.AR, List.of()).build(224));
        assertTrue(ex.getMessage().contains("--source-templates"), ex.getMessage());
    }
}
