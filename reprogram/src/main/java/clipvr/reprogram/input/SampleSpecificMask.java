package clipvr.reprogram.input;

import clipvr.autograd.Var;
import clipvr.reprogram.method.StateDict;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * SMM, Sample-specific Multi-channel Masks (SMM-code {@code InstancewiseVisualPrompt}; spec §5.1–5.3).
 * On the CLIP-normalised image x [B, 3, R, R]:
 * x̃ = x + δ ⊙ PatchwiseInterpolation(f_mask(x)),
 * with one shared pattern δ [3, R, R] (zero-init, so SMM starts as the identity) and a per-sample real-valued
 * mask from {@link MaskNetwork} (no sigmoid, no clamp), upsampled by copying each value into a patch×patch
 * block. No re-normalisation after the addition (spec §9.6: SMM on CLIP works in CLIP-normalised space).
 * State: {@code program} [3, R, R] and {@code priority.*} (the mask network, SMM-code names).
 * Parameter order: δ first, then the mask network's ({@link MaskNetwork#parameterNames()}).
 */
public final class SampleSpecificMask implements InputTransform {
    private final int resolution;
    private final Var program;              // δ [3, R, R]
    private final MaskNetwork priority;     // f_mask

    public SampleSpecificMask(int resolution, int layers, int patch, int channels, DType dtype, RandomGenerator rng) {
        if (resolution % patch != 0)
            throw new IllegalArgumentException("SampleSpecificMask: resolution " + resolution + " is not divisible by patch " + patch);
        this.resolution = resolution;
        this.priority = new MaskNetwork(layers, patch, channels, dtype, rng);
        this.program = Var.param(Tensor.zeros(dtype, 3, resolution, resolution));
    }

    /** The paper's default: 3-channel mask, patch 8, 5 layers (ResNet setting; 6 for ViT). */
    public static SampleSpecificMask standard(int resolution, int layers, DType dtype, RandomGenerator rng) {
        return new SampleSpecificMask(resolution, layers, 8, 3, dtype, rng);
    }

    public Var program() { return program; }
    public MaskNetwork maskNetwork() { return priority; }

    /** The sample-specific mask, upsampled: x [B, 3, R, R] → [B, 3, R, R]. */
    public Var mask(Var images) { return mask(images, priority.parameters()); }

    private Var mask(Var images, List<Var> maskParams) {
        Var small = priority.forward(images, maskParams);                          // [B, 1|3, R/p, R/p]
        return PatchwiseInterpolation.upsample(small, priority.patch());          // [B, 3, R, R]
    }

    /** x [B, 3, R, R] (normalised) → x + δ ⊙ mask(x) [B, 3, R, R]. */
    @Override public Var apply(Var images, List<Var> parameters) {
        Var delta = parameters.getFirst();                                         // [3, R, R]
        Var m = mask(images, parameters.subList(1, parameters.size()));           // [B, 3, R, R]
        return images.add(delta.mul(m));                                           // [B, 3, R, R]
    }

    /** δ, then the mask network's parameters. */
    @Override public List<Var> parameters() {
        List<Var> ps = new ArrayList<>();
        ps.add(program);
        ps.addAll(priority.parameters());
        return ps;
    }

    /** δ alone (SMM optimises it with its own Adam and schedule). */
    public List<Var> patternParameters() { return List.of(program); }

    /** The mask network's parameters (their own Adam; lr 0.001 and no decay in SMM's ViT setting). */
    public List<Var> maskParameters() { return priority.parameters(); }

    @Override public Map<String, Tensor> state() {
        Map<String, Tensor> s = StateDict.create();
        s.put("program", program.data().copy());
        StateDict.putAll(s, "priority", priority.state());
        return s;
    }

    @Override public void load(Map<String, Tensor> state) {
        StateDict.load(program, state, "program");
        priority.load(StateDict.sub(state, "priority"));
    }

    @Override public void train(boolean training) { priority.train(training); }

    @Override public void to(clipvr.tensor.Device device) { priority.to(device); }

    @Override public int inputSize() { return resolution; }
    @Override public int outputSize() { return resolution; }
    @Override public InputSpace inputSpace() { return InputSpace.CLIP_NORMALISED; }
    @Override public int effectiveParameterCount() { return program.data().numel() + priority.parameterCount(); }
}
