package clipvr.reprogram.train;

import clipvr.clip.zeroshot.Accuracy;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The content of {@code results.json} (also embedded in the checkpoint's metadata, which is what {@code --resume}
 * reads). Accuracies are fractions in [0, 1]. docs/training.md lists every key.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public final class RunResults {
    @JsonProperty("format") public String format = RunFiles.FORMAT;
    @JsonProperty("status") public String status = "running";
    @JsonProperty("error") public String error;
    @JsonProperty("config") public TrainConfig config;
    @JsonProperty("selection") public String selection =
            "best = the evaluated epoch with the highest test top-1 (earliest on ties), as the papers report it: model selection"
                    + " on the test set. val_selected = the test accuracy at the epoch with the highest validation top-1"
                    + " (only with --val-fraction). last = the final evaluated epoch.";
    @JsonProperty("train_images") public int trainImages;
    @JsonProperty("val_images") public int valImages;
    @JsonProperty("test_images") public int testImages;
    @JsonProperty("iterations_per_epoch") public int iterationsPerEpoch;
    @JsonProperty("effective_parameters") public long effectiveParameters;
    @JsonProperty("epochs_completed") public int epochsCompleted;
    @JsonProperty("epochs") public List<EpochRecord> epochs = new ArrayList<>();
    @JsonProperty("best") public Evaluation best;
    @JsonProperty("last") public Evaluation last;
    @JsonProperty("val_selected") public ValSelected valSelected;
    @JsonProperty("wall_seconds") public double wallSeconds;

    /**
     * One epoch.
     *
     * @param epoch             0-based
     * @param phase             {@code train}, {@code prm} (DVP epoch 0: forward passes only, no step, no evaluation) or
     *                          {@code eval} (zero-shot: evaluation only)
     * @param trainLoss         mean CE over the epoch's training images (for {@code prm}: with the uniform Ω; null for eval)
     * @param trainAccuracy     top-1 on the augmented training images, from the same forward passes
     * @param lr                lr of the first group at the epoch's first iteration
     * @param lrs               lr per optimiser group at the epoch's first iteration
     * @param imagesPerSecond   training throughput (images / training seconds)
     * @param seconds           epoch wall time including evaluation
     * @param testAccuracy      test top-1, null when not evaluated in this epoch
     * @param testTop5          test top-5
     * @param valAccuracy       validation top-1 (with --val-fraction)
     */
    public record EpochRecord(
            @JsonProperty("epoch") int epoch,
            @JsonProperty("phase") String phase,
            @JsonProperty("train_loss") Double trainLoss,
            @JsonProperty("train_accuracy") Double trainAccuracy,
            @JsonProperty("lr") Double lr,
            @JsonProperty("lrs") Map<String, Double> lrs,
            @JsonProperty("images_per_second") Double imagesPerSecond,
            @JsonProperty("seconds") double seconds,
            @JsonProperty("test_accuracy") Double testAccuracy,
            @JsonProperty("test_top5") Double testTop5,
            @JsonProperty("val_accuracy") Double valAccuracy) {}

    /** Test metrics of one epoch: top-1/top-5, per-class accuracy (null for a class without test images), confusion (rows: true class). */
    public record Evaluation(
            @JsonProperty("epoch") int epoch,
            @JsonProperty("top1") double top1,
            @JsonProperty("top5") double top5,
            @JsonProperty("images") long images,
            @JsonProperty("per_class") Map<String, Double> perClass,
            @JsonProperty("confusion") long[][] confusion) {

        public static Evaluation of(int epoch, Accuracy acc, List<String> classNames) {
            Map<String, Double> pc = new LinkedHashMap<>();
            double[] p = acc.perClass();
            for (int c = 0; c < classNames.size(); c++) pc.put(classNames.get(c), Double.isNaN(p[c]) ? null : p[c]);
            long[][] conf = new long[classNames.size()][];
            for (int c = 0; c < conf.length; c++) conf[c] = acc.confusion()[c].clone();
            return new Evaluation(epoch, acc.top1(), acc.top5(), acc.total(), pc, conf);
        }
    }

    /** The epoch chosen on validation and its test accuracy. */
    public record ValSelected(
            @JsonProperty("epoch") int epoch,
            @JsonProperty("val_accuracy") double valAccuracy,
            @JsonProperty("test_accuracy") double testAccuracy,
            @JsonProperty("test_top5") double testTop5) {}
}
