package clipvr.reprogram.pretrain;

import clipvr.clip.io.SafetensorsReader;
import clipvr.clip.model.Clip;
import clipvr.reprogram.train.TinyRun;
import clipvr.tensor.DType;
import clipvr.tensor.Device;
import clipvr.tensor.Tensor;
import clipvr.tensor.Transfers;
import clipvr.tensor.opencl.OpenClDevice;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code pretrain --device opencl} on PoCL: a few contrastive steps of a tiny CLIP (loss, backward, global-norm
 * clipping, AdamW with and without decay, temperature clamp) on the device match the same steps on the CPU within
 * float32 tolerance; a step moves only its inputs up (images, token ids, EOT rows, the two loss targets) and its
 * outputs down (the loss and the loss's two finiteness checks), the optimiser none; and the whole pretraining
 * loop on the device writes a checkpoint and model that match the CPU run's.
 */
class PretrainDeviceTest {
    static final Device DEV = new Device("opencl", 0);
    static final int STEPS = 3, B = 4;

    @TempDir Path root;

    @BeforeEach void needsOpenCl() {
        String why = OpenClDevice.unavailableReason();
        assumeTrue(why == null, () -> "OpenCL tests skipped: " + why);
    }

    /** Tiny model; clip at 0.5 so the clipping branch runs, the warm-up lr large enough that weights move. */
    static PretrainConfig config(Path data, int epochs) {
        return new PretrainConfig(List.of(data.toString()), List.of(), null, 16, 8, 64, 1, 64, 1, 32,
                epochs, 6, 2e-3, 1, 0.2, 0.9, 0.98, 1e-6, 0.5, 0.0, 0.6, 0.0, 0, 0);     // no zero-shot check: it encodes ~80 templates per class
    }

    record Run(List<Double> losses, List<Double> norms, List<float[]> params, List<Transfers.Count> perStep) {}

    static Run steps(PretrainConfig c, Device device) {
        Clip model = new Clip(c.clipConfig(), DType.F32, new SplittableRandom(0));
        model.to(device);
        PretrainOptimizer optim = new PretrainOptimizer(model, c, 10);
        List<Double> losses = new ArrayList<>(), norms = new ArrayList<>();
        List<Transfers.Count> perStep = new ArrayList<>();
        for (int s = 0; s < STEPS; s++) {
            Tensor px = Tensor.randn(DType.F32, new SplittableRandom(100 + s), B, 3, 16, 16);
            int[][] tok = new int[B][77];
            for (int i = 0; i < B; i++) {
                int len = 1 + (i + s) % 3;
                tok[i][0] = 49406;
                for (int j = 1; j <= len; j++) tok[i][j] = 320 + 37 * i + 11 * j + s;
                tok[i][len + 1] = 49407;
            }
            Transfers.Count before = Transfers.snapshot();
            optim.zeroGrad();
            losses.add(Pretrainer.step(model, px, tok));
            Tensor norm = optim.update(s);
            perStep.add(Transfers.snapshot().minus(before));
            norms.add(norm.item());
        }
        List<float[]> params = model.stateDict().values().stream().map(Tensor::toFloatArray).toList();
        return new Run(losses, norms, params, perStep);
    }

    @Test void stepsOnTheDeviceMatchTheCpuAndMoveOnlyInputsAndOutputs() {
        PretrainConfig c = config(Path.of("unused"), 1);
        Run cpu = steps(c, Device.CPU), dev = steps(c, DEV);
        System.out.printf("pretrain steps: losses cpu %s device %s; norms cpu %s device %s; transfers per step %s%n",
                cpu.losses(), dev.losses(), cpu.norms(), dev.norms(), dev.perStep());
        for (int i = 0; i < STEPS; i++) {
            assertEquals(cpu.losses().get(i), dev.losses().get(i), 1e-4 * Math.max(1, cpu.losses().get(i)), "loss of step " + i);
            assertEquals(cpu.norms().get(i), dev.norms().get(i), 1e-4 * cpu.norms().get(i), "gradient norm of step " + i);
            assertTrue(cpu.norms().get(i) > c.gradClip(), "step " + i + " clips (norm " + cpu.norms().get(i) + ")");
        }
        double worst = 0;
        for (int p = 0; p < cpu.params().size(); p++) {
            float[] a = cpu.params().get(p), g = dev.params().get(p);
            double scale = 1e-6;
            for (float v : a) scale = Math.max(scale, Math.abs(v));
            for (int j = 0; j < a.length; j++) {
                // float32 forward/backward differences, amplified at most by Adam's m/√v where v is tiny
                assertEquals(a[j], g[j], 1e-3 * scale + 1e-5, "parameter " + p + " element " + j);
                worst = Math.max(worst, Math.abs(a[j] - g[j]));
            }
        }
        System.out.printf("pretrain steps: max |cpu - device| over all weights %.3g%n", worst);
        // every step: pixels, token ids, EOT rows, two one-hot targets up; two finiteness scalars and the loss down
        for (int i = 1; i < STEPS; i++) {
            Transfers.Count t = dev.perStep().get(i);
            assertEquals(5, t.uploads(), "uploads in step " + i + ": " + t);
            assertEquals(3, t.downloads(), "downloads in step " + i + ": " + t);
        }
    }

    @Test void thePretrainingLoopOnTheDeviceWritesTheCpuRunsCheckpoint() {
        Path data = TinyRun.dataset(root, 4, 4);
        PretrainResults cpu = Pretrainer.run(config(data, 1), TinyRun.vocab(), root.resolve("cpu"), Pretrainer.Options.quiet());
        PretrainResults dev = Pretrainer.run(config(data, 1), TinyRun.vocab(), root.resolve("dev"), Pretrainer.Options.quiet().withDevice(DEV));
        var a = cpu.epochs.getFirst();
        var b = dev.epochs.getFirst();
        assertEquals(a.loss(), b.loss(), 1e-4 * Math.max(1, a.loss()), "epoch loss");
        assertEquals(a.gradNorm(), b.gradNorm(), 1e-4 * a.gradNorm(), "last gradient norm");
        assertEquals(a.logitScale(), b.logitScale(), 1e-4 * a.logitScale(), "temperature");
        assertTrue(((String) dev.machine.get("backend")).contains("opencl"), "results name the backend: " + dev.machine);
        var ckCpu = SafetensorsReader.read(root.resolve("cpu").resolve(Pretrainer.CHECKPOINT));
        var ckDev = SafetensorsReader.read(root.resolve("dev").resolve(Pretrainer.CHECKPOINT));
        assertEquals(ckCpu.tensors().keySet(), ckDev.tensors().keySet(), "checkpoint entries (weights and AdamW moments)");
        for (String k : ckCpu.tensors().keySet()) {
            float[] p = ckCpu.tensor(k).toFloatArray(), q = ckDev.tensor(k).toFloatArray();
            double scale = 1e-6;
            for (float v : p) scale = Math.max(scale, Math.abs(v));
            for (int j = 0; j < p.length; j++) assertEquals(p[j], q[j], 1e-3 * scale + 1e-5, k + "[" + j + "]");
        }
        var mCpu = SafetensorsReader.read(root.resolve("cpu").resolve(Pretrainer.MODEL));
        var mDev = SafetensorsReader.read(root.resolve("dev").resolve(Pretrainer.MODEL));
        assertEquals(mCpu.tensors().keySet(), mDev.tensors().keySet(), "model.safetensors entries");
    }
}
