package clipvr.reprogram.train;

import clipvr.clip.io.Checkpoint;
import clipvr.clip.io.SafetensorsReader;
import clipvr.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** End-to-end trainer tests on a tiny ImageFolder dataset with the shared tiny CLIP fixture (64 px). */
class TrainerTest {
    @TempDir static Path world;
    static Path data, desc;

    @TempDir Path tmp;

    @BeforeAll static void makeWorld() {
        data = TinyRun.dataset(world, 8, 4);
        desc = TinyRun.descriptions(world, 6);
    }

    static RunResults run(Method m, int epochs, Path out) {
        return Trainer.run(TinyRun.settings(data, desc, m, epochs), out, Trainer.Options.quiet());
    }

    /** Stops the run after epoch {@code stopAfter}'s checkpoint, as a kill between epochs would. */
    static final class Stop extends RuntimeException {}

    static Trainer.Options stopAfter(int epoch) {
        return Trainer.Options.quiet().withHooks(new Trainer.Hooks() {
            @Override public void afterCheckpoint(int e) { if (e == epoch) throw new Stop(); }
        });
    }

    @Test void everyMethodLowersTheTrainingLoss() {
        for (Method m : Method.values()) {
            if (!m.trains()) continue;
            int epochs = m.isDvp() ? 5 : 4;
            RunResults r = run(m, epochs, tmp.resolve(m.cliName()));
            assertEquals("completed", r.status, m.toString());
            assertEquals(epochs, r.epochs.size(), m.toString());
            int first = m.isDvp() ? 1 : 0;                                  // DVP's epoch 0 trains nothing
            double l0 = r.epochs.get(first).trainLoss(), l1 = r.epochs.getLast().trainLoss();
            assertTrue(l1 < l0, m + ": loss " + l0 + " -> " + l1);
            assertNotNull(r.best, m.toString());
            assertNotNull(r.last, m.toString());
            assertEquals(epochs - 1, r.last.epoch(), m.toString());
            assertEquals(3, r.last.perClass().size());
            assertEquals(12, Arrays.stream(r.last.confusion()).flatMapToLong(Arrays::stream).sum());
            assertTrue(Files.exists(tmp.resolve(m.cliName()).resolve(RunFiles.TEXT_FEATURES)));
        }
    }

    @Test void zeroShotEvaluatesOnce() {
        RunResults r = run(Method.ZEROSHOT, 0, tmp.resolve("zs"));
        assertEquals(1, r.epochs.size());
        assertEquals("eval", r.epochs.getFirst().phase());
        assertNull(r.epochs.getFirst().trainLoss());
        assertEquals(r.best.top1(), r.last.top1());
        assertEquals(12, r.last.images());
        assertEquals(List.of(TrainConfig.LABEL_TEMPLATE), r.config.templates());
    }

    @Test void resumeAfterAKillBetweenEpochsIsBitIdentical() throws IOException {
        for (Method m : List.of(Method.DVP_CSE, Method.SMM, Method.AR)) {
            Path whole = tmp.resolve(m + "-whole"), parts = tmp.resolve(m + "-parts");
            run(m, 4, whole);
            assertThrows(Stop.class, () -> Trainer.run(TinyRun.settings(data, desc, m, 4), parts, stopAfter(1)));
            Checkpoint mid = SafetensorsReader.read(parts.resolve(RunFiles.CHECKPOINT));
            assertEquals("1", mid.metadata().get("epoch"), "an interrupted run leaves the last epoch's checkpoint");
            assertEquals("running", RunFiles.JSON.readTree(parts.resolve(RunFiles.RESULTS).toFile()).get("status").asText());
            TrainConfig.Builder again = new TrainConfig.Builder();                        // only the run dir: config.json is authoritative
            again.vocab = TinyRun.vocab().toString();
            Trainer.run(again, parts, Trainer.Options.quiet().withResume(true));
            assertSameTensors(whole.resolve(RunFiles.CHECKPOINT), parts.resolve(RunFiles.CHECKPOINT), m);
            assertSameTensors(whole.resolve(RunFiles.BEST), parts.resolve(RunFiles.BEST), m);
            assertEquals(withoutTimes(whole.resolve(RunFiles.RESULTS)), withoutTimes(parts.resolve(RunFiles.RESULTS)), m.toString());
            assertEquals(RunFiles.JSON.readTree(whole.resolve(RunFiles.CHECKPOINT_JSON).toFile()),
                    RunFiles.JSON.readTree(parts.resolve(RunFiles.CHECKPOINT_JSON).toFile()), m.toString());
        }
    }

