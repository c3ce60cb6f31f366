package clipvr.reprogram.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Opens a dataset from a command-line style spec.
 *
 * <table>
 *   <caption>Accepted specs</caption>
 *   <tr><td>{@code DIR}</td><td>an ImageFolder directory {@code DIR/<split>/<class>/<image>} ({@link ImageFolderDataset})</td></tr>
 *   <tr><td>{@code FILE.tar.gz}, {@code .tgz}, {@code .tar}</td><td>an archive of that layout, read in place ({@link TarImageDataset})</td></tr>
 *   <tr><td>{@code cifar10}, {@code gtsrb}</td><td>looked up, in order, as {@code <data>/<name>/} (extracted), {@code <data>/<name>-jpg.tar.gz},
 *       {@code <shared>/datasets/<name>-jpg.tar.gz}</td></tr>
 *   <tr><td>{@code mnist:DIR}, {@code fashion-mnist:DIR}</td><td>IDX files in DIR ({@link IdxDataset}), CLIP / standard class names</td></tr>
 *   <tr><td>{@code mnist}, {@code fashion-mnist}</td><td>IDX files in {@code <data>/mnist} or {@code <data>/fashion-mnist}; Fashion-MNIST also in
 *       {@code /usr/share/datasets/fashion-mnist} (Debian package {@code dataset-fashion-mnist})</td></tr>
 * </table>
 * {@code <data>} is the system property {@code clipvr.data} or the environment variable {@code CLIPVR_DATA};
 * {@code <shared>} is the system property {@code clipvr.shared}, else {@code CLIPVR_SHARED}, else {@code ../shared}.
 */
public final class Datasets {

    /** Where the Debian package {@code dataset-fashion-mnist} installs its files. */
    public static final Path DEBIAN_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    private Datasets() {}

    /** Opens {@code split} ({@code train} / {@code test}) of the dataset named by {@code spec}. */
    public static Dataset open(String spec, String split) {
        String s = Split.normalize(split);
        String lower = spec.toLowerCase(Locale.ROOT);
        int colon = spec.indexOf(':');
        if (colon > 1) {   // "mnist:DIR" (colon > 1 keeps Windows drive letters "C:\..." as paths)
            String kind = lower.substring(0, colon).replace('_', '-');
            Path dir = Path.of(spec.substring(colon + 1));
            return switch (kind) {
                case "mnist" -> IdxDataset.openDir(dir, s, ClassNames.bundled("mnist"));
                case "fashion-mnist" -> IdxDataset.openDir(dir, s, ClassNames.bundled("fashion_mnist"));
                case "cifar10-bin" -> Cifar10Binary.open(dir, s);
                default -> throw new IllegalArgumentException("unknown dataset kind '" + spec.substring(0, colon) + "' in '" + spec
                        + "'; expected mnist:DIR, fashion-mnist:DIR or cifar10-bin:DIR. " + FORMS);
            };
        }
        switch (lower.replace('_', '-')) {
            case "cifar10", "cifar-10" -> { return openNamedArchive("cifar10", s); }
            case "gtsrb" -> { return openNamedArchive("gtsrb", s); }
            case "mnist" -> { return openNamedIdx("mnist", "mnist", s); }
            case "fashion-mnist" -> { return openNamedIdx("fashion-mnist", "fashion_mnist", s); }
            default -> { }
        }
        Path p = Path.of(spec);
        if (Files.isRegularFile(p.resolve("test_batch.bin"))) return Cifar10Binary.open(p, s);   // official binary CIFAR-10
        if (lower.endsWith(".tar.gz") || lower.endsWith(".tgz") || lower.endsWith(".tar")) {
            if (!Files.isRegularFile(p)) throw new IllegalArgumentException("dataset archive " + p + " does not exist");
            return TarImageDataset.open(p, s);
        }
        if (Files.isDirectory(p)) return ImageFolderDataset.open(p, s);
        throw new IllegalArgumentException("cannot open dataset '" + spec + "': not a directory, archive or known name. " + FORMS);
    }

