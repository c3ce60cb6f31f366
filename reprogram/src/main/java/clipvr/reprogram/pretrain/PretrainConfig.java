package clipvr.reprogram.pretrain;

import clipvr.clip.io.Activation;
import clipvr.clip.io.ClipConfig;
import clipvr.clip.text.ClipTokenizer;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * Everything that determines a pretraining run (written to {@code config.json}; {@code --resume} checks it).
 * Same config and seed → same bits in every checkpoint.
 *
 * @param data            training datasets (their train splits), e.g. [cifar10, gtsrb]
 * @param noFlip          datasets whose images are never flipped (a flipped "turn left" sign is a "turn right" sign)
 * @param limit           at most this many training images per dataset, class-balanced (null: all)
 * @param resolution      input side R (pixels)
 * @param patch           ViT patch size (R divisible by it)
 * @param visionWidth     image-tower width (multiple of 64: heads = width / 64, as OpenAI infers them)
 * @param visionLayers    image-tower depth
 * @param textWidth       text-tower width (multiple of 64)
 * @param textLayers      text-tower depth
 * @param embed           joint embedding dimension
 * @param epochs          passes over the data
 * @param batch           images (and captions) per step: the contrastive matrix is [batch, batch]
 * @param lr              peak learning rate after warm-up
 * @param warmup          linear warm-up steps, then cosine decay to 0 at the last step
 * @param weightDecay     AdamW decoupled weight decay, applied to weight matrices only
 * @param beta1           AdamW β₁ (CLIP: 0.9)
 * @param beta2           AdamW β₂ (CLIP: 0.98)
 * @param eps             AdamW ε (CLIP: 1e-6)
 * @param gradClip        clip the global gradient norm to this (0: off)
 * @param descriptionProb probability that a caption is a description sentence of the class instead of a template
 * @param cropScale       RandomResizedCrop's minimum area fraction (maximum 1)
 * @param jitter          colour jitter strength: brightness, contrast, saturation factors in [1 - j, 1 + j] (0: off)
 * @param evalLimit       zero-shot check after every epoch on this many class-balanced test images per dataset (0: off)
 * @param seed            seed of every random stream (init, shuffle, captions, augmentation)
 * @param replicas        data-parallel shards of each batch, one CPU core each ({@link DataParallel}); 1: the plain
 *                        step. Part of the config because it changes the weight gradients' rounding. A config.json
 *                        written before the field existed reads as 1 (what those runs did), and 1 is not written,
 *                        so a plain run's config.json and the model metadata made from it are what they were
 *                        (clipvr-mini's file still rebuilds byte for byte).
 * @param maskRatio       FLIP's patch masking: the fraction of each training image's patches left out of the image
 *                        tower (0: off; not written when 0, as replicas = 1)
 * @param unmaskedEpochs  the last this many epochs train on whole images (FLIP's unmasked tuning; 0: none)
 */
public record PretrainConfig(List<String> data, List<String> noFlip, Integer limit,
                             int resolution, int patch, int visionWidth, int visionLayers, int textWidth, int textLayers, int embed,
                             int epochs, int batch, double lr, int warmup, double weightDecay, double beta1, double beta2, double eps,
                             double gradClip, double descriptionProb, double cropScale, double jitter, int evalLimit, long seed,
                             @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = One.class) int replicas,
                             @JsonInclude(JsonInclude.Include.NON_DEFAULT) double maskRatio,
                             @JsonInclude(JsonInclude.Include.NON_DEFAULT) int unmaskedEpochs) {

    /** Checks every field; messages name the flag at fault. */
    public PretrainConfig {
        if (data == null || data.isEmpty()) throw new IllegalArgumentException("--data: at least one dataset is needed");
        noFlip = noFlip == null ? List.of() : List.copyOf(noFlip);
        data = List.copyOf(data);
        if (limit != null && limit < 1) throw new IllegalArgumentException("--limit must be >= 1, got " + limit);
        if (resolution < 1 || patch < 1 || resolution % patch != 0)
            throw new IllegalArgumentException("--resolution " + resolution + " must be a positive multiple of --patch " + patch);
        if (visionWidth < 64 || visionWidth % 64 != 0)
            throw new IllegalArgumentException("--vision-width must be a positive multiple of 64 (heads = width / 64), got " + visionWidth);
        if (textWidth < 64 || textWidth % 64 != 0)
            throw new IllegalArgumentException("--text-width must be a positive multiple of 64 (heads = width / 64), got " + textWidth);
        if (visionLayers < 1) throw new IllegalArgumentException("--vision-layers must be >= 1, got " + visionLayers);
        if (textLayers < 1) throw new IllegalArgumentException("--text-layers must be >= 1, got " + textLayers);
        if (embed < 1) throw new IllegalArgumentException("--embed must be >= 1, got " + embed);
        if (epochs < 1) throw new IllegalArgumentException("--epochs must be >= 1, got " + epochs);
        if (batch < 2) throw new IllegalArgumentException("--batch must be >= 2 (the loss contrasts pairs within a batch), got " + batch);
        if (!(lr > 0)) throw new IllegalArgumentException("--lr must be > 0, got " + lr);
        if (warmup < 0) throw new IllegalArgumentException("--warmup must be >= 0, got " + warmup);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("--weight-decay must be >= 0, got " + weightDecay);
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("--beta1 must be in [0, 1), got " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("--beta2 must be in [0, 1), got " + beta2);
        if (!(eps > 0)) throw new IllegalArgumentException("--eps must be > 0, got " + eps);
        if (!(gradClip >= 0)) throw new IllegalArgumentException("--grad-clip must be >= 0 (0: off), got " + gradClip);
        if (!(descriptionProb >= 0 && descriptionProb <= 1))
            throw new IllegalArgumentException("--description-prob must be in [0, 1], got " + descriptionProb);
        if (!(cropScale > 0 && cropScale <= 1)) throw new IllegalArgumentException("--crop-scale must be in (0, 1], got " + cropScale);
        if (!(jitter >= 0 && jitter < 1)) throw new IllegalArgumentException("--jitter must be in [0, 1), got " + jitter);
        if (evalLimit < 0) throw new IllegalArgumentException("--eval-limit must be >= 0, got " + evalLimit);
        if (replicas == 0) replicas = 1;                                    // absent from an older config.json
        if (replicas < 1) throw new IllegalArgumentException("--replicas must be >= 1, got " + replicas);
        if (replicas > batch) throw new IllegalArgumentException("--replicas " + replicas + " is larger than --batch " + batch);
        if (!(maskRatio >= 0 && maskRatio < 1)) throw new IllegalArgumentException("--mask-ratio must be in [0, 1), got " + maskRatio);
        if (unmaskedEpochs < 0 || unmaskedEpochs > epochs)
            throw new IllegalArgumentException("--unmasked-epochs must be in [0, --epochs " + epochs + "], got " + unmaskedEpochs);
    }

    /** This config with {@code n} data-parallel replicas. */
    public PretrainConfig withReplicas(int n) {
        return new PretrainConfig(data, noFlip, limit, resolution, patch, visionWidth, visionLayers, textWidth, textLayers, embed, epochs,
                batch, lr, warmup, weightDecay, beta1, beta2, eps, gradClip, descriptionProb, cropScale, jitter, evalLimit, seed, n,
                maskRatio, unmaskedEpochs);
    }

    /** This config with FLIP's patch masking: {@code ratio} of the patches left out, whole images in the last {@code unmasked} epochs. */
    public PretrainConfig withMasking(double ratio, int unmasked) {
        return new PretrainConfig(data, noFlip, limit, resolution, patch, visionWidth, visionLayers, textWidth, textLayers, embed, epochs,
                batch, lr, warmup, weightDecay, beta1, beta2, eps, gradClip, descriptionProb, cropScale, jitter, evalLimit, seed, replicas,
                ratio, unmasked);
    }

    /** Whether epoch {@code epoch} (0-based) trains on masked images. */
    public boolean masks(int epoch) { return maskRatio > 0 && epoch < epochs - unmaskedEpochs; }

    /** Patches kept per image under masking: round((1 - maskRatio) · grid²), at least 1. */
    public int keptPatches() { return Math.max(1, (int) Math.round((1 - maskRatio) * patches())); }

    /** Patches per image: grid² = (resolution / patch)². */
    public int patches() { return (resolution / patch) * (resolution / patch); }

    /** Jackson's filter for {@code replicas}: the value 1 is left out of the JSON. */
    static final class One {
        @Override public boolean equals(Object o) { return o instanceof Integer i && i == 1; }
        @Override public int hashCode() { return 1; }
    }

    /** The plain recipe: one replica, no masking. */
    public PretrainConfig(List<String> data, List<String> noFlip, Integer limit,
                          int resolution, int patch, int visionWidth, int visionLayers, int textWidth, int textLayers, int embed,
                          int epochs, int batch, double lr, int warmup, double weightDecay, double beta1, double beta2, double eps,
                          double gradClip, double descriptionProb, double cropScale, double jitter, int evalLimit, long seed) {
        this(data, noFlip, limit, resolution, patch, visionWidth, visionLayers, textWidth, textLayers, embed, epochs, batch, lr, warmup,
                weightDecay, beta1, beta2, eps, gradClip, descriptionProb, cropScale, jitter, evalLimit, seed, 1, 0, 0);
    }

    /** The model architecture: OpenAI's ViT CLIP layout (QuickGELU, LayerNorm ε 1e-5, context 77, CLIP's vocabulary). */
    public ClipConfig clipConfig() {
        return new ClipConfig(embed, resolution, patch, visionWidth, visionLayers, visionWidth / 64, 4 * visionWidth,
                ClipTokenizer.CONTEXT_LENGTH, 49408, textWidth, textLayers, textWidth / 64, 4 * textWidth, Activation.QUICK_GELU, 1e-5);
    }
}
