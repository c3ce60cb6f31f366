package clipvr.reprogram.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Small command-line entry point for the data utilities (no dependencies beyond this package):
 * <pre>
 *   extract ARCHIVE OUTDIR           unpack a .tar.gz image archive to OUTDIR/&lt;split&gt;/&lt;class&gt;/ plus classnames.txt
 *   info SPEC [SPLIT]                size, classes and per-class counts of a dataset spec (see {@link Datasets})
 *   validate FILE NAMES [M]          check a description file (path or bundled name) against a class list
 *                                    (a names file, or a bundled list: cifar10, gtsrb, mnist, fashion_mnist)
 * </pre>
 * Exit status 0 on success, 1 on validation errors, 2 on usage errors.
 */
public final class DataTool {

    private DataTool() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length == 0) return usage();
        try {
            switch (args[0]) {
                case "extract" -> {
                    if (args.length != 3) return usage();
                    int n = TarImageDataset.extract(Path.of(args[1]), Path.of(args[2]));
                    System.out.println("extracted " + n + " images to " + args[2]);
                    return 0;
                }
                case "info" -> {
                    if (args.length < 2 || args.length > 3) return usage();
                    Dataset d = Datasets.open(args[1], args.length == 3 ? args[2] : Split.TRAIN);
                    System.out.println(args[1] + " [" + d.split() + "]: " + d.size() + " items, " + d.numClasses() + " classes");
                    int[] counts = d.classCounts();
                    for (int c = 0; c < counts.length; c++) System.out.printf("  %3d  %6d  %s%n", c, counts[c], d.classNames().get(c));
                    return 0;
                }
                case "validate" -> {
                    if (args.length < 3 || args.length > 4) return usage();
                    DescriptionFile f = DescriptionFile.load(args[1]);
                    List<String> names = Files.isRegularFile(Path.of(args[2])) ? ClassNames.read(Path.of(args[2])) : ClassNames.bundled(args[2]);
                    int m = args.length == 4 ? Integer.parseInt(args[3]) : 20;
                    DescriptionValidator.Report r = DescriptionValidator.validate(f, names, m, null);
                    System.out.print(r.format());
                    System.out.println("(token lengths not checked: use the CLIP tokenizer from the clip module for that)");
                    return r.isValid() ? 0 : 1;
                }
                default -> { return usage(); }
            }
        } catch (RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
    }

    private static int usage() {
        System.err.println("usage: DataTool extract ARCHIVE OUTDIR | info SPEC [SPLIT] | validate FILE NAMES [M]");
        return 2;
    }
}
