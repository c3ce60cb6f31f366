package clipvr.clip.model;

import clipvr.autograd.nn.Module;
import clipvr.autograd.nn.Parameter;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;

import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * OpenAI's {@code initialize_parameters}, applied to both towers: token embedding N(0, 0.02²),
 * positional embedding N(0, 0.01²); in each block in_proj N(0, width⁻¹), out_proj and c_proj
 * N(0, width⁻¹·(2·layers)⁻¹), c_fc N(0, (2·width)⁻¹); text_projection N(0, width⁻¹); biases as
 * PyTorch leaves them. Used for random checkpoints ({@code clipvr init}); real weights replace it.
 */
final class ClipInit {
    private ClipInit() {}

    static void initialize(Clip model, RandomGenerator rng) {
        if (rng == clipvr.autograd.nn.Init.NONE) return;
        var c = model.config;
        Map<String, Parameter> p = model.namedParameters();
        set(p, "token_embedding.weight", rng, 0.02);
        set(p, "positional_embedding", rng, 0.01);
        set(p, "text_projection", rng, Math.pow(c.textWidth(), -0.5));
        blocks(p, "transformer.resblocks.", c.textLayers(), c.textWidth(), rng);
        blocks(p, "visual.transformer.resblocks.", c.visionLayers(), c.visionWidth(), rng);
    }

    private static void blocks(Map<String, Parameter> p, String prefix, int layers, int width, RandomGenerator rng) {
        double attnStd = Math.pow(width, -0.5);
        double projStd = attnStd * Math.pow(2.0 * layers, -0.5);
        double fcStd = Math.pow(2.0 * width, -0.5);
        for (int i = 0; i < layers; i++) {
            String b = prefix + i + ".";
            set(p, b + "attn.in_proj_weight", rng, attnStd);
            set(p, b + "attn.out_proj.weight", rng, projStd);
            set(p, b + "mlp.c_fc.weight", rng, fcStd);
            set(p, b + "mlp.c_proj.weight", rng, projStd);
        }
    }

    private static void set(Map<String, Parameter> p, String name, RandomGenerator rng, double std) {
        Parameter q = p.get(name);
        DType d = q.dtype();
        q.data().copyFrom(Tensor.randn(d, rng, q.shape()).mul(std));
    }
}