    @Test void sameSeedSameNumbersOtherSeedOtherNumbers() throws IOException {
        run(Method.ATTRVR, 3, tmp.resolve("a"));
        run(Method.ATTRVR, 3, tmp.resolve("b"));
        assertEquals(withoutTimes(tmp.resolve("a").resolve(RunFiles.RESULTS)), withoutTimes(tmp.resolve("b").resolve(RunFiles.RESULTS)));
        assertSameTensors(tmp.resolve("a").resolve(RunFiles.CHECKPOINT), tmp.resolve("b").resolve(RunFiles.CHECKPOINT), Method.ATTRVR);
        TrainConfig.Builder other = TinyRun.settings(data, desc, Method.ATTRVR, 3);
        other.seed = 4L;
        Trainer.run(other, tmp.resolve("c"), Trainer.Options.quiet());
        assertNotEquals(withoutTimes(tmp.resolve("a").resolve(RunFiles.RESULTS)).get("epochs"),
                withoutTimes(tmp.resolve("c").resolve(RunFiles.RESULTS)).get("epochs"));
    }

    @Test void dvpEpochZeroOnlyEstimatesThePrm() {
        for (Method m : List.of(Method.DVP_CSE, Method.DVP_CLS)) {
            Path out = tmp.resolve(m.cliName());
            assertThrows(Stop.class, () -> Trainer.run(TinyRun.settings(data, desc, m, 3), out, stopAfter(0)));
            Map<String, Tensor> s = RunFiles.tensors(SafetensorsReader.read(out.resolve(RunFiles.CHECKPOINT)).tensors());
            int k = m == Method.DVP_CSE ? 3 : s.keySet().stream().filter(n -> n.endsWith(".program") && n.startsWith("prompts.")).toList().size();
            assertTrue(k >= 1);
            for (int i = 0; i < k; i++)
                assertTrue(Arrays.stream(s.get("prompts." + i + ".program").toDoubleArray()).allMatch(v -> v == 0.0), "no step in epoch 0");
            assertTrue(s.keySet().stream().noneMatch(n -> n.contains("momentum_buffer")), "no optimiser step in epoch 0");
            assertEquals(0.0, s.get("sched.sgd.last_epoch").item());
            Tensor w = s.get("prm.weights");                                           // ω [C, M], estimated from epoch 0's counts
            int c = w.size(0), mm = w.size(1);
            assertEquals(m == Method.DVP_CSE ? 12 : 4, mm);
            double[] v = w.toDoubleArray();
            boolean nonUniform = false;
            for (int y = 0; y < c; y++) {
                double sum = 0;
                for (int r = 0; r < mm; r++) { sum += v[y * mm + r]; nonUniform |= v[y * mm + r] != 1.0 / mm; }
                assertEquals(1.0, sum, 1e-12);
            }
            assertTrue(nonUniform, "Ω was re-estimated after epoch 0");
            RunResults r = RunFiles.readJson(out.resolve(RunFiles.RESULTS), RunResults.class);
            assertEquals("prm", r.epochs.getFirst().phase());
            assertNull(r.epochs.getFirst().testAccuracy(), "no evaluation in epoch 0");
            assertNull(r.best);
        }
    }

    @Test void nonFiniteValuesStopTheRunAndKeepTheLastCheckpoint() throws IOException {
        Path out = tmp.resolve("nan");
        Trainer.Options poison = Trainer.Options.quiet().withHooks(new Trainer.Hooks() {
            @Override public void afterStep(int epoch, int it, Reprogrammer model) {
                if (epoch == 2 && it == 1) model.namedParameters().get("prompt.program").data().set(Double.NaN, 0, 0, 0);
            }
        });
        TrainingDivergedException ex = assertThrows(TrainingDivergedException.class,
                () -> Trainer.run(TinyRun.settings(data, desc, Method.VP, 4), out, poison));
        assertTrue(ex.getMessage().contains("epoch 2, iteration 1"), ex.getMessage());
        assertEquals(2, ex.epoch());
        Checkpoint ck = SafetensorsReader.read(out.resolve(RunFiles.CHECKPOINT));
        assertEquals("1", ck.metadata().get("epoch"));
        assertTrue(Arrays.stream(RunFiles.tensor(ck.tensors().get("prompt.program")).toDoubleArray()).allMatch(Double::isFinite));
        JsonNode res = RunFiles.JSON.readTree(out.resolve(RunFiles.RESULTS).toFile());
        assertEquals("diverged", res.get("status").asText());
        assertTrue(res.get("error").asText().contains("epoch 2, iteration 1"));
        // the kept checkpoint resumes (and, without the poison, finishes)
        TrainConfig.Builder again = new TrainConfig.Builder();
        again.vocab = TinyRun.vocab().toString();
        RunResults r = Trainer.run(again, out, Trainer.Options.quiet().withResume(true));
        assertEquals("completed", r.status);

        // a non-finite loss (NaN logits) is caught by the cross-entropy guard
        Path out2 = tmp.resolve("nan2");
        Trainer.Options poisonAfterLast = Trainer.Options.quiet().withHooks(new Trainer.Hooks() {
            @Override public void afterCheckpoint(int epoch) {}
        });
        TrainConfig.Builder huge = TinyRun.settings(data, desc, Method.VP, 3);
        huge.lr = 1e300;
        TrainingDivergedException ex2 = assertThrows(TrainingDivergedException.class, () -> Trainer.run(huge, out2, poisonAfterLast));
        assertTrue(ex2.getMessage().startsWith("training diverged at epoch 0, iteration"), ex2.getMessage());
    }

