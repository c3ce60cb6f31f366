package clipvr.reprogram.train;

import clipvr.clip.io.SafetensorsReader;
import clipvr.reprogram.mapping.BayesianMapping;
import clipvr.reprogram.mapping.LabelMapping;
import clipvr.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** {@code --label-mapping ilm|flm|rlm}: CLIP zero-shot over the source classes plus SMM's output label mapping. */
class LabelMappingTrainingTest {
    @TempDir static Path world;
    static Path data;

    @TempDir Path tmp;

    @BeforeAll static void makeWorld() { data = TinyRun.dataset(world, 8, 4); }

    static TrainConfig.Builder settings(Method m, String mapping, int epochs) {
        TrainConfig.Builder b = TinyRun.settings(data, null, m, epochs);
        b.labelMapping = mapping;
        return b;
    }

    static int[] savedMapping(Path runDir) {
        Map<String, Tensor> t = RunFiles.tensors(SafetensorsReader.read(runDir.resolve(RunFiles.CHECKPOINT)).tensors());
        return Arrays.stream(t.get("label_mapping.source_of").toDoubleArray()).mapToInt(v -> (int) v).toArray();
    }

    /** Records the mapping in use at every training step, per epoch. */
    static Trainer.Options recording(Map<Integer, List<int[]>> seen) {
        return Trainer.Options.quiet().withHooks(new Trainer.Hooks() {
            @Override public void afterStep(int epoch, int it, Reprogrammer model) {
                seen.computeIfAbsent(epoch, e -> new ArrayList<>()).add(((LabelMapping) model.mappedHead().mapping()).sourceOf());
            }
        });
    }

    @Test void ilmTrainsAndRecordsAOneToOneMapping() throws IOException {
        Path out = tmp.resolve("ilm");
        Map<Integer, List<int[]>> seen = new LinkedHashMap<>();
        RunResults r = Trainer.run(settings(Method.AR, "ilm", 3), out, recording(seen));
        assertEquals("completed", r.status);
        assertEquals("ilm", r.config.labelMapping());
        assertEquals(TrainConfig.BUNDLED_CIFAR100, r.config.sourceClasses());
        double l0 = r.epochs.getFirst().trainLoss(), l1 = r.epochs.getLast().trainLoss();
        assertTrue(l1 < l0, "loss " + l0 + " -> " + l1);
        int[] so = savedMapping(out);
        assertEquals(3, so.length);
        assertEquals(3, Arrays.stream(so).distinct().count(), "one-to-one: " + Arrays.toString(so));
        for (int s : so) assertTrue(s >= 0 && s < 100);
        new LabelMapping(so, 100);                                                         // validates
        assertArrayEquals(so, seen.get(2).getFirst(), "the checkpoint holds the mapping of the last epoch");
        for (List<int[]> epoch : seen.values())                                               // fixed within an epoch
            for (int[] m : epoch) assertArrayEquals(epoch.getFirst(), m);
        JsonNode info = RunFiles.JSON.readTree(out.resolve(RunFiles.CHECKPOINT_JSON).toFile()).get("label_mapping");
        assertEquals("ilm", info.get("kind").asText());
        assertEquals(3, info.get("target_to_source").size());
        Map<String, Tensor> text = RunFiles.tensors(SafetensorsReader.read(out.resolve(RunFiles.TEXT_FEATURES)).tensors());
        assertEquals(100, text.get("source").size(0));
        // evaluation uses the saved mapping: the run evaluator reproduces the recorded accuracies
        RunEvaluator.Result last = RunEvaluator.evaluate(out, null, "test", null, "last", null, false);
        assertEquals(r.last.top1(), last.accuracy().top1());
        assertArrayEquals(r.last.confusion(), last.accuracy().confusion());
        RunEvaluator.Result best = RunEvaluator.evaluate(out, null, "test", null, "best", null, false);
        assertEquals(r.best.top1(), best.accuracy().top1());
    }

