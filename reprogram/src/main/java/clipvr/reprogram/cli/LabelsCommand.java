package clipvr.reprogram.cli;

import clipvr.clip.model.Clip;
import clipvr.clip.model.ClipModels;
import clipvr.clip.zeroshot.LabelSeparability;
import clipvr.clip.zeroshot.Templates;
import clipvr.clip.zeroshot.ZeroShotClassifier;
import clipvr.reprogram.data.ClassNames;
import clipvr.reprogram.data.Datasets;
import clipvr.reprogram.data.Split;
import clipvr.reprogram.train.TrainConfig;
import clipvr.tensor.DType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code clipvr labels --weights W (--data D | --names FILE) [--templates T] [--threshold 0.95] [--json]}: the cosine
 * similarities between the label head's class embeddings (what zero-shot, VP, AR and SMM score images against),
 * and the groups of classes it barely separates. Needs no images.
 */
@Command(name = "labels", mixinStandardHelpOptions = true,
        description = "Cosine similarity between the label head's class text embeddings, and the classes it barely separates.")
public final class LabelsCommand implements Callable<Integer> {
    @Option(names = "--weights", required = true, description = "CLIP checkpoint (any supported format)") Path weights;
    @Option(names = "--vocab", description = "tokenizer vocabulary (default: beside the weights, else ../shared/clip)") Path vocab;
    @Option(names = "--data", description = "dataset whose class names to use: cifar10, gtsrb, mnist, fashion-mnist (bundled names, no images needed), or any --data form of train") String data;
    @Option(names = "--names", description = "class names file, one per line in label order (instead of --data)") Path names;
    @Option(names = "--templates", description = "label template(s): cifar, gtsrb, mnist, simple, vr, or a file (default: train's label head, '"
            + TrainConfig.LABEL_TEMPLATE + "')") String templates;
    @Option(names = "--threshold", defaultValue = "0.95", description = "classes joined by a cosine at or above this form a group (default ${DEFAULT-VALUE})") double threshold;
    @Option(names = "--json", description = "print the result as JSON") boolean json;

    @Override public Integer call() throws Exception {
        if ((data == null) == (names == null)) throw new IllegalArgumentException("give exactly one of --data and --names");
        if (!(threshold >= -1 && threshold <= 1)) throw new IllegalArgumentException("--threshold must be in [-1, 1], got " + threshold);
        List<String> classes = names != null ? ClassNames.read(names) : classNamesOf(data);
        if (classes.size() < 2) throw new IllegalArgumentException((names != null ? "--names " + names : "--data " + data) + ": need at least 2 classes, got " + classes.size());
        List<String> tpl = templates == null ? List.of(TrainConfig.LABEL_TEMPLATE) : Templates.resolve(templates);
        Clip model = ClipModels.load(weights, DType.F32);
        var head = ZeroShotClassifier.build(model, clipvr.reprogram.train.Trainer.loadTokenizer(Paths2.vocab(vocab, weights)), classes, tpl, 64);
        LabelSeparability s = LabelSeparability.of(classes, head.weights());
        List<List<Integer>> groups = s.groups(threshold);
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("weights", weights.toString());
            out.put("classes", classes);
            out.put("templates", tpl);
            out.put("cosine", s.cosine());
            out.put("max_cosine", s.maxOffDiagonal());
            out.put("threshold", threshold);
            out.put("groups", groups.stream().map(g -> g.stream().map(classes::get).toList()).toList());
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out));
            return 0;
        }
        System.out.printf(Locale.ROOT, "cosine similarity of the label head's class embeddings (%d template%s: %s)%n",
                tpl.size(), tpl.size() == 1 ? "" : "s", tpl.size() == 1 ? "'" + tpl.getFirst() + "'" : templates);
        int w = Math.min(12, classes.stream().mapToInt(String::length).max().orElse(1));
        StringBuilder header = new StringBuilder(" ".repeat(w + 1));
        for (int j = 0; j < classes.size(); j++) header.append(String.format(Locale.ROOT, "%6d", j));
        System.out.println(header);
        for (int i = 0; i < classes.size(); i++) {
            String n = classes.get(i);
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-" + w + "s ", n.length() > w ? n.substring(0, w) : n));
            for (int j = 0; j < classes.size(); j++) row.append(String.format(Locale.ROOT, "%6.2f", s.cosine()[i][j]));
            System.out.println(row.append("   ").append(i));
        }
        System.out.printf(Locale.ROOT, "largest between two classes: %.4f%n", s.maxOffDiagonal());
        String warning = s.warning("the label head", threshold, null);
        System.out.println(warning == null ? String.format(Locale.ROOT, "every pair of classes is below %.2f", threshold) : warning);
        return 0;
    }

    /** Bundled names for the four known datasets (no images needed), else the names of the dataset --data opens. */
    static List<String> classNamesOf(String data) {
        String key = data.toLowerCase(Locale.ROOT).replace('-', '_');
        if (ClassNames.BUNDLED.contains(key)) return ClassNames.bundled(key);
        return Datasets.open(data, Split.TRAIN).classNames();
    }

}
