package clipvr.reprogram.input;

import clipvr.autograd.Var;
import clipvr.tensor.Tensor;

import java.util.List;
import java.util.Map;

/**
 * A visual prompt: a trainable map from downstream images to encoder inputs,
 * images [B, 3, r, r] (in {@link #inputSpace()}) → CLIP-normalised pixels [B, 3, R, R].
 *
 * <p>{@link #apply(Var, List)} is the same map as a pure function of explicitly given parameters (in the
 * order of {@link #parameters()}), which is what gradient checks and functional callers use.
 */
public sealed interface InputTransform permits WatermarkPrompt, PaddingPrompt, SharedMaskPrompt, SampleSpecificMask {
    /** images [B, 3, r, r] → prompted images [B, 3, R, R], with this prompt's own parameters. */
    default Var apply(Var images) { return apply(images, parameters()); }

    /** images [B, 3, r, r] → [B, 3, R, R] with the given parameters (same order and shapes as {@link #parameters()}). */
    Var apply(Var images, List<Var> parameters);

    /** The trainable parameters (live Vars; optimisers update them in place). */
    List<Var> parameters();

    /** Parameters and buffers by PyTorch-style name (copies). */
    Map<String, Tensor> state();

    /** Loads {@link #state()}-named tensors (shapes checked, dtype converted). */
    void load(Map<String, Tensor> state);

    /** The input image size r. */
    int inputSize();

    /** The output (encoder) resolution R. */
    int outputSize();

    /** Whether the input is [0, 1] pixels or already CLIP-normalised. */
    InputSpace inputSpace();

    /** Number of effective trainable values (masked-out pattern entries are not counted). */
    int effectiveParameterCount();

    /** Moves buffers that are not parameters (SMM's batch-norm running statistics) to {@code device}; the caller moves the parameters. */
    default void to(clipvr.tensor.Device device) {}

    /** Train/eval switch; only SMM's batch norm distinguishes them. */
    default void train(boolean training) {}
}
