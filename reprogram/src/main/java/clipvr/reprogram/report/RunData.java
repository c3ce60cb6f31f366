package clipvr.reprogram.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a report shows of one training run, as read by {@link RunDirReader}. Accuracies are percentages
 * (a results.json with fractions in [0, 1] is scaled by 100 on reading); absent numbers are {@code null}
 * (epoch fields) or NaN (per-class arrays).
 *
 * @param dir         the run directory
 * @param results     the whole results.json (for its top-level facts: status, error, image counts, …)
 * @param config      {@code results.json → config} (an empty object when absent)
 * @param classNames  class names in label order (from config, checkpoint.json, the dataset, or "class i")
 * @param epochs      one row per epoch, in file order
 * @param summaries   the summaries present among {@code best}, {@code last}, {@code val_selected}, in that order
 * @param checkpoint  the learned parameters, or {@code null} when the run has no checkpoint.safetensors
 * @param notes       what was missing or skipped while reading (shown in the report)
 */
public record RunData(Path dir, JsonNode results, JsonNode config, List<String> classNames, List<Epoch> epochs,
                      List<Summary> summaries, CheckpointData checkpoint, List<String> notes) {

    /**
     * One epoch of {@code results.json → epochs}.
     *
     * @param phase the trainer's phase ({@code train}, {@code prm}, {@code eval}), or null
     * @param lrs   lr per optimiser group (e.g. SMM's {@code pattern} and {@code mask}); empty when not recorded
     */
    public record Epoch(int epoch, String phase, Double trainLoss, Double trainAcc, Double testAcc, Double valAcc,
                        Double lr, Map<String, Double> lrs, Double imagesPerS) {}

    /**
     * One of {@code best}, {@code last}, {@code val_selected}.
     *
     * @param key       the results.json key
     * @param epoch     its epoch, or null
     * @param valAcc    validation accuracy (%) where given ({@code val_selected}), or null
     * @param testAcc   test top-1 accuracy (%), or null
     * @param perClass  per-class accuracy (%) indexed by class, or null; NaN for a class not given
     * @param confusion confusion counts [true][predicted], or null
     */
    public record Summary(String key, Integer epoch, Double testAcc, Double valAcc, double[] perClass, double[][] confusion) {}

    /**
     * The checkpoint's contents the report renders.
     *
     * @param file          checkpoint.safetensors
     * @param prompts       the learned input patterns, in checkpoint order
     * @param smm           the SMM mask network, or null
     * @param omega         the PRM ω [C][M] (rows: classes, columns: description slots), or null
     * @param omegaName     the tensor ω was read from
     * @param descriptions  description texts [C][M] aligned with ω's columns (or whatever checkpoint.json lists), or null
     * @param groups        for each class and slot, its cause / cluster label (same shape as descriptions), or null
     * @param tensorNames   every tensor name with its shape, for the inventory table
     */
    public record CheckpointData(Path file, List<Prompt> prompts, SmmNet smm, double[][] omega, String omegaName,
                                 List<List<String>> descriptions, List<List<String>> groups,
                                 Map<String, String> tensorNames) {}

    /** How a pattern enters the image, which decides how it is drawn. */
    public enum PromptKind {
        /** AR / AttrVR / DVP {@code PaddingPrompt}: the frame shows sigmoid(θ) ⊙ M, already in [0, 1]. */
        SIGMOID_PADDING,
        /** VP, SMM's δ and its shared-mask baselines: an additive θ ⊙ M in normalised space, min–max rescaled. */
        ADDITIVE
    }

    /**
     * One learned pattern θ [3, R, R] with its mask (or null for none, e.g. SMM's δ).
     *
     * @param name  the checkpoint tensor name of θ
     * @param label a display label (branch / cause name when known)
     */
    public record Prompt(String name, String label, PromptKind kind, int resolution, float[] theta, float[] mask) {}

    /**
     * An SMM mask network: its tensors under {@code prefix + "priority."} with the prefix removed
     * ({@code program}, {@code priority.conv1.weight}, …).
     */
    public record SmmNet(String prefix, Map<String, clipvr.tensor.Tensor> state, int resolution, int layers,
                         int channels, int patch, boolean patchFromConfig) {}
}
