package clipvr.reprogram.cli;

import clipvr.autograd.GradMode;
import clipvr.autograd.Var;
import clipvr.clip.image.ClipPreprocess;
import clipvr.clip.model.Clip;
import clipvr.clip.model.ClipModels;
import clipvr.clip.zeroshot.Accuracy;
import clipvr.clip.zeroshot.Templates;
import clipvr.clip.zeroshot.ZeroShotClassifier;
import clipvr.reprogram.data.Dataset;
import clipvr.reprogram.data.Datasets;
import clipvr.reprogram.pipeline.ImageBatches;
import clipvr.tensor.DType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code clipvr zeroshot --weights W --data DIR [--split test] [--templates T] [--limit N] [--json]}. */
@Command(name = "zeroshot", mixinStandardHelpOptions = true,
        description = "Zero-shot classification with prompt ensembles: top-1/top-5 and per-class accuracy.")
public final class ZeroshotCommand implements Callable<Integer> {
    @Option(names = "--weights", required = true, description = "CLIP checkpoint (any supported format)") Path weights;
    @Option(names = "--vocab", description = "tokenizer vocabulary (default: beside the weights, else ../shared/clip)") Path vocab;
    @Option(names = "--data", required = true, description = "ImageFolder DIR (DIR/<split>/<class>/*), a .tar.gz of that layout, cifar10, gtsrb, mnist[:DIR], fashion-mnist[:DIR]") String data;
    @Option(names = "--split", defaultValue = "test", description = "split to evaluate (default ${DEFAULT-VALUE})") String split;
    @Option(names = "--templates", description = "cifar, gtsrb, mnist, simple, vr, or a file with one template per line (default: the dataset's CLIP set, else simple)") String templates;
    @Option(names = "--names", description = "class names file, one per line in label order (default: the dataset's)") Path names;
    @Option(names = "--limit", description = "evaluate only the first N images of a class-balanced order") Integer limit;
    @Option(names = "--batch", defaultValue = "32", description = "images per forward pass (default ${DEFAULT-VALUE})") int batch;
    @picocli.CommandLine.Mixin DeviceOption deviceOption = new DeviceOption();
    @Option(names = "--json", description = "print the result as JSON") boolean json;

    @Override public Integer call() throws Exception {
        if (batch <= 0) throw new IllegalArgumentException("--batch must be positive, got " + batch);
        if (limit != null && limit <= 0) throw new IllegalArgumentException("--limit must be positive, got " + limit);
        clipvr.tensor.Device device = deviceOption.resolve();
        System.err.println(DeviceOption.describe(device));
        Dataset ds = Datasets.open(data, split);
        List<String> classes = names == null ? ds.classNames() : Files.readAllLines(names).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (classes.size() != ds.numClasses())
            throw new IllegalArgumentException("--names " + names + " has " + classes.size() + " names, the dataset has " + ds.numClasses() + " classes");
        Clip model = ClipModels.load(weights, DType.F32);
        model.to(device);
        List<String> tpl = Templates.resolve(templates != null ? templates : Templates.defaultFor(data));
        var zs = ZeroShotClassifier.build(model, clipvr.reprogram.train.Trainer.loadTokenizer(Paths2.vocab(vocab, weights)), classes, tpl, 64);
        String warning = clipvr.clip.zeroshot.LabelSeparability.of(classes, zs.weights()).warning("the zero-shot head",
                clipvr.clip.zeroshot.LabelSeparability.WARN_AT, "./clipvr labels prints its cosine matrix");
        if (warning != null) System.err.println(warning);
        int[] order = clipvr.reprogram.train.Trainer.balancedOrder(ds, limit);
        Accuracy acc = new Accuracy(classes.size());
        ClipPreprocess pre = new ClipPreprocess(model.resolution());
        int r = model.resolution();
        try (ProgressBar pb = new ProgressBarBuilder().setTaskName("zeroshot").setInitialMax(order.length)
                .setStyle(ProgressBarStyle.ASCII).setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                .setUnit(" img", 1).showSpeed().build();
             var s = GradMode.noGrad()) {
            for (int i = 0; i < order.length; i += batch) {
                int[] idx = java.util.Arrays.copyOfRange(order, i, Math.min(order.length, i + batch));
                var b = ImageBatches.load(ds, idx, r, r, pre::apply);
                acc.add(zs.logits(model.encodeImage(Var.constant(b.pixels().to(device))).data()).to(clipvr.tensor.Device.CPU), b.labels());
                pb.stepBy(idx.length);
                pb.setExtraMessage(String.format(Locale.ROOT, "top1 %.1f%%", 100 * acc.top1()));
            }
        }
        Map<String, Object> summary = acc.summary(classes);
        summary.put("templates", tpl.size());
        summary.put("weights", weights.toString());
        if (json) {
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(summary));
        } else {
            System.out.printf(Locale.ROOT, "images %d, top-1 %.2f%%, top-5 %.2f%% (%d templates)%n", acc.total(), 100 * acc.top1(), 100 * acc.top5(), tpl.size());
            double[] pc = acc.perClass();
            for (int c = 0; c < classes.size(); c++)
                System.out.printf(Locale.ROOT, "  %-40s %6.2f%%%n", classes.get(c), 100 * pc[c]);
        }
        return 0;
    }

}
