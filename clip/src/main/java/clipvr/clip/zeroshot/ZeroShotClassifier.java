package clipvr.clip.zeroshot;

import clipvr.autograd.GradMode;
import clipvr.autograd.Var;
import clipvr.clip.model.Clip;
import clipvr.clip.text.ClipTokenizer;
import clipvr.tensor.Tensor;
import clipvr.tensor.ops.Indexing;

import java.util.ArrayList;
import java.util.List;

/**
 * CLIP's zero-shot head: for each class, the prompt ensemble of its templates is encoded, each
 * embedding L2-normalised, averaged, and re-normalised (OpenAI's notebook); class logits are
 * exp(logit_scale) · normalize(image) · Wᵀ with W [C, E].
 */
public final class ZeroShotClassifier {
    private final Tensor weights;     // [C, E], rows unit length
    private final double scale;

    public ZeroShotClassifier(Tensor weights, double scale) {
        this.weights = weights;
        this.scale = scale;
    }

    public Tensor weights() { return weights; }

    /** Builds the classifier; texts are encoded in chunks of {@code batch}. */
    public static ZeroShotClassifier build(Clip model, ClipTokenizer tok, List<String> classNames, List<String> templates, int batch) {
        List<Tensor> rows = new ArrayList<>();
        try (var s = GradMode.noGrad()) {
            for (String c : classNames) {
                List<String> texts = templates.stream().map(t -> Templates.fill(t, c)).toList();
                List<Tensor> parts = new ArrayList<>();
                for (int i = 0; i < texts.size(); i += batch) {
                    int[][] ids = tok.tokenizeAll(texts.subList(i, Math.min(texts.size(), i + batch)), model.config.contextLength(), false);
                    parts.add(Clip.normalize(model.encodeText(ids)).data());
                }
                Tensor mean = Indexing.cat(parts, 0).mean(0, true);           // [1, E]
                rows.add(Clip.normalize(Var.constant(mean)).data());
            }
        }
        return new ZeroShotClassifier(Indexing.cat(rows, 0), model.logitScale());
    }

    /** image features [B, E] (unnormalised) → class logits [B, C]. */
    public Tensor logits(Tensor imageFeatures) {
        try (var s = GradMode.noGrad()) {
            return Clip.normalize(Var.constant(imageFeatures)).data().matmulT(weights).mul(scale);
        }
    }
}
