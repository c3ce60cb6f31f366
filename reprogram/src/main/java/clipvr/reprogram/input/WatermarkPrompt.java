package clipvr.reprogram.input;

import clipvr.autograd.Var;
import clipvr.reprogram.method.StateDict;
import clipvr.tensor.DType;
import clipvr.tensor.Constants;
import clipvr.tensor.Tensor;

import java.util.List;
import java.util.Map;

/**
 * VP (Bahng et al. 2022), the "watermark" padding prompt of AttrVR-code {@code WatermarkingVR}
 * (spec §1.4, §2.2): on an already CLIP-normalised image x [B, 3, R, R],
 * x̃ = x + θ ⊙ M, with M = 1 on a border of width {@code pad} and 0 on the centre. No sigmoid, no clamp;
 * θ [3, R, R] starts at zero, so the prompt starts as the identity.
 * Effective parameters 3·(R² − (R − 2·pad)²) = 69,840 at R = 224, pad = 30.
 * {@link #withInner} gives the border by the side n of the free centre instead (train {@code --inner}): left/top
 * ⌊(R − n + 1)/2⌋, right/bottom ⌊(R − n)/2⌋, as {@link PaddingPrompt} splits its frame.
 * State: {@code program} [3, R, R], {@code mask} [3, R, R].
 */
public final class WatermarkPrompt implements InputTransform {
    private final int resolution;
    private final int lPad;
    private final int rPad;
    private final Var program;      // θ [3, R, R]
    private final Tensor mask;      // M [3, R, R]

    /** A border of width {@code pad} on all four sides. */
    public WatermarkPrompt(int resolution, int pad, DType dtype) {
        this(resolution, pad, pad, dtype);
    }

    private WatermarkPrompt(int resolution, int lPad, int rPad, DType dtype) {
        this.resolution = resolution;
        this.lPad = lPad;
        this.rPad = rPad;
        this.program = Var.param(Tensor.zeros(dtype, 3, resolution, resolution));
        this.mask = FrameMask.frame(dtype, resolution, lPad, rPad, lPad, rPad);
    }

    /** The border around a free n×n centre, 1 ≤ n < R (left/top ⌊(R − n + 1)/2⌋, right/bottom ⌊(R − n)/2⌋). */
    public static WatermarkPrompt withInner(int resolution, int inner, DType dtype) {
        if (inner < 1 || inner >= resolution)
            throw new IllegalArgumentException("WatermarkPrompt: inner " + inner + " must be in [1, " + (resolution - 1) + "]");
        return new WatermarkPrompt(resolution, (resolution - inner + 1) / 2, (resolution - inner) / 2, dtype);
    }

    /** The paper's geometry at resolution R (pad = round(30·R/224)). */
    public static WatermarkPrompt forResolution(int resolution, DType dtype) {
        return new WatermarkPrompt(resolution, PromptGeometry.forResolution(resolution).vpPad(), dtype);
    }

    /** The border width (left/top when {@link #withInner} split it unevenly). */
    public int pad() { return lPad; }
    public int leftPad() { return lPad; }
    public int rightPad() { return rPad; }
    /** Side of the free centre, R − leftPad − rightPad. */
    public int inner() { return resolution - lPad - rPad; }
    public Var program() { return program; }
    public Tensor mask() { return mask; }

    /** x [B, 3, R, R] (normalised) → x + θ⊙M [B, 3, R, R]. */
    @Override public Var apply(Var images, List<Var> parameters) {
        Var theta = parameters.getFirst();                          // [3, R, R]
        return images.add(theta.mul(Var.constant(Constants.on(theta.data().device(), mask))));          // [B, 3, R, R] + [3, R, R] broadcast
    }

    @Override public List<Var> parameters() { return List.of(program); }

    @Override public Map<String, Tensor> state() { return StateDict.programAndMask(program, mask); }

    @Override public void load(Map<String, Tensor> state) { StateDict.load(program, state, "program"); }

    @Override public int inputSize() { return resolution; }
    @Override public int outputSize() { return resolution; }
    @Override public InputSpace inputSpace() { return InputSpace.CLIP_NORMALISED; }
    @Override public int effectiveParameterCount() { return FrameMask.count(mask); }
}
