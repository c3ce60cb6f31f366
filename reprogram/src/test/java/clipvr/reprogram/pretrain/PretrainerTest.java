package clipvr.reprogram.pretrain;

import clipvr.autograd.nn.Parameter;
import clipvr.clip.io.SafetensorsReader;
import clipvr.clip.model.Clip;
import clipvr.clip.model.ClipModels;
import clipvr.reprogram.train.TinyRun;
import clipvr.tensor.DType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Pretraining end to end on a toy set of three colour classes (tiny model, seconds). */
class PretrainerTest {
    @TempDir static Path root;
    static Path data;

    @BeforeAll static void makeData() { data = TinyRun.dataset(root, 8, 10); }

    static PretrainConfig tiny(int epochs, long seed) { return tiny(epochs, seed, 0.1); }

    static PretrainConfig tiny(int epochs, long seed, double jitter) {
        return new PretrainConfig(List.of(data.toString()), List.of(), null, 16, 8, 64, 1, 64, 1, 32,
                epochs, 6, 1e-3, 3, 0.2, 0.9, 0.98, 1e-6, 1.0, 0.0, 0.6, jitter, 30, seed);
    }

    static byte[] model(Path run) throws Exception { return Files.readAllBytes(run.resolve(Pretrainer.MODEL)); }

    /** Runs {@code c} in {@code dir}, killed right after epoch {@code killAfter}'s checkpoint, then resumes it to the end. */
    static PretrainResults killAndResume(PretrainConfig c, Path dir, int killAfter) {
        class Killed extends RuntimeException {}
        assertThrows(Killed.class, () -> Pretrainer.run(c, TinyRun.vocab(), dir,
                Pretrainer.Options.quiet().withHooks(new Pretrainer.Hooks() {
                    @Override public void afterCheckpoint(int epoch) { if (epoch == killAfter) throw new Killed(); }
                })));
        return Pretrainer.run(c, TinyRun.vocab(), dir, Pretrainer.Options.quiet().withResume(true));
    }

    @Test void theLossFallsAndTheModelLearnsTheToyClasses() {
        PretrainResults r = Pretrainer.run(tiny(8, 0, 0.0), TinyRun.vocab(), root.resolve("learn"), Pretrainer.Options.quiet());
        assertEquals("completed", r.status);
        assertEquals(8, r.epochs.size());
        double first = r.epochs.getFirst().loss(), last = r.epochs.getLast().loss();
        assertTrue(last < first - 0.3, "loss " + first + " → " + last);
        double acc = r.epochs.getLast().zeroShot().get(data.toString());
        assertTrue(acc >= 0.9, "zero-shot accuracy on the toy test split after pretraining: " + acc + " (chance 1/3)");
        // the written model is an ordinary checkpoint that every command reads
        Clip back = ClipModels.load(root.resolve("learn").resolve(Pretrainer.MODEL), DType.F32);
        assertEquals(64, back.config.visionWidth());
        assertTrue(back.logitScale() <= 100 + 1e-9);
    }

    @Test void sameSeedSameBitsAndResumeEqualsAnUninterruptedRun() throws Exception {
        Path a = root.resolve("a"), b = root.resolve("b"), c = root.resolve("c");
        Pretrainer.run(tiny(3, 1), TinyRun.vocab(), a, Pretrainer.Options.quiet());
        Pretrainer.run(tiny(3, 1), TinyRun.vocab(), b, Pretrainer.Options.quiet());
        assertArrayEquals(model(a), model(b), "two runs with the same seed");
        PretrainResults r = killAndResume(tiny(3, 1), c, 0);
        assertEquals(3, r.epochsCompleted);
        assertArrayEquals(model(a), model(c), "resumed after epoch 1 of 3");
        Pretrainer.run(tiny(3, 2), TinyRun.vocab(), root.resolve("d"), Pretrainer.Options.quiet());
        assertFalse(java.util.Arrays.equals(model(a), model(root.resolve("d"))), "another seed gives another model");
    }

    @Test void withTwoReplicasSameBitsResumeEqualsUninterruptedAndTheModelLearns() throws Exception {
        PretrainConfig t = tiny(3, 1), c2 = t.withReplicas(2);
        Path a = root.resolve("r2a"), c = root.resolve("r2c");
        PretrainResults ra = Pretrainer.run(c2, TinyRun.vocab(), a, Pretrainer.Options.quiet());
        assertTrue(ra.epochs.getLast().loss() < ra.epochs.getFirst().loss(), "loss falls with two replicas");
        killAndResume(c2, c, 1);
        assertArrayEquals(model(a), model(c), "two replicas, resumed after epoch 2 of 3");
        // the replica count is part of the run: resuming with another one is refused
        var other = assertThrows(IllegalArgumentException.class, () -> Pretrainer.run(t, TinyRun.vocab(), a, Pretrainer.Options.quiet().withResume(true)));
        assertTrue(other.getMessage().contains("differ"), other.getMessage());
    }