    @Test void ilmResumeIsBitIdentical() throws IOException {
        Path whole = tmp.resolve("whole"), parts = tmp.resolve("parts");
        Trainer.run(settings(Method.AR, "ilm", 3), whole, Trainer.Options.quiet());
        assertThrows(TrainerTest.Stop.class, () -> Trainer.run(settings(Method.AR, "ilm", 3), parts, TrainerTest.stopAfter(1)));
        TrainConfig.Builder again = new TrainConfig.Builder();
        again.vocab = TinyRun.vocab().toString();
        Trainer.run(again, parts, Trainer.Options.quiet().withResume(true));
        TrainerTest.assertSameTensors(whole.resolve(RunFiles.CHECKPOINT), parts.resolve(RunFiles.CHECKPOINT), Method.AR);
        TrainerTest.assertSameTensors(whole.resolve(RunFiles.BEST), parts.resolve(RunFiles.BEST), Method.AR);
        assertEquals(TrainerTest.withoutTimes(whole.resolve(RunFiles.RESULTS)), TrainerTest.withoutTimes(parts.resolve(RunFiles.RESULTS)));
        assertEquals(RunFiles.JSON.readTree(whole.resolve(RunFiles.CHECKPOINT_JSON).toFile()),
                RunFiles.JSON.readTree(parts.resolve(RunFiles.CHECKPOINT_JSON).toFile()));
    }

    static double[][] savedOmega(Path runDir, int sources, int targets) {
        Map<String, Tensor> t = RunFiles.tensors(SafetensorsReader.read(runDir.resolve(RunFiles.CHECKPOINT)).tensors());
        Tensor w = t.get("label_mapping.omega");
        assertArrayEquals(new int[]{sources, targets}, w.shape());
        assertNull(t.get("label_mapping.source_of"));
        double[][] o = new double[sources][targets];
        for (int s = 0; s < sources; s++) for (int c = 0; c < targets; c++) o[s][c] = w.get(s, c);
        return o;
    }

    /** BLM and BLM+: ω [S, C] re-estimated every epoch, saved, used by evaluation; fewer sources than targets allowed. */
    @Test void blmTrainsWithAReweightingMatrixThatEvaluationReuses() throws IOException {
        for (String kind : List.of("blm", "blm+")) {
            Path out = tmp.resolve(kind.replace('+', 'p'));
            Map<Integer, List<double[][]>> seen = new LinkedHashMap<>();
            RunResults r = Trainer.run(settings(Method.AR, kind, 3), out, Trainer.Options.quiet().withHooks(new Trainer.Hooks() {
                @Override public void afterStep(int epoch, int it, Reprogrammer model) {
                    seen.computeIfAbsent(epoch, e -> new ArrayList<>()).add(((BayesianMapping) model.mappedHead().mapping()).omega());
                }
            }));
            assertEquals("completed", r.status);
            assertEquals(kind.equals("blm") ? "blm" : "blmp", r.config.labelMapping());
            assertEquals(1.0, r.config.blmLap());
            assertEquals(kind.equals("blm") ? null : 0.15, r.config.blmTopkRatio());
            double[][] omega = savedOmega(out, 100, 3);
            assertArrayEquals(omega, seen.get(2).getFirst(), "the checkpoint holds the ω of the last epoch");
            for (int t = 0; t < 3; t++) {
                double sum = 0;
                for (double[] row : omega) sum += row[t];
                assertEquals(1, sum, 1e-12, kind + ": column " + t);
            }
            assertTrue(Arrays.stream(omega).anyMatch(row -> row[0] != 0.01), kind + ": ω is still the uniform placeholder");
        }
    }