    private static final String FORMS = "Accepted: DIR (DIR/<split>/<class>/<image>), FILE.tar.gz, cifar10, gtsrb, mnist[:DIR], fashion-mnist[:DIR].";

    /** The data directory ({@code clipvr.data} / {@code CLIPVR_DATA}), or {@code null}. */
    public static Path dataDir() {
        String v = System.getProperty("clipvr.data");
        if (v == null || v.isBlank()) v = System.getenv("CLIPVR_DATA");
        return v == null || v.isBlank() ? null : Path.of(v);
    }

    /** The shared directory ({@code clipvr.shared} / {@code CLIPVR_SHARED} / {@code ../shared}). */
    public static Path sharedDir() {
        String v = System.getProperty("clipvr.shared");
        if (v == null || v.isBlank()) v = System.getenv("CLIPVR_SHARED");
        return Path.of(v == null || v.isBlank() ? "../shared" : v);
    }

    /**
     * The first existing location of {@code cifar10} / {@code gtsrb}: {@code <data>/<name>} (directory),
     * {@code <data>/<name>-jpg.tar.gz}, {@code <shared>/datasets/<name>-jpg.tar.gz}; {@code null} if none.
     */
    public static Path locate(String name) {
        for (Path c : candidates(name)) if (Files.exists(c)) return c;
        return null;
    }

    private static List<Path> candidates(String name) {
        List<Path> c = new ArrayList<>();
        Path data = dataDir();
        if (data != null) {
            c.add(data.resolve(name));
            c.add(data.resolve(name + "-jpg.tar.gz"));
            if (name.equals("cifar10")) c.add(data.resolve(Cifar10Binary.DIR_NAME));   // the official binary release
        }
        c.add(sharedDir().resolve("datasets").resolve(name + "-jpg.tar.gz"));
        return c;
    }

    private static Dataset openNamedArchive(String name, String split) {
        Path p = locate(name);
        if (p == null) {
            throw new IllegalArgumentException("dataset '" + name + "' not found; looked for " + candidates(name)
                    + " (set -Dclipvr.data=DIR / CLIPVR_DATA or -Dclipvr.shared=DIR, or pass a directory or archive path)");
        }
        List<String> names = ClassNames.bundled(name);
        if (Files.isRegularFile(p.resolve("test_batch.bin"))) return Cifar10Binary.open(p, split);
        if (Files.isDirectory(p)) {
            // An extracted copy: its classnames.txt (written by TarImageDataset.extract) wins; without one, numeric
            // class folders (GTSRB 00..42) get the bundled readable names.
            if (Files.isRegularFile(p.resolve(ImageFolderDataset.NAMES_FILE))) return ImageFolderDataset.open(p, split);
            ImageFolderDataset d = ImageFolderDataset.open(p, split);
            boolean numeric = d.classFolders().stream().allMatch(f -> f.matches("\\d+"));
            return numeric && d.numClasses() == names.size() ? ImageFolderDataset.open(p, split, names) : d;
        }
        return TarImageDataset.open(p, split, null);
    }

    private static Dataset openNamedIdx(String dirName, String namesKey, String split) {
        List<Path> tried = new ArrayList<>();
        Path data = dataDir();
        if (data != null) tried.add(data.resolve(dirName));
        if (namesKey.equals("fashion_mnist")) tried.add(DEBIAN_FASHION_MNIST);
        for (Path d : tried) {
            if (IdxDataset.exists(d, split)) return IdxDataset.openDir(d, split, ClassNames.bundled(namesKey));
        }
        throw new IllegalArgumentException("dataset '" + dirName + "' not found in " + tried + "; pass " + dirName
                + ":DIR with the directory holding the IDX files (see docs/data.md for how to install them)");
    }
}