    @Test void patchMaskingDrawsSeededSubsetsAndAMaskedRunResumesBitIdentically() throws Exception {
        PretrainConfig m = tiny(3, 1).withMasking(0.5, 1);                     // 16 px, patch 8: 4 patches, 2 kept
        assertEquals(2, m.keptPatches());
        assertTrue(m.masks(0) && m.masks(1) && !m.masks(2), "the last epoch is unmasked");
        Pretrainer p = new Pretrainer(m, root.resolve("mask-probe"), Pretrainer.Options.quiet(),
                clipvr.reprogram.train.Trainer.loadTokenizer(TinyRun.vocab()));
        int[] idx = java.util.stream.IntStream.range(0, 24).toArray();
        int[][] k0 = p.keep(idx, 0), k1 = p.keep(idx, 1);
        assertArrayEquals(k0, p.keep(idx, 0), "seeded: the same draw again");
        assertNull(p.keep(idx, 2), "whole images in the unmasked epoch");
        boolean differs = false;
        for (int i = 0; i < idx.length; i++) {
            assertEquals(2, k0[i].length);
            assertTrue(k0[i][0] >= 0 && k0[i][0] < k0[i][1] && k0[i][1] < 4, java.util.Arrays.toString(k0[i]));
            differs |= !java.util.Arrays.equals(k0[i], k1[i]);
        }
        assertTrue(differs, "a new draw every epoch");
        Path a = root.resolve("ma"), c = root.resolve("mc");
        PretrainResults ra = Pretrainer.run(m, TinyRun.vocab(), a, Pretrainer.Options.quiet());
        assertTrue(Double.isFinite(ra.epochs.getLast().loss()));
        killAndResume(m, c, 0);
        assertArrayEquals(model(a), model(c), "masked, resumed after epoch 1 of 3");
        Pretrainer.run(tiny(3, 1), TinyRun.vocab(), root.resolve("unmasked"), Pretrainer.Options.quiet());
        assertFalse(java.util.Arrays.equals(model(a), model(root.resolve("unmasked"))), "masking changes the run");
    }

    @Test void aRunDirectoryIsNotOverwrittenAndResumeRefusesOtherSettings() {
        Path run = root.resolve("guard");
        Pretrainer.run(tiny(1, 0), TinyRun.vocab(), run, Pretrainer.Options.quiet());
        var again = assertThrows(IllegalArgumentException.class, () -> Pretrainer.run(tiny(1, 0), TinyRun.vocab(), run, Pretrainer.Options.quiet()));
        assertTrue(again.getMessage().contains("--resume"), again.getMessage());
        var other = assertThrows(IllegalArgumentException.class, () -> Pretrainer.run(tiny(2, 0), TinyRun.vocab(), run, Pretrainer.Options.quiet().withResume(true)));
        assertTrue(other.getMessage().contains("differ"), other.getMessage());
    }

    @Test void weightDecayOnlyOnMatricesAndWarmupCosineSchedule() {
        Clip model = new Clip(tiny(1, 0).clipConfig(), DType.F32, new SplittableRandom(0));
        for (var e : model.namedParameters().entrySet()) {
            String n = e.getKey();
            Parameter p = e.getValue();
            boolean expected = p.shape().length >= 2 && !n.contains("embedding");
            assertEquals(expected, PretrainOptimizer.decays(n, p), n);
        }
        assertTrue(PretrainOptimizer.decays("visual.conv1.weight", model.parameter("visual.conv1.weight")));
        assertFalse(PretrainOptimizer.decays("logit_scale", model.parameter("logit_scale")));
        assertFalse(PretrainOptimizer.decays("ln_final.weight", model.parameter("ln_final.weight")));
        PretrainConfig c = new PretrainConfig(List.of("x"), List.of(), null, 16, 8, 64, 1, 64, 1, 32,
                1, 6, 1e-3, 10, 0.2, 0.9, 0.98, 1e-6, 0, 0, 0.6, 0, 0, 0);
        PretrainOptimizer o = new PretrainOptimizer(model, c, 110);
        assertEquals(1e-4, o.lrAt(0), 1e-15);                                 // (0 + 1) / 10 of the peak
        assertEquals(1e-3, o.lrAt(9), 1e-15);                                 // end of warm-up
        assertEquals(1e-3, o.lrAt(10), 1e-15);                                // cosine starts at the peak
        assertEquals(0.5e-3 * (1 + Math.cos(Math.PI * 0.5)), o.lrAt(60), 1e-15);
        assertEquals(0.0, o.lrAt(110), 1e-15);
    }

    @Test void theTemperatureIsClampedAtOneHundred() {
        Clip model = new Clip(tiny(1, 0).clipConfig(), DType.F32, new SplittableRandom(0));
        PretrainOptimizer o = new PretrainOptimizer(model, tiny(1, 0), 10);
        model.parameter("logit_scale").data().fill(6.0);                      // exp(6) ≈ 403
        clipvr.tensor.Tensor px = clipvr.tensor.Tensor.randn(DType.F32, new SplittableRandom(1), 2, 3, 16, 16);
        int[][] tok = new int[2][77];
        tok[0][0] = 49406; tok[0][1] = 320; tok[0][2] = 49407;
        tok[1][0] = 49406; tok[1][1] = 1929; tok[1][2] = 49407;
        Pretrainer.step(model, px, tok);
        o.step(0);
        assertEquals(Math.log(100), model.parameter("logit_scale").data().item(), 1e-6);
        assertEquals(100, model.logitScale(), 1e-4);
    }
}
