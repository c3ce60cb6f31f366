package clipvr.clip.zeroshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Prompt templates ({@code {}} is replaced by the class name). Built in: CLIP's 18 CIFAR-10 templates
 * (openai/CLIP data/prompts.md), the single "a photo of a {}." and the VR papers' label template
 * "This is a photo of {}.". A file holds one template per line.
 */
public final class Templates {
    private Templates() {}

    public static final List<String> CIFAR = List.of(
            "a photo of a {}.", "a blurry photo of a {}.", "a black and white photo of a {}.",
            "a low contrast photo of a {}.", "a high contrast photo of a {}.", "a bad photo of a {}.",
            "a good photo of a {}.", "a photo of a small {}.", "a photo of a big {}.", "a photo of the {}.",
            "a blurry photo of the {}.", "a black and white photo of the {}.", "a low contrast photo of the {}.",
            "a high contrast photo of the {}.", "a bad photo of the {}.", "a good photo of the {}.",
            "a photo of the small {}.", "a photo of the big {}.");

    /** CLIP's GTSRB templates (prompts.md). */
    public static final List<String> GTSRB = List.of(
            "a zoomed in photo of a \"{}\" traffic sign.", "a centered photo of a \"{}\" traffic sign.",
            "a close up photo of a \"{}\" traffic sign.");

    /** CLIP's MNIST template (prompts.md). */
    public static final List<String> MNIST = List.of("a photo of the number: \"{}\".");

    public static final List<String> SIMPLE = List.of("a photo of a {}.");

    /** The label template of the VR papers' code (VP, AR): {@code 'This is a photo of {}.'}. */
    public static final List<String> VR_LABEL = List.of("This is a photo of {}.");

    /** {@code cifar}, {@code gtsrb}, {@code mnist}, {@code simple}, {@code vr}, or a file with one template per line. */
    public static List<String> resolve(String spec) {
        return switch (spec) {
            case "cifar", "cifar10" -> CIFAR;
            case "gtsrb" -> GTSRB;
            case "mnist" -> MNIST;
            case "simple" -> SIMPLE;
            case "vr", "label" -> VR_LABEL;
            default -> {
                Path p = Path.of(spec);
                if (!Files.isRegularFile(p))
                    throw new IllegalArgumentException("--templates: '" + spec + "' is neither cifar, gtsrb, mnist, simple, vr nor a file");
                try {
                    List<String> t = Files.readAllLines(p).stream().map(String::strip).filter(s -> !s.isEmpty() && !s.startsWith("#")).toList();
                    for (String s : t)
                        if (!s.contains("{}")) throw new IllegalArgumentException("--templates " + p + ": template without {}: '" + s + "'");
                    if (t.isEmpty()) throw new IllegalArgumentException("--templates " + p + ": no templates");
                    yield t;
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read templates " + p, e);
                }
            }
        };
    }

    /**
     * The default template set of a {@code --data} spec, as the zero-shot commands pick it: {@code cifar} when the
     * spec mentions cifar, {@code gtsrb}, {@code mnist} for MNIST but not Fashion-MNIST, else {@code simple}
     * (a name for {@link #resolve}). So {@code --data ~/data/cifar-10-batches-py} gets CIFAR's templates.
     */
    public static String defaultFor(String dataSpec) {
        String d = dataSpec.toLowerCase(Locale.ROOT);
        if (d.contains("cifar")) return "cifar";
        if (d.contains("gtsrb")) return "gtsrb";
        if (d.contains("mnist") && !d.contains("fashion")) return "mnist";
        return "simple";
    }

    /**
     * The templates of pretraining captions for a dataset key ({@code cifar10}, {@code gtsrb}, {@code mnist}:
     * CLIP's; any other key, e.g. {@code fashion_mnist} or a directory name: "a photo of a {}."). Stricter than
     * {@link #defaultFor}, which matches substrings of the spec: a directory named {@code emnist} gets MNIST's
     * template for zero-shot but the simple one for captions. Kept so, as the shipped model's captions depend on it.
     */
    public static List<String> forDatasetKey(String datasetKey) {
        return switch (datasetKey) {
            case "cifar10" -> CIFAR;
            case "gtsrb" -> GTSRB;
            case "mnist" -> MNIST;
            default -> SIMPLE;
        };
    }

    /** The text for one class: underscores become spaces, as the VR code's {@code classname.replace('_', ' ')}. */
    public static String fill(String template, String className) {
        return template.replace("{}", className.replace('_', ' '));
    }
}
