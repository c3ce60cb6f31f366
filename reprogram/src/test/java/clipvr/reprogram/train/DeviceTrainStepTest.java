package clipvr.reprogram.train;

import clipvr.autograd.Var;
import clipvr.autograd.loss.CrossEntropy;
import clipvr.autograd.nn.Parameter;
import clipvr.autograd.optim.Adam;
import clipvr.clip.model.Clip;
import clipvr.clip.model.ClipModels;
import clipvr.tensor.DType;
import clipvr.tensor.Device;
import clipvr.tensor.Tensor;
import clipvr.tensor.Transfers;
import clipvr.tensor.opencl.OpenClDevice;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A short VR training run (AR, DVP-cse, SMM with its mask network and batch-norm statistics, the shared-mask smm-pad,
 * AttrVR with its top-k head; the tiny-vit CLIP, Adam) on the OpenCL device matches the same run on the CPU within
 * float32 tolerance (parameters and buffers, e.g. SMM's running statistics); after the first step (which uploads the constants once) a step moves only its
 * images and labels to the device and its loss back; and the same device run twice gives the same bits.
 */
class DeviceTrainStepTest {
    static final Device DEV = new Device("opencl", 0);
    static final int STEPS = 3, C = 3, M = 2;

    record Run(List<Double> losses, List<float[]> params, List<Transfers.Count> perStep) {}

    static Run run(Method method, Path dir, Device device) {
        Clip clip = ClipModels.load(TinyRun.weights(), DType.F32);
        var encoder = new ClipImageEncoder(clip);
        int e = clip.embedDim();
        var rng = new SplittableRandom(2);
        Map<String, Tensor> tables = new LinkedHashMap<>();
        tables.put("label", MicroBatchTest.unit(Tensor.randn(DType.F32, rng, C, e)));
        for (int i = 1; i <= 3; i++) tables.put("cse_" + i, MicroBatchTest.unit(Tensor.randn(DType.F32, rng, C * M, e)));
        for (String t : List.of("des", "dist")) tables.put(t, MicroBatchTest.unit(Tensor.randn(DType.F32, rng, C * 4, e)));   // AttrVR: 4 per class, top 3
        TrainConfig cfg = TinyRun.settings(TinyRun.dataset(dir, 1, 1), null, method, 2).build(clip.resolution());
        Reprogrammer model = Reprogrammer.build(cfg, encoder, new TextFeatures(tables, Map.of(), null), C).to(device);
        SequencedMap<String, Parameter> params = new LinkedHashMap<>();
        model.namedParameters().forEach((n, v) -> { Parameter p = new Parameter(n, v.data(), true); p.bind(v); params.put(n, p); });
        Adam adam = new Adam(params, 0.05);
        int r = cfg.inputSize(), b = 4;
        List<Double> losses = new ArrayList<>();
        List<Transfers.Count> perStep = new ArrayList<>();
        for (int step = 0; step < STEPS; step++) {
            Tensor images = Tensor.uniform(DType.F32, new SplittableRandom(10 + step), 0, 1, b, 3, r, r);
            int[] labels = {step % C, (step + 1) % C, 2, 0};
            Transfers.Count before = Transfers.snapshot();
            adam.zeroGrad();
            double[] loss = new double[1];
            model.trainStep(Var.constant(images.to(device)), z -> CrossEntropy.loss(z, labels), loss, 1000);
            adam.step();
            perStep.add(Transfers.snapshot().minus(before));
            losses.add(loss[0]);
        }
        // parameters and buffers, except SMM's hidden conv biases and the running means that track them: batch norm follows
        // each bias, so its exact gradient is 0 and Adam turns the rounding noise (device and CPU differ there) into steps
        // of ±lr; the output does not depend on them (the losses and every other tensor are compared)
        List<float[]> values = model.state().entrySet().stream().filter(en -> !en.getKey().matches("prompt\\.priority\\.(conv[1-5]\\.bias|bn[1-5]\\.running_mean)"))
                .map(en -> en.getValue().toFloatArray()).toList();
        return new Run(losses, values, perStep);
    }

    /** Skips the test without an OpenCL device (PoCL on the CPU counts) or without the tiny-vit fixture. */
    static void assumeDeviceAndFixture() {
        String why = OpenClDevice.unavailableReason();
        assumeTrue(why == null, () -> "OpenCL tests skipped: " + why);
        assumeTrue(Files.exists(TinyRun.weights()), "tiny-vit fixture missing");
    }

    @ParameterizedTest
    @EnumSource(value = Method.class, names = {"AR", "DVP_CSE", "SMM", "SMM_PAD", "ATTRVR"})
    void deviceRunMatchesCpuRunAndMovesOnlyInputsAndOutputs(Method method, @TempDir Path dir) {
        assumeDeviceAndFixture();
        Run cpu = run(method, dir.resolve("cpu"), Device.CPU);
        Run dev = run(method, dir.resolve("dev"), DEV);
        System.out.printf("%s losses cpu %s device %s; transfers per step %s%n", method, cpu.losses(), dev.losses(), dev.perStep());
        for (int i = 0; i < STEPS; i++)
            assertEquals(cpu.losses().get(i), dev.losses().get(i), 1e-4 * Math.max(1, Math.abs(cpu.losses().get(i))), "loss of step " + i);
        for (int p = 0; p < cpu.params().size(); p++) {
            float[] a = cpu.params().get(p), g = dev.params().get(p);
            double scale = 1e-6;
            for (float v : a) scale = Math.max(scale, Math.abs(v));
            for (int j = 0; j < a.length; j++) assertEquals(a[j], g[j], 1e-3 * scale, method + " parameter " + p + " element " + j);
        }
        // steps after the first: images + one-hot targets up (2 uploads), the loss down plus its finiteness check (2 downloads)
        for (int i = 1; i < STEPS; i++) {
            Transfers.Count t = dev.perStep().get(i);
            assertEquals(2, t.uploads(), "uploads in step " + i + ": " + t);
            assertEquals(2, t.downloads(), "downloads in step " + i + ": " + t);
        }
        Run again = run(method, dir.resolve("again"), DEV);
        assertEquals(dev.losses(), again.losses(), "same device run twice: losses");
        for (int p = 0; p < dev.params().size(); p++) assertArrayEquals(dev.params().get(p), again.params().get(p), "same device run twice: parameter " + p);
    }

    /** The whole trainer on the device (-Dclipvr.device): DVP-cse with PRM, evaluation and checkpoints, as on the CPU. */
    @org.junit.jupiter.api.Test
    void trainerRunOnDeviceMatchesCpu(@TempDir Path dir) {
        assumeDeviceAndFixture();
        Path data = TinyRun.dataset(dir, 2, 2), desc = TinyRun.descriptions(dir, 2);
        runOnCpuAndDevice(() -> TinyRun.settings(data, desc, Method.DVP_CSE, 2), dir);
        var ck = clipvr.clip.io.SafetensorsReader.read(dir.resolve("dev").resolve(RunFiles.CHECKPOINT));
        var ckCpu = clipvr.clip.io.SafetensorsReader.read(dir.resolve("cpu").resolve(RunFiles.CHECKPOINT));
        float[] p = ck.tensor("prompts.0.program").toFloatArray(), q = ckCpu.tensor("prompts.0.program").toFloatArray();
        for (int j = 0; j < p.length; j++) assertEquals(q[j], p[j], 1e-3 * Math.max(1, Math.abs(q[j])), "checkpoint prompts.0.program[" + j + "]");
    }

    /**
     * The trainer on the device with SMM (its two Adams, batch norm in train and eval mode) and --label-mapping ilm (the
     * mapping estimated from the device's source logits at every epoch): the same epochs, losses and mapping as the CPU.
     */
    @org.junit.jupiter.api.Test
    void smmWithIterativeLabelMappingOnDeviceMatchesCpu(@TempDir Path dir) {
        assumeDeviceAndFixture();
        Path data = TinyRun.dataset(dir, 2, 2);
        java.util.function.Supplier<TrainConfig.Builder> settings = () -> {
            TrainConfig.Builder b = TinyRun.settings(data, null, Method.SMM, 2);
            b.labelMapping = "ilm";
            return b;
        };
        runOnCpuAndDevice(settings, dir);
        var ck = clipvr.clip.io.SafetensorsReader.read(dir.resolve("dev").resolve(RunFiles.CHECKPOINT));
        var ckCpu = clipvr.clip.io.SafetensorsReader.read(dir.resolve("cpu").resolve(RunFiles.CHECKPOINT));
        assertArrayEquals(ckCpu.tensor("label_mapping.source_of").toDoubleArray(), ck.tensor("label_mapping.source_of").toDoubleArray(), "ILM mapping");
        for (String name : List.of("prompt.program", "prompt.priority.bn1.running_mean", "prompt.priority.bn1.running_var")) {
            float[] p = ck.tensor(name).toFloatArray(), q = ckCpu.tensor(name).toFloatArray();
            for (int j = 0; j < p.length; j++) assertEquals(q[j], p[j], 1e-3 * Math.max(1, Math.abs(q[j])), name + "[" + j + "]");
        }
    }

    /** AR with --label-mapping blmp (BLM+: ω from the device's source logits, applied as s·ω on the device): as on the CPU. */
    @org.junit.jupiter.api.Test
    void arWithBayesianLabelMappingOnDeviceMatchesCpu(@TempDir Path dir) {
        assumeDeviceAndFixture();
        Path data = TinyRun.dataset(dir, 2, 2);
        runOnCpuAndDevice(() -> {
            TrainConfig.Builder b = TinyRun.settings(data, null, Method.AR, 2);
            b.labelMapping = "blmp";
            return b;
        }, dir);
        double[] dev = clipvr.clip.io.SafetensorsReader.read(dir.resolve("dev").resolve(RunFiles.CHECKPOINT)).tensor("label_mapping.omega").toDoubleArray();
        double[] cpu = clipvr.clip.io.SafetensorsReader.read(dir.resolve("cpu").resolve(RunFiles.CHECKPOINT)).tensor("label_mapping.omega").toDoubleArray();
        for (int j = 0; j < cpu.length; j++) assertEquals(cpu[j], dev[j], 1e-4, "ω[" + j + "]");
    }

    /**
     * AttrVR with --label-mapping ilm over source classes' descriptions on the device (MappedHead over an AttrVrHead: the
     * top-k head over S source classes, then the mapping as a one-hot product): the same epochs, losses and mapping as
     * the CPU.
     */
    @org.junit.jupiter.api.Test
    void attrVrWithIterativeLabelMappingOnDeviceMatchesCpu(@TempDir Path dir) throws java.io.IOException {
        assumeDeviceAndFixture();
        Path data = TinyRun.dataset(dir, 2, 2), src = dir.resolve("src");
        LabelMappingTrainingTest.attrVrOverSources(data, src, "ilm", 2);                     // writes the files once
        java.util.function.Supplier<TrainConfig.Builder> settings = () -> {
            try {
                return LabelMappingTrainingTest.attrVrOverSources(data, src, "ilm", 2);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        runOnCpuAndDevice(settings, dir);
        var ck = clipvr.clip.io.SafetensorsReader.read(dir.resolve("dev").resolve(RunFiles.CHECKPOINT));
        var ckCpu = clipvr.clip.io.SafetensorsReader.read(dir.resolve("cpu").resolve(RunFiles.CHECKPOINT));
        assertArrayEquals(ckCpu.tensor("label_mapping.source_of").toDoubleArray(), ck.tensor("label_mapping.source_of").toDoubleArray(), "ILM mapping");
        float[] p = ck.tensor("prompt.program").toFloatArray(), q = ckCpu.tensor("prompt.program").toFloatArray();
        for (int j = 0; j < p.length; j++) assertEquals(q[j], p[j], 1e-3 * Math.max(1, Math.abs(q[j])), "prompt.program[" + j + "]");
    }

    /**
     * The trainer twice from the same settings, into dir/cpu and (with -Dclipvr.device) dir/dev: the same epoch records,
     * train losses within float32 tolerance and equal test accuracies.
     */
    private static void runOnCpuAndDevice(java.util.function.Supplier<TrainConfig.Builder> settings, Path dir) {
        RunResults cpu = Trainer.run(settings.get(), dir.resolve("cpu"), Trainer.Options.quiet());
        RunResults dev;
        System.setProperty("clipvr.device", DEV.toString());
        try {
            dev = Trainer.run(settings.get(), dir.resolve("dev"), Trainer.Options.quiet());
        } finally {
            System.clearProperty("clipvr.device");
        }
        assertEquals(cpu.epochs.size(), dev.epochs.size());
        for (int i = 0; i < cpu.epochs.size(); i++) {
            var a = cpu.epochs.get(i);
            var b = dev.epochs.get(i);
            if (a.trainLoss() != null) assertEquals(a.trainLoss(), b.trainLoss(), 1e-3 * Math.max(1, Math.abs(a.trainLoss())), "train loss, epoch record " + i);
            assertEquals(a.testAccuracy(), b.testAccuracy(), "test accuracy, epoch record " + i);
        }
    }
}
