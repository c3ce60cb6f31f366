package clipvr.reprogram.cli;

import clipvr.clip.text.ClipTokenizer;
import clipvr.reprogram.data.ClassNames;
import clipvr.reprogram.data.Datasets;
import clipvr.reprogram.data.DescriptionFile;
import clipvr.reprogram.data.DescriptionValidator;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.ToIntFunction;

/** {@code clipvr validate-descriptions --data SPEC|--classes FILE [--vocab V] [--m 20] FILE...}. */
@Command(name = "validate-descriptions", mixinStandardHelpOptions = true,
        description = {"Checks description files (JSON {class: [sentences]}) against a dataset's class names: missing classes,",
                "classes without a sentence of >= 20 characters, sentences over CLIP's 77 tokens (errors), and sampling",
                "notes (warnings, infos). Exit code 1 when a file has errors."})
public final class ValidateDescriptionsCommand implements Callable<Integer> {
    static final class Source {
        @Option(names = "--data", required = true, description = "dataset whose class names to check against (cifar10, gtsrb, mnist, fashion-mnist, DIR, archive)") String data;
        @Option(names = "--classes", required = true, description = "class-names file, one per line in label order") Path classes;
    }

    @ArgGroup(exclusive = true, multiplicity = "1") Source source;
    @Option(names = "--vocab", description = "tokenizer vocabulary for the 77-token check (default ../shared/clip)") Path vocab;
    @Option(names = "--no-token-check", description = "skip the token-length check (no vocabulary needed)") boolean noTokens;
    @Option(names = "--m", defaultValue = "20", description = "descriptions sampled per class (default ${DEFAULT-VALUE})") int m;
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "description files (paths, or bundled names such as cifar10_des)") List<String> files;

    @Override public Integer call() {
        if (m <= 0) throw new IllegalArgumentException("--m must be positive, got " + m);
        List<String> names;
        if (source.classes != null) {
            if (!java.nio.file.Files.isRegularFile(source.classes)) throw new IllegalArgumentException("--classes: file not found: " + source.classes);
            names = ClassNames.read(source.classes);
        } else {
            String key = source.data.toLowerCase(Locale.ROOT).replace('-', '_');
            names = ClassNames.BUNDLED.contains(key) ? ClassNames.bundled(key) : Datasets.open(source.data, "test").classNames();
        }
        ToIntFunction<String> count = null;
        if (!noTokens) {
            ClipTokenizer tok = clipvr.reprogram.train.Trainer.loadTokenizer(Paths2.vocab(vocab, null));
            count = s -> tok.encode(s).size() + 2;
        }
        int bad = 0;
        for (String f : files) {
            DescriptionFile df;
            try {
                df = DescriptionFile.load(f);
            } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
                System.out.println(f + ": cannot read: " + e.getMessage());
                bad++;
                continue;
            }
            DescriptionValidator.Report r = DescriptionValidator.validate(df, names, m, count);
            System.out.print(r.format());
            if (!r.isValid()) bad++;
        }
        System.out.printf(Locale.ROOT, "%d file(s) checked against %d classes: %s%n", files.size(), names.size(),
                bad == 0 ? "no errors" : bad + " with errors");
        return bad == 0 ? 0 : 1;
    }
}
