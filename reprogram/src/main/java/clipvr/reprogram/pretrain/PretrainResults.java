package clipvr.reprogram.pretrain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code results.json} of a pretraining run: one record per completed epoch. */
public final class PretrainResults {
    /**
     * @param zeroShot top-1 zero-shot accuracy (template ensemble) per dataset on the class-balanced test subset
     *                 of {@code --eval-limit} images (empty when off)
     */
    public record Epoch(int epoch, int steps, double loss, double lr, double logitScale, double gradNorm,
                        double imagesPerSecond, double seconds, Map<String, Double> zeroShot) {}

    public String format = "clipvr-pretrain/1";
    public PretrainConfig config;
    public long parameters;
    public int trainImages;
    public int stepsPerEpoch;
    public int epochsCompleted;
    public String status = "running";
    public double wallSeconds;
    public String error;
    public List<Epoch> epochs = new ArrayList<>();
    public Map<String, Object> machine = new LinkedHashMap<>();
}
