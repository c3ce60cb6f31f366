package clipvr.clip.io;

import java.util.Locale;

/** MLP activation of the CLIP towers (§5.3, §7.3, §8.2). */
public enum Activation {
    /** {@code x·sigmoid(1.702·x)}: OpenAI's weights and open_clip {@code -quickgelu} tags. */
    QUICK_GELU,
    /** Exact erf GELU ({@code nn.GELU}, HF {@code "gelu"}): e.g. open_clip LAION-2B / DataComp tags. */
    GELU,
    /** tanh-approximated GELU (HF {@code "gelu_new"}, {@code "gelu_pytorch_tanh"}). */
    GELU_TANH;

    /** Maps an HF {@code hidden_act} string; unknown names are an error. */
    public static Activation fromHf(String hiddenAct) {
        return switch (hiddenAct.toLowerCase(Locale.ROOT)) {
            case "quick_gelu" -> QUICK_GELU;
            case "gelu" -> GELU;
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> GELU_TANH;
            default -> throw new CheckpointException(CheckpointException.Reason.UNSUPPORTED,
                    "hidden_act '" + hiddenAct + "' is not supported (quick_gelu, gelu, gelu_new)");
        };
    }

    /** The HF {@code hidden_act} string for this activation. */
    public String hfName() {
        return switch (this) {
            case QUICK_GELU -> "quick_gelu";
            case GELU -> "gelu";
            case GELU_TANH -> "gelu_new";
        };
    }
}