    @Test void blmEvaluationAndResumeReproduceTheRun() throws IOException {
        Path whole = tmp.resolve("whole"), parts = tmp.resolve("parts");
        RunResults r = Trainer.run(settings(Method.AR, "blmp", 3), whole, Trainer.Options.quiet());
        RunEvaluator.Result last = RunEvaluator.evaluate(whole, null, "test", null, "last", null, false);
        assertEquals(r.last.top1(), last.accuracy().top1());
        assertArrayEquals(r.last.confusion(), last.accuracy().confusion());
        JsonNode info = RunFiles.JSON.readTree(whole.resolve(RunFiles.CHECKPOINT_JSON).toFile()).get("label_mapping");
        assertEquals("blmp", info.get("kind").asText());
        assertEquals(3, info.get("heaviest_sources").size());
        var report = clipvr.reprogram.report.RunDirReader.read(whole, null);                  // ω is not mistaken for a PRM
        assertTrue(report.notes().stream().noneMatch(n -> n.contains("label_mapping")), report.notes().toString());
        assertThrows(TrainerTest.Stop.class, () -> Trainer.run(settings(Method.AR, "blmp", 3), parts, TrainerTest.stopAfter(1)));
        TrainConfig.Builder again = new TrainConfig.Builder();
        again.vocab = TinyRun.vocab().toString();
        Trainer.run(again, parts, Trainer.Options.quiet().withResume(true));
        TrainerTest.assertSameTensors(whole.resolve(RunFiles.CHECKPOINT), parts.resolve(RunFiles.CHECKPOINT), Method.AR);
        assertEquals(TrainerTest.withoutTimes(whole.resolve(RunFiles.RESULTS)), TrainerTest.withoutTimes(parts.resolve(RunFiles.RESULTS)));
        Path two = Files.writeString(tmp.resolve("two.txt"), "cat\ndog\n");            // S = 2 < C = 3: BLM needs no one-to-one
        TrainConfig.Builder few = settings(Method.AR, "blm", 1);
        few.sourceClasses = two.toString();
        assertEquals("completed", Trainer.run(few, tmp.resolve("few"), Trainer.Options.quiet()).status);
        savedOmega(tmp.resolve("few"), 2, 3);
    }

    @Test void blmFlagsNameTheirFault() {
        TrainConfig.Builder lapWithoutBlm = settings(Method.AR, "ilm", 1);
        lapWithoutBlm.blmLap = 1.0;
        var ex = assertThrows(IllegalArgumentException.class, () -> lapWithoutBlm.build(224));
        assertTrue(ex.getMessage().contains("--blm-lap") && ex.getMessage().contains("blm"), ex.getMessage());
        TrainConfig.Builder negative = settings(Method.AR, "blm", 1);
        negative.blmLap = -0.5;
        ex = assertThrows(IllegalArgumentException.class, () -> negative.build(224));
        assertTrue(ex.getMessage().contains("--blm-lap"), ex.getMessage());
        TrainConfig.Builder ratioForBlm = settings(Method.AR, "blm", 1);
        ratioForBlm.blmTopkRatio = 0.2;
        ex = assertThrows(IllegalArgumentException.class, () -> ratioForBlm.build(224));
        assertTrue(ex.getMessage().contains("--blm-topk-ratio"), ex.getMessage());
        TrainConfig.Builder badRatio = settings(Method.AR, "blmp", 1);
        badRatio.blmTopkRatio = 1.5;
        ex = assertThrows(IllegalArgumentException.class, () -> badRatio.build(224));
        assertTrue(ex.getMessage().contains("--blm-topk-ratio"), ex.getMessage());
        TrainConfig c = settings(Method.AR, "BLMP", 1).build(224);
        assertEquals(1, c.blmTopK(100, 3), "max(1, floor(0.15 * 3))");
        assertEquals(15, c.blmTopK(100, 100));
        assertEquals(2, c.blmTopK(2, 100), "at most S");
    }

    @Test void flmKeepsTheMappingFixed() {
        Map<Integer, List<int[]>> seen = new LinkedHashMap<>();
        Path out = tmp.resolve("flm");
        Trainer.run(settings(Method.AR, "flm", 3), out, recording(seen));
        assertEquals(3, seen.size());
        int[] first = seen.get(0).getFirst();
        for (List<int[]> epoch : seen.values()) for (int[] m : epoch) assertArrayEquals(first, m);
        assertArrayEquals(first, savedMapping(out));
    }

    @Test void rlmIsDeterministicForASeed() {
        Trainer.run(settings(Method.VP, "rlm", 1), tmp.resolve("a"), Trainer.Options.quiet());
        Trainer.run(settings(Method.VP, "rlm", 1), tmp.resolve("b"), Trainer.Options.quiet());
        int[] a = savedMapping(tmp.resolve("a"));
        assertArrayEquals(a, savedMapping(tmp.resolve("b")));
        assertArrayEquals(LabelMapping.random(100, 3, Seeds.derive(3L, "label-mapping")).sourceOf(), a);
        assertFalse(Arrays.equals(a, LabelMapping.random(100, 3, Seeds.derive(4L, "label-mapping")).sourceOf()));
    }

