package clipvr.reprogram.pretrain;

import clipvr.autograd.GradCheck;
import clipvr.autograd.Var;
import clipvr.autograd.nn.Parameter;
import clipvr.clip.io.Activation;
import clipvr.clip.io.ClipConfig;
import clipvr.clip.model.Clip;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Float64 finite-difference check of the WEIGHT gradients of a whole CLIP (both towers, both projections, the
 * temperature) under the contrastive loss: every element of every parameter, on a tiny configuration.
 */
class WeightGradCheckTest {

    /** 8 px images, patch 4 (4 patches + class token), width 8 with 2 heads, one layer per tower, a 30-token vocabulary. */
    static final ClipConfig TINY = new ClipConfig(6, 8, 4, 8, 1, 2, 16, 77, 30, 8, 1, 2, 16, Activation.QUICK_GELU, 1e-5);

    static int[][] captions() {
        int[][] t = new int[3][77];
        int[][] rows = {{28, 3, 7, 29}, {28, 11, 29}, {28, 5, 5, 9, 29}};   // 29 (the largest id) plays EOT
        for (int i = 0; i < 3; i++) System.arraycopy(rows[i], 0, t[i], 0, rows[i].length);
        return t;
    }

    @Test void everyWeightGradientMatchesFiniteDifferences() {
        Clip model = new Clip(TINY, DType.F64, new SplittableRandom(5));
        model.parameter("logit_scale").data().fill(Math.log(3.0));   // a temperature that keeps logits O(1)
        Tensor pixels = Tensor.randn(DType.F64, new SplittableRandom(6), 3, 3, 8, 8);
        int[][] tokens = captions();
        Map<String, Parameter> params = model.namedParameters();
        List<Parameter> order = new ArrayList<>(params.values());
        List<Tensor> inputs = new ArrayList<>();
        for (Parameter p : order) inputs.add(p.data().copy());
        var result = GradCheck.check(vars -> {
            for (int k = 0; k < order.size(); k++) order.get(k).bind(vars.get(k));
            return ContrastiveLoss.symmetric(model.logits(model.encodeImage(Var.constant(pixels)), model.encodeText(tokens)));
        }, inputs, GradCheck.Options.DEFAULT.withTolerance(1e-7, 1e-5));
        int total = order.stream().mapToInt(Parameter::numel).sum();
        assertEquals(total, result.checked(), "every element of every parameter is checked");
        assertTrue(result.passed(), () -> "parameter " + order.get(result.worstInput()).name() + ": " + result.describe());
    }

    @Test void theStepFormsAGradientForEveryParameter() {
        Clip model = new Clip(TINY, DType.F64, new SplittableRandom(7));
        Pretrainer.step(model, Tensor.randn(DType.F64, new SplittableRandom(8), 3, 3, 8, 8), captions());
        model.namedParameters().forEach((name, p) -> {
            assertNotNull(p.grad(), name + " has no gradient");
            if (!name.equals("positional_embedding") && !name.equals("token_embedding.weight"))   // rows of unused tokens / positions stay 0
                assertTrue(p.grad().abs().sum().item() > 0, name + " has an all-zero gradient");
        });
    }
}