    @Test void schedulesFollowPyTorchsClosedForms() {
        RunResults sgd = run(Method.AR, 4, tmp.resolve("ar"));
        int iters = sgd.iterationsPerEpoch;
        assertEquals(3, iters);                                                  // 18 images, batch 8
        for (var e : sgd.epochs) {
            double t = e.epoch() * iters, tMax = 4.0 * iters;
            assertEquals(10.0 * (1 + Math.cos(Math.PI * t / tMax)) / 2, e.lr(), 1e-12, "cosine lr at iteration " + t);
        }
        TrainConfig.Builder b = TinyRun.settings(data, desc, Method.SMM, 5);
        b.milestones = new int[]{2, 4};
        b.maskLr = 0.001;
        b.maskGamma = 1.0;
        RunResults smm = Trainer.run(b, tmp.resolve("smm"), Trainer.Options.quiet());
        for (var e : smm.epochs) {
            int passed = (e.epoch() >= 2 ? 1 : 0) + (e.epoch() >= 4 ? 1 : 0);
            assertEquals(0.01 * Math.pow(0.1, passed), e.lrs().get("pattern"), 1e-15);
            assertEquals(0.001, e.lrs().get("mask"), 0.0);
        }
        assertArrayEquals(new int[]{100, 144}, TrainConfig.defaultMilestones(200));
    }

    @Test void validationSplitIsHeldOutBeforeFewShotSampling() throws IOException {
        TrainConfig.Builder b = TinyRun.settings(data, desc, Method.AR, 2);
        b.valFraction = 0.25;
        b.shots = 16;
        Path out = tmp.resolve("val");
        RunResults r = Trainer.run(b, out, Trainer.Options.quiet());
        assertEquals(6, r.valImages);                                           // round(0.25·8) = 2 per class
        assertEquals(18, r.trainImages);                                        // the other 6 per class
        assertNotNull(r.valSelected);
        JsonNode ck = RunFiles.JSON.readTree(out.resolve(RunFiles.CHECKPOINT_JSON).toFile());
        var tr = new java.util.HashSet<Integer>();
        ck.get("train_indices").forEach(n -> tr.add(n.asInt()));
        ck.get("val_indices").forEach(n -> assertFalse(tr.contains(n.asInt())));
    }

    @Test void descriptionProblemsAreReportedBeforeTraining() throws IOException {
        TrainConfig.Builder noDesc = TinyRun.settings(data, null, Method.ATTRVR, 2);
        var e = assertThrows(IllegalArgumentException.class, () -> Trainer.run(noDesc, tmp.resolve("x"), Trainer.Options.quiet()));
        assertTrue(e.getMessage().contains("tinyds_des.json") && e.getMessage().contains("tinyds_dist.json"), e.getMessage());
        Path bad = Files.createDirectories(tmp.resolve("bad"));
        Files.writeString(bad.resolve("tinyds_des.json"), "{\"red_thing\": [\"A red object seen from the side here.\"]}");
        Files.copy(desc.resolve("tinyds_dist.json"), bad.resolve("tinyds_dist.json"));
        TrainConfig.Builder badDesc = TinyRun.settings(data, bad, Method.ATTRVR, 2);
        e = assertThrows(IllegalArgumentException.class, () -> Trainer.run(badDesc, tmp.resolve("y"), Trainer.Options.quiet()));
        assertTrue(e.getMessage().contains("MISSING_CLASS") && e.getMessage().contains("green_thing"), e.getMessage());
    }

    @Test void evaluatorReproducesTheLastEpochsTestAccuracy() {
        Path out = tmp.resolve("ev");
        RunResults r = run(Method.DVP_CLS, 3, out);
        RunEvaluator.Result last = RunEvaluator.evaluate(out, null, "test", null, "last", null, false);
        assertEquals(r.last.top1(), last.accuracy().top1());
        assertArrayEquals(r.last.confusion(), last.accuracy().confusion());
        RunEvaluator.Result best = RunEvaluator.evaluate(out, null, "test", null, "best", null, false);
        assertEquals(r.best.top1(), best.accuracy().top1());
    }

    static void assertSameTensors(Path a, Path b, Method m) {
        Map<String, Tensor> x = RunFiles.tensors(SafetensorsReader.read(a).tensors());
        Map<String, Tensor> y = RunFiles.tensors(SafetensorsReader.read(b).tensors());
        assertEquals(x.keySet(), y.keySet(), m.toString());
        for (String k : x.keySet())
            assertArrayEquals(x.get(k).toDoubleArray(), y.get(k).toDoubleArray(), 0.0, m + ": tensor " + k + " differs");
    }

    /** results.json without wall-clock fields. */
    static JsonNode withoutTimes(Path results) throws IOException {
        JsonNode n = RunFiles.JSON.readTree(results.toFile());
        ((ObjectNode) n).remove("wall_seconds");
        for (JsonNode e : n.get("epochs")) ((ObjectNode) e).remove(List.of("seconds", "images_per_second"));
        return n;
    }
}