    /** Four source classes described in two description "datasets" (warm: sun, rose; cool: leaf, sea), m = 4. */
    static TrainConfig.Builder attrVrOverSources(Path dir, String mapping, int epochs) throws IOException {
        return attrVrOverSources(data, dir, mapping, epochs);
    }

    static TrainConfig.Builder attrVrOverSources(Path data, Path dir, String mapping, int epochs) throws IOException {
        Files.createDirectories(dir);
        Path classes = Files.writeString(dir.resolve("sources.txt"), "sun\nleaf\nsea\nrose\n");
        for (String kind : List.of("des", "dist")) {
            Files.writeString(dir.resolve("warm_" + kind + ".json"), "{" + sentences("sun", kind) + "," + sentences("rose", kind) + "}");
            Files.writeString(dir.resolve("cool_" + kind + ".json"), "{" + sentences("leaf", kind) + "," + sentences("sea", kind) + "}");
        }
        TrainConfig.Builder b = TinyRun.settings(data, dir, Method.ATTRVR, epochs);
        b.labelMapping = mapping;
        b.sourceClasses = classes.toString();
        b.sourceDescriptions = List.of("warm", "cool");
        return b;
    }

    private static String sentences(String cls, String kind) {
        List<String> s = new ArrayList<>();
        for (int i = 0; i < 5; i++) s.add("\"The " + cls + " seen in " + kind + " picture number " + i + ".\"");
        return "\"" + cls + "\":[" + String.join(",", s) + "]";
    }

    @Test void attrVrWithIlmScoresTheSourceClassesDescriptions() throws IOException {
        Path out = tmp.resolve("attrvr-ilm");
        Map<Integer, List<int[]>> seen = new LinkedHashMap<>();
        RunResults r = Trainer.run(attrVrOverSources(tmp.resolve("src"), "ilm", 3), out, recording(seen));
        assertEquals("completed", r.status);
        assertEquals(List.of("warm", "cool"), r.config.sourceDescriptions());
        double l0 = r.epochs.getFirst().trainLoss(), l1 = r.epochs.getLast().trainLoss();
        assertTrue(l1 < l0, "loss " + l0 + " -> " + l1);
        int[] so = savedMapping(out);
        assertEquals(3, so.length);
        new LabelMapping(so, 4);                                                             // one-to-one into the 4 sources
        assertArrayEquals(so, seen.get(2).getFirst());
        Map<String, Tensor> text = RunFiles.tensors(SafetensorsReader.read(out.resolve(RunFiles.TEXT_FEATURES)).tensors());
        assertEquals(4 * 4, text.get("des").size(0), "m = 4 sentences for each of the 4 source classes");
        assertEquals(4 * 4, text.get("dist").size(0));
        assertFalse(text.containsKey("source"), "no label-template source table: AttrVR scores descriptions");
        JsonNode ck = RunFiles.JSON.readTree(out.resolve(RunFiles.CHECKPOINT_JSON).toFile());
        assertEquals(List.of("sun", "leaf", "sea", "rose"), RunFiles.JSON.convertValue(ck.get("description_classes"), List.class));
        JsonNode des = ck.get("descriptions").get("des");
        assertEquals(4, des.size());
        for (int s = 0; s < 4; s++) {                                                        // class-major, in source order, from the right file
            String cls = List.of("sun", "leaf", "sea", "rose").get(s);
            for (JsonNode sentence : des.get(s)) assertTrue(sentence.asText().startsWith("The " + cls + " seen in des"), sentence.asText());
        }
        RunEvaluator.Result last = RunEvaluator.evaluate(out, null, "test", null, "last", null, false);
        assertEquals(r.last.top1(), last.accuracy().top1());
        assertArrayEquals(r.last.confusion(), last.accuracy().confusion());
    }

    @Test void attrVrWithIlmResumeIsBitIdentical() throws IOException {
        Path whole = tmp.resolve("whole"), parts = tmp.resolve("parts");
        Trainer.run(attrVrOverSources(tmp.resolve("src"), "ilm", 3), whole, Trainer.Options.quiet());
        assertThrows(TrainerTest.Stop.class, () -> Trainer.run(attrVrOverSources(tmp.resolve("src"), "ilm", 3), parts, TrainerTest.stopAfter(1)));
        TrainConfig.Builder again = new TrainConfig.Builder();
        again.vocab = TinyRun.vocab().toString();
        Trainer.run(again, parts, Trainer.Options.quiet().withResume(true));
        TrainerTest.assertSameTensors(whole.resolve(RunFiles.CHECKPOINT), parts.resolve(RunFiles.CHECKPOINT), Method.ATTRVR);
        assertEquals(TrainerTest.withoutTimes(whole.resolve(RunFiles.RESULTS)), TrainerTest.withoutTimes(parts.resolve(RunFiles.RESULTS)));
    }

