package clipvr.reprogram.input;

import clipvr.autograd.Var;
import clipvr.autograd.ops.Select;
import clipvr.reprogram.method.StateDict;
import clipvr.tensor.DType;
import clipvr.tensor.Constants;
import clipvr.tensor.Tensor;

import java.util.List;
import java.util.Map;

/**
 * The padding prompt of AR, AttrVR and every DVP branch, AttrVR/DVP-code {@code PaddingVR}
 * (spec §1.4, §2.3): on [0, 1] pixels x [B, 3, r, r],
 * x̃ = Normalize( ZeroPad(x) + sigmoid(θ) ⊙ M ),
 * where ZeroPad puts x in the centre of an R×R canvas (left/top l_pad = ⌊(R − r + 1)/2⌋, right/bottom
 * r_pad = ⌊(R − r)/2⌋, as the code), M is 1 on that frame, and Normalize uses the CLIP mean/std.
 * θ [3, R, R] starts at zero, so the frame starts at grey 0.5.
 * Effective parameters 3·(R² − r²) = 39,936 at R = 224, r = 192.
 * State: {@code program} [3, R, R], {@code mask} [3, R, R].
 */
public final class PaddingPrompt implements InputTransform {
    private final int resolution;
    private final int inner;
    private final int lPad;
    private final int rPad;
    private final Var program;      // θ [3, R, R]
    private final Tensor mask;      // M [3, R, R]

    public PaddingPrompt(int resolution, int inner, DType dtype) {
        if (inner <= 0 || inner > resolution) throw new IllegalArgumentException("PaddingPrompt: inner " + inner + " does not fit " + resolution);
        this.resolution = resolution;
        this.inner = inner;
        this.lPad = (resolution - inner + 1) / 2;
        this.rPad = (resolution - inner) / 2;
        this.program = Var.param(Tensor.zeros(dtype, 3, resolution, resolution));
        this.mask = FrameMask.frame(dtype, resolution, lPad, rPad, lPad, rPad);
    }

    /** The paper's geometry at resolution R (inner r = R − 2·round(16·R/224)). */
    public static PaddingPrompt forResolution(int resolution, DType dtype) {
        return new PaddingPrompt(resolution, PromptGeometry.forResolution(resolution).arInner(), dtype);
    }

    public int leftPad() { return lPad; }
    public int rightPad() { return rPad; }
    public Var program() { return program; }
    public Tensor mask() { return mask; }

    /** x [B, 3, r, r] in [0, 1] → Normalize(ZeroPad(x) + sigmoid(θ)⊙M) [B, 3, R, R]. */
    @Override public Var apply(Var images, List<Var> parameters) {
        Var theta = parameters.getFirst();                                                       // [3, R, R]
        Var padded = Select.pad(images, new int[]{0, 0, lPad, lPad}, new int[]{0, 0, rPad, rPad}, 0.0); // [B, 3, R, R]
        Var framed = padded.add(theta.sigmoid().mul(Var.constant(Constants.on(theta.data().device(), mask))));                       // [B, 3, R, R]
        return ClipNormalization.normalise(framed);                                              // [B, 3, R, R]
    }

    @Override public List<Var> parameters() { return List.of(program); }

    @Override public Map<String, Tensor> state() { return StateDict.programAndMask(program, mask); }

    @Override public void load(Map<String, Tensor> state) { StateDict.load(program, state, "program"); }

    @Override public int inputSize() { return inner; }
    @Override public int outputSize() { return resolution; }
    @Override public InputSpace inputSpace() { return InputSpace.UNIT_PIXELS; }
    @Override public int effectiveParameterCount() { return FrameMask.count(mask); }
}
