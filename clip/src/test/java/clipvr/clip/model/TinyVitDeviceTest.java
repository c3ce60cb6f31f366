package clipvr.clip.model;

import clipvr.autograd.GradMode;
import clipvr.autograd.Var;
import clipvr.autograd.loss.CrossEntropy;
import clipvr.tensor.DType;
import clipvr.tensor.Device;
import clipvr.tensor.Transfers;
import clipvr.tensor.opencl.OpenClDevice;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static clipvr.clip.model.TinyVitFixtureTest.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The tiny-vit fixture (an independent float64 numpy implementation) reproduced with the whole model on
 * the OpenCL device, with the transfers counted: a forward pass and a backward pass move nothing
 * between host and device besides their inputs and outputs.
 */
class TinyVitDeviceTest {
    static final Device DEV = new Device("opencl", 0);

    @BeforeAll static void setUp() throws Exception {
        String why = OpenClDevice.unavailableReason();
        assumeTrue(why == null, () -> "OpenCL tests skipped: " + why);
        TinyVitFixtureTest.load();
    }

    @Test
    void forwardOnDeviceMatchesFixtureWithNoTransfersInside() {
        Clip model = ClipModels.load(dir.resolve("openai.safetensors"), DType.F32);
        model.to(DEV);
        try (var s = GradMode.noGrad()) {
            Var px = Var.constant(pixels.to(DType.F32).to(DEV));                    // input: one upload
            Transfers.Count before = Transfers.snapshot();
            Var img = model.encodeImage(px);
            assertEquals(0, Transfers.snapshot().minus(before).total(), "transfers inside a ViT forward");
            assertEquals(DEV, img.data().device());
            Var txt = model.encodeText(tokens);
            Var logits = model.logits(img, txt);
            double dImg = maxAbsDiff(values("image_embeds"), img.data().toDoubleArray());
            double dTxt = maxAbsDiff(values("text_embeds"), txt.data().toDoubleArray());
            double dLog = maxAbsDiff(values("logits_per_image"), logits.data().toDoubleArray());
            System.out.printf("tiny-vit on %s: max |diff| image %.2e text %.2e logits %.2e%n", DEV, dImg, dTxt, dLog);
            assertTrue(dImg <= 1e-4, "image_embeds max abs diff " + dImg);
            assertTrue(dTxt <= 1e-4, "text_embeds max abs diff " + dTxt);
            assertTrue(dLog <= 1e-4, "logits max abs diff " + dLog);
            assertEquals(values("loss")[0], CrossEntropy.loss(logits, labels).item(), 1e-4);
        }
    }

    @Test
    void float64BackwardOnDeviceGivesTheDirectionalDerivativeWithNoTransfersInside() {
        assumeTrue(OpenClDevice.get(0).fp64(), "device has no fp64");
        Clip model = ClipModels.load(dir.resolve("openai.safetensors"), DType.F64);
        model.freeze();
        model.to(DEV);
        Var px = Var.param(pixels.to(DType.F64).to(DEV));
        Var txt;
        try (var s = GradMode.noGrad()) { txt = model.encodeText(tokens); }
        Var loss = CrossEntropy.loss(model.logits(model.encodeImage(px), txt), labels);
        Transfers.Count before = Transfers.snapshot();
        loss.backward();
        assertEquals(0, Transfers.snapshot().minus(before).total(), "transfers inside the backward pass");
        double dd = px.grad().mul(probe.to(DEV)).sum().item();
        double want = values("directional_derivative")[0];
        double rel = Math.abs(dd - want) / Math.abs(want);
        System.out.printf("tiny-vit F64 on %s: directional derivative %.10g vs %.10g (rel %.2e)%n", DEV, dd, want, rel);
        assertTrue(rel <= 1e-6, "relative error " + rel);
    }
}