    @Test void attrVrSourceDescriptionsErrorsNameTheFlagAndTheFault() throws IOException {
        TrainConfig.Builder none = attrVrOverSources(tmp.resolve("src"), "ilm", 1);
        none.sourceDescriptions = null;
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> none.build(224));
        assertTrue(ex.getMessage().contains("--source-descriptions") && ex.getMessage().contains("attrvr"), ex.getMessage());
        TrainConfig.Builder unmapped = attrVrOverSources(tmp.resolve("src"), null, 1);
        unmapped.sourceClasses = null;
        ex = assertThrows(IllegalArgumentException.class, () -> unmapped.build(224));
        assertTrue(ex.getMessage().contains("--source-descriptions") && ex.getMessage().contains("--label-mapping"), ex.getMessage());
        TrainConfig.Builder ar = settings(Method.AR, "ilm", 1);
        ar.sourceDescriptions = List.of("warm");
        ex = assertThrows(IllegalArgumentException.class, () -> ar.build(224));
        assertTrue(ex.getMessage().contains("--source-descriptions"), ex.getMessage());
        TrainConfig.Builder twice = attrVrOverSources(tmp.resolve("src"), "ilm", 1);
        twice.sourceDescriptions = List.of("warm", "Warm");
        ex = assertThrows(IllegalArgumentException.class, () -> twice.build(224));
        assertTrue(ex.getMessage().contains("'warm' given twice"), ex.getMessage());
        // a key without files, and a source class no file describes
        TrainConfig.Builder missing = attrVrOverSources(tmp.resolve("src"), "ilm", 1);
        missing.sourceDescriptions = List.of("warm", "cold");
        ex = assertThrows(IllegalArgumentException.class, () -> Trainer.run(missing, tmp.resolve("m1"), Trainer.Options.quiet()));
        assertTrue(ex.getMessage().contains("--source-descriptions") && ex.getMessage().contains("cold_des.json"), ex.getMessage());
        TrainConfig.Builder half = attrVrOverSources(tmp.resolve("src"), "ilm", 1);
        half.sourceDescriptions = List.of("warm");
        ex = assertThrows(IllegalArgumentException.class, () -> Trainer.run(half, tmp.resolve("m2"), Trainer.Options.quiet()));
        assertTrue(ex.getMessage().contains("leaf") && ex.getMessage().contains("warm_des.json"), ex.getMessage());
    }

    @Test void badCombinationsNameTheFlag() throws IOException {
        for (Method m : List.of(Method.ZEROSHOT, Method.DVP_CSE, Method.DVP_CLS)) {
            TrainConfig.Builder b = settings(m, "ilm", m.isDvp() ? 2 : 1);
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> b.build(224), m.toString());
            assertTrue(ex.getMessage().contains("--label-mapping"), ex.getMessage());
        }
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> settings(Method.AR, "xlm", 1).build(224));
        assertTrue(bad.getMessage().contains("--label-mapping"), bad.getMessage());
        TrainConfig.Builder noMapping = settings(Method.AR, null, 1);
        noMapping.sourceClasses = "x.txt";
        IllegalArgumentException src = assertThrows(IllegalArgumentException.class, () -> noMapping.build(224));
        assertTrue(src.getMessage().contains("--label-mapping"), src.getMessage());
        Path two = Files.writeString(tmp.resolve("two.txt"), "cat\ndog\n");
        TrainConfig.Builder few = settings(Method.AR, "ilm", 1);
        few.sourceClasses = two.toString();
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class, () -> Trainer.run(few, tmp.resolve("few"), Trainer.Options.quiet()));
        assertTrue(small.getMessage().contains("--source-classes"), small.getMessage());
        assertEquals(100, TextFeatures.sourceClassNames(settings(Method.AR, "rlm", 1).build(224)).size());
    }
}
