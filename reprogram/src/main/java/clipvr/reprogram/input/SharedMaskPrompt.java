package clipvr.reprogram.input;

import clipvr.autograd.Var;
import clipvr.autograd.ops.Select;
import clipvr.reprogram.method.StateDict;
import clipvr.tensor.Constants;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;

import java.util.List;
import java.util.Map;

/**
 * SMM's shared-mask baselines (spec §5.6), all on SMM's δ pipeline: an additive pattern δ [3, R, R]
 * (zero-init, no sigmoid) times a fixed mask M, added in CLIP-normalised space: x̃ = x' + δ ⊙ M.
 * <ul>
 *   <li>{@link Kind#PAD}: the normalised image at inner size r ({@link PromptGeometry#padInner()}, 128 at 224 as
 *       ILM-VP's pad prompt) is centred on an R×R canvas whose frame is black (the normalised value of pixel 0,
 *       i.e. Normalize(ZeroPad(x)) as ILM-VP pads before normalising); M = 1 on the frame;</li>
 *   <li>{@link Kind#NARROW}: x' = x at R, M = frame of width R/8 (28 px at 224);</li>
 *   <li>{@link Kind#MEDIUM}: x' = x at R, M = frame of width R/4 (56 px at 224);</li>
 *   <li>{@link Kind#FULL}: x' = x at R, M = 1 everywhere (Wang et al. 2022).</li>
 * </ul>
 * State: {@code program} [3, R, R], {@code mask} [3, R, R].
 */
public final class SharedMaskPrompt implements InputTransform {
    public enum Kind { PAD, NARROW, MEDIUM, FULL }

    private final Kind kind;
    private final int resolution;
    private final int inner;
    private final int lPad;
    private final int rPad;
    private final Var program;      // δ [3, R, R]
    private final Tensor mask;      // M [3, R, R]
    private final Tensor frame;     // PAD: M ⊙ normalised black [1, 3, R, R] (a constant, uploaded once on a device); else null

    private SharedMaskPrompt(Kind kind, int resolution, int inner, Tensor mask, DType dtype) {
        this.kind = kind;
        this.resolution = resolution;
        this.inner = inner;
        this.lPad = (resolution - inner + 1) / 2;
        this.rPad = (resolution - inner) / 2;
        this.mask = mask;
        this.frame = kind != Kind.PAD ? null : mask.mul(ClipNormalization.channelTensor(new double[]{
                ClipNormalization.normalisedValue(0, 0), ClipNormalization.normalisedValue(1, 0),
                ClipNormalization.normalisedValue(2, 0)}, dtype));                         // [1, 3, 1, 1] black per channel
        this.program = Var.param(Tensor.zeros(dtype, 3, resolution, resolution));
    }

    /** The baseline {@code kind} with the scaled paper geometry at resolution R. */
    public static SharedMaskPrompt of(Kind kind, int resolution, DType dtype) {
        PromptGeometry g = PromptGeometry.forResolution(resolution);
        return switch (kind) {
            case PAD -> pad(resolution, g.padInner(), dtype);
            case NARROW -> frame(Kind.NARROW, resolution, g.narrow(), dtype);
            case MEDIUM -> frame(Kind.MEDIUM, resolution, g.medium(), dtype);
            case FULL -> new SharedMaskPrompt(Kind.FULL, resolution, resolution, FrameMask.full(dtype, resolution), dtype);
        };
    }

    /** PAD with an explicit inner image size r. */
    public static SharedMaskPrompt pad(int resolution, int inner, DType dtype) {
        int l = (resolution - inner + 1) / 2, r = (resolution - inner) / 2;
        return new SharedMaskPrompt(Kind.PAD, resolution, inner, FrameMask.frame(dtype, resolution, l, r, l, r), dtype);
    }

    /** A watermark frame of width w on the full-size image (NARROW or MEDIUM). */
    public static SharedMaskPrompt frame(Kind kind, int resolution, int width, DType dtype) {
        return new SharedMaskPrompt(kind, resolution, resolution, FrameMask.frame(dtype, resolution, width), dtype);
    }

    public Kind kind() { return kind; }
    public Var program() { return program; }
    public Tensor mask() { return mask; }

    /** x [B, 3, r, r] (normalised) → x' + δ⊙M [B, 3, R, R]. */
    @Override public Var apply(Var images, List<Var> parameters) {
        Var delta = parameters.getFirst();                                                       // [3, R, R]
        Var base = images;
        clipvr.tensor.Device device = delta.data().device();
        if (kind == Kind.PAD) {
            Var zeroPadded = Select.pad(images, new int[]{0, 0, lPad, lPad}, new int[]{0, 0, rPad, rPad}, 0.0); // [B, 3, R, R]
            base = zeroPadded.add(Var.constant(Constants.on(device, frame)));   // frame = normalised black
        }
        return base.add(delta.mul(Var.constant(Constants.on(device, mask))));                    // [B, 3, R, R]
    }

    @Override public List<Var> parameters() { return List.of(program); }

    @Override public Map<String, Tensor> state() { return StateDict.programAndMask(program, mask); }

    @Override public void load(Map<String, Tensor> state) { StateDict.load(program, state, "program"); }

    @Override public int inputSize() { return inner; }
    @Override public int outputSize() { return resolution; }
    @Override public InputSpace inputSpace() { return InputSpace.CLIP_NORMALISED; }
    @Override public int effectiveParameterCount() { return FrameMask.count(mask); }
}
