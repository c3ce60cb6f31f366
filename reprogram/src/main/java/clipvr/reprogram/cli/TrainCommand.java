package clipvr.reprogram.cli;

import clipvr.clip.zeroshot.Templates;
import clipvr.reprogram.train.Method;
import clipvr.reprogram.train.RunResults;
import clipvr.reprogram.train.TrainConfig;
import clipvr.reprogram.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code clipvr train --method M --weights W --data D --out RUNDIR [...]}: few-shot visual reprogramming of a frozen CLIP. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains a visual-reprogramming method on a frozen CLIP (few-shot), evaluating on the test split,",
                "into a resumable run directory (config.json, results.json, checkpoint.safetensors, ...; docs/training.md).",
                "Unset options take the papers' defaults for the method."})
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--method", description = "zeroshot, vp, ar, smm, smm-pad, smm-narrow, smm-medium, smm-full, attrvr, dvp-cse, dvp-cls") String method;
    @Option(names = "--weights", description = "CLIP checkpoint (any supported format)") Path weights;
    @Option(names = "--data", description = "ImageFolder DIR (DIR/{train,test}/<class>/*), a .tar.gz of that layout, cifar10, gtsrb, mnist[:DIR], fashion-mnist[:DIR]") String data;
    @Option(names = "--out", required = true, description = "run directory") Path out;
    @Option(names = "--resume", description = "continue the run in --out after its last completed epoch (bit-identical to an uninterrupted run)") boolean resume;
    @Option(names = "--descriptions", description = "directory with <dataset>_{des,dist,cse_N}.json (searched 3 levels deep; default: the bundled files for cifar10, gtsrb, mnist, fashion_mnist)") Path descriptions;
    @Option(names = "--dataset", description = "dataset key for description files and DVP-cls clusters (default: from --data, e.g. eurosat)") String dataset;
    @Option(names = "--vocab", description = "tokenizer vocabulary (default: beside the weights, else ../shared/clip)") Path vocab;
    @Option(names = "--shots", description = "training images per class (default 16)") Integer shots;
    @Option(names = "--epochs", description = "epochs, DVP's PRM-only epoch 0 included (default 200; zeroshot: none)") Integer epochs;
    @Option(names = "--seed", description = "seed of every random stream (default 0)") Long seed;
    @Option(names = "--batch", description = "batch size (default 64, 16 when --shots 1)") Integer batch;
    @Option(names = "--lr", description = "learning rate (default 40 with SGD; SMM: 0.01 for the pattern δ)") Double lr;
    @Option(names = "--momentum", description = "SGD momentum (default 0.9)") Double momentum;
    @Option(names = "--weight-decay", description = "weight decay (default 0)") Double weightDecay;
    @Option(names = "--milestones", split = ",", description = "SMM MultiStepLR milestones in epochs (default int(0.5E),int(0.72E))") int[] milestones;
    @Option(names = "--gamma", description = "SMM MultiStepLR factor for δ (default 0.1)") Double gamma;
    @Option(names = "--mask-lr", description = "SMM mask-network Adam lr (default 0.01; SMM's ViT setting: 0.001)") Double maskLr;
    @Option(names = "--mask-gamma", description = "SMM mask-network MultiStepLR factor (default 0.1; SMM's ViT setting: 1)") Double maskGamma;
    @Option(names = "--mask-layers", description = "SMM mask-network layers, 5 or 6 (default 5)") Integer maskLayers;
    @Option(names = "--patch", description = "SMM patch size 1, 2, 4, 8, 16, 32 (default 8)") Integer patch;
    @Option(names = "--logit-scale", description = "temperature s of the cosine logits s·cos(image, text) of every head (default: the model's exp(logit_scale), as the reference code reads it: 100 for OpenAI's CLIPs, 17.3 for clipvr-mini)") Double logitScale;
    @Option(names = "--inner", description = "frame methods (vp, ar, attrvr, dvp-cse, dvp-cls, smm-pad): side in pixels of the image region inside the frame prompt, 1..R-1 (AR, AttrVR, DVP, SMM-pad: the resized target image; VP: the centre left free by its border). Default: the papers' frame scaled to R, R-2*round(16R/224) (VP: R-2*round(30R/224), SMM-pad: R-2*round(48R/224)); 192 (VP 164) at R = 224, 28 (VP 24) at R = 32") Integer inner;
    @Option(names = "--eval-every", description = "evaluate on the test split every N epochs and after the last (default 1)") Integer evalEvery;
    @Option(names = "--val-fraction", description = "stratified validation hold-out from the training pool before few-shot sampling (default 0)") Double valFraction;
    @Option(names = "--test-limit", description = "evaluate on a class-balanced subset of N test images") Integer testLimit;
    @Option(names = "--m", description = "descriptions sampled per class and file (default 20)") Integer m;
    @Option(names = "--topk", description = "AttrVR / PRM top-k (default 3)") Integer topk;
    @Option(names = "--alpha", description = "AttrVR DesAttr weight (default 0.5)") Double alpha;
    @Option(names = "--causes", description = "DVP-cse cause files <ds>_cse_1..N (default 3)") Integer causes;
    @Option(names = "--clusters", description = "DVP-cls clusters K (default: DVP's per-dataset value, else 3)") Integer clusters;
    @Option(names = "--kmeans-init", description = "DVP-cls k-means restarts (default 10)") Integer kmeansInit;
    @Option(names = "--templates", description = "label templates for zeroshot / label-head methods: cifar, gtsrb, mnist, simple, vr, or a file (default: 'This is a photo of {}.')") String templates;
    @Option(names = "--label-mapping", description = "ilm, flm or rlm: replace the label head by CLIP zero-shot over --source-classes plus SMM's one-to-one output label mapping; blm or blmp (BLM+): plus a Bayesian-guided reweighting of all source logits, recomputed every epoch (vp, ar, smm, smm-pad/narrow/medium/full; attrvr with --source-descriptions; default: the label head)") String labelMapping;
    @Option(names = "--augment", description = "training augmentation: papers (the reference code's: RandomResizedCrop(scale 0.08-1) and horizontal flips; SMM: random crop and flips; default), mild (crops of scale 0.6-1, no flips), none (the test transform)") String augment;
    @Option(names = "--blm-lap", description = "BLM / BLM+ Laplace smoothing (default 1)") Double blmLap;
    @Option(names = "--blm-topk-ratio", description = "BLM+ top-k as a fraction of the target classes, k = max(1, floor(ratio*C)) (default 0.15)") Double blmTopkRatio;
    @Option(names = "--source-classes", description = "source classes of --label-mapping, one name per line (default: the bundled CIFAR-100 names)") Path sourceClasses;
    @Option(names = "--source-templates", split = ",", paramLabel = "KEY", description = "with --label-mapping (vp, ar, smm): score each source class with the zero-shot templates of the first dataset KEY whose class list names it, e.g. cifar10,gtsrb (the captions clipvr-mini was pretrained on; default: 'This is a photo of {}.' for every source class)") List<String> sourceTemplates;
    @Option(names = "--source-descriptions", split = ",", paramLabel = "KEY", description = "attrvr with --label-mapping: dataset keys whose <KEY>_des.json and <KEY>_dist.json (bundled or in --descriptions) describe the --source-classes, e.g. cifar10,gtsrb") List<String> sourceDescriptions;
    @Option(names = "--quiet", description = "no progress bar and no per-epoch lines") boolean quiet;

    @picocli.CommandLine.Mixin DeviceOption deviceOption = new DeviceOption();

    @Override public Integer call() {
        clipvr.tensor.Device device = deviceOption.resolve();               // the trainer reads -Dclipvr.device
        TrainConfig.Builder b = new TrainConfig.Builder();
        if (method != null) b.method = Method.parse(method);
        if (!resume) {
            if (method == null) throw new IllegalArgumentException("--method is required (one of " + Method.names() + ")");
            if (weights == null) throw new IllegalArgumentException("--weights is required");
            if (data == null) throw new IllegalArgumentException("--data is required");
        }
        if (weights != null) {
            b.weights = weights.toString();
            b.vocab = Paths2.vocab(vocab, weights).toString();
        } else if (vocab != null) b.vocab = Paths2.vocab(vocab, null).toString();
        b.data = data;
        b.dataset = dataset;
        if (descriptions != null) {
            if (!java.nio.file.Files.isDirectory(descriptions)) throw new IllegalArgumentException("--descriptions: not a directory: " + descriptions);
            b.descriptions = descriptions.toString();
        }
        b.shots = shots;
        b.epochs = epochs;
        b.seed = seed;
        b.batch = batch;
        b.lr = lr;
        b.momentum = momentum;
        b.weightDecay = weightDecay;
        b.milestones = milestones;
        b.gamma = gamma;
        b.maskLr = maskLr;
        b.maskGamma = maskGamma;
        b.maskLayers = maskLayers;
        b.patch = patch;
        b.inner = inner;
        b.logitScale = logitScale;
        b.evalEvery = evalEvery;
        b.valFraction = valFraction;
        b.testLimit = testLimit;
        b.m = m;
        b.topk = topk;
        b.alpha = alpha;
        b.causes = causes;
        b.clusters = clusters;
        b.kmeansInit = kmeansInit;
        b.labelMapping = labelMapping;
        if (b.method != null)                                               // before any weights or data are loaded
            clipvr.reprogram.train.Reprogrammer.requireOnDevice(b.method, labelMapping, device);
        if (sourceClasses != null) b.sourceClasses = sourceClasses.toString();
        if (sourceDescriptions != null) b.sourceDescriptions = sourceDescriptions;
        if (sourceTemplates != null) b.sourceTemplates = sourceTemplates;
        if (blmLap != null) b.blmLap = blmLap;
        if (augment != null) b.augment = augment;
        if (blmTopkRatio != null) b.blmTopkRatio = blmTopkRatio;
        if (templates != null) {
            if (b.method != null && b.method.usesDescriptions())
                throw new IllegalArgumentException("--templates: " + b.method + " scores descriptions, not label templates");
            b.templates = Templates.resolve(templates);
        }
        if (!quiet) System.err.println(DeviceOption.describe(device));
        RunResults r = Trainer.run(b, out, new Trainer.Options(resume, !quiet, quiet ? null : System.err, null));
        System.out.printf(Locale.ROOT, "%s on %s: %d train / %d test images, %d epochs%n", r.config.method(), r.config.data(),
                r.trainImages, r.testImages, r.epochsCompleted);
        if (r.best != null)
            System.out.printf(Locale.ROOT, "best test top-1 %.2f%% (epoch %d, selected on the test set as the papers do), last %.2f%% (epoch %d)%n",
                    100 * r.best.top1(), r.best.epoch(), 100 * r.last.top1(), r.last.epoch());
        if (r.valSelected != null)
            System.out.printf(Locale.ROOT, "validation-selected epoch %d: val %.2f%%, test %.2f%%%n",
                    r.valSelected.epoch(), 100 * r.valSelected.valAccuracy(), 100 * r.valSelected.testAccuracy());
        System.out.println("run directory: " + out.toAbsolutePath().normalize() + " (" + Arrays.toString(new String[]{"results.json", "checkpoint.safetensors"}) + ")");
        return 0;
    }
}
