package clipvr.reprogram.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Images on disk in the layout {@code DIR/<split>/<class>/<image file>}.
 *
 * <ul>
 *   <li>Class folders: the union of the sub-folders of {@code DIR/train}, {@code DIR/test} and {@code DIR/val}
 *       (those that exist), so both splits get the same label order even when a split lacks a class. Sorted by
 *       name, or numerically when every folder name is a non-negative integer (e.g. GTSRB's {@code 00..42}).
 *       Label = position in that order.</li>
 *   <li>Files: the regular files directly inside each class folder whose extension is an image type
 *       ({@link Images#IMAGE_EXTENSIONS}); other files and hidden files are skipped. Sorted by file name.</li>
 *   <li>Class names: from an explicit names file if given, else {@code DIR/classnames.txt} if present, else the
 *       folder names. A names file has one name per line in label order and must have one line per class
 *       folder.</li>
 * </ul>
 * Images are read and decoded on demand.
 */
public final class ImageFolderDataset implements Dataset {

    /** Name of the optional class-name file in the dataset root. */
    public static final String NAMES_FILE = "classnames.txt";

    private final Path root;
    private final String split;
    private final List<String> classNames;
    private final List<String> classFolders;
    private final Path[] files;
    private final int[] labels;

    private ImageFolderDataset(Path root, String split, List<String> classNames, List<String> classFolders, Path[] files, int[] labels) {
        this.root = root;
        this.split = split;
        this.classNames = classNames;
        this.classFolders = classFolders;
        this.files = files;
        this.labels = labels;
    }

    /** Opens {@code root/<split>}; class names from {@code root/classnames.txt} or the folder names. */
    public static ImageFolderDataset open(Path root, String split) {
        return open(root, split, (Path) null);
    }

    /**
     * Opens {@code root/<split>}.
     *
     * @param namesFile one class name per line in label order, or {@code null} for {@code root/classnames.txt} /
     *                  folder names
     * @throws IllegalArgumentException if the split folder is missing, has no class folders or no images, or the
     *                                  names file does not match the class folders
     */
    public static ImageFolderDataset open(Path root, String split, Path namesFile) {
        return open(root, split, namesFile == null ? null : ClassNames.read(namesFile), namesFile == null ? null : namesFile.toString());
    }

    /**
     * Opens {@code root/<split>} with explicit class names (label order, one per class folder), or {@code null}
     * for {@code root/classnames.txt} / folder names.
     */
    public static ImageFolderDataset open(Path root, String split, List<String> classNames) {
        return open(root, split, classNames, "the given class-name list");
    }

    private static ImageFolderDataset open(Path root, String split, List<String> explicitNames, String namesSource) {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("ImageFolder dataset directory " + root + " does not exist or is not a directory");
        }
        Path splitDir = root.resolve(split);
        if (!Files.isDirectory(splitDir)) {
            throw new IllegalArgumentException("ImageFolder split folder " + splitDir + " does not exist"
                    + " (expected layout " + root + "/<split>/<class>/<image>)");
        }
        TreeSet<String> folderSet = new TreeSet<>(subfolders(splitDir));
        for (String s : List.of(Split.TRAIN, Split.TEST, "val")) {
            Path d = root.resolve(s);
            if (!s.equals(split) && Files.isDirectory(d)) folderSet.addAll(subfolders(d));
        }
        if (subfolders(splitDir).isEmpty()) {
            throw new IllegalArgumentException("ImageFolder split folder " + splitDir + " contains no class folders"
                    + " (expected layout " + root + "/<split>/<class>/<image>)");
        }
        List<String> folders = sortClassFolders(folderSet);

        List<String> names;
        if (explicitNames != null) names = explicitNames;
        else if (Files.isRegularFile(root.resolve(NAMES_FILE))) {
            names = ClassNames.read(root.resolve(NAMES_FILE));
            namesSource = root.resolve(NAMES_FILE).toString();
        } else names = folders;
        if (names.size() != folders.size()) {
            throw new IllegalArgumentException("class names from " + namesSource
                    + " list " + names.size() + " classes but " + root + " has " + folders.size() + " class folders " + abbreviate(folders));
        }

        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int c = 0; c < folders.size(); c++) {
            Path dir = splitDir.resolve(folders.get(c));
            if (!Files.isDirectory(dir)) continue;
            try (Stream<Path> s = Files.list(dir)) {
                List<Path> imgs = s.filter(p -> Images.isImageFileName(p.getFileName().toString()) && Files.isRegularFile(p))
                        .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                        .toList();
                for (Path p : imgs) {
                    files.add(p);
                    labels.add(c);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
            }
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("ImageFolder split folder " + splitDir + " contains no image files ("
                    + String.join(", ", Images.IMAGE_EXTENSIONS.stream().sorted().toList()) + ") in its class folders");
        }
        return new ImageFolderDataset(root, split, List.copyOf(names), List.copyOf(folders), files.toArray(Path[]::new),
                labels.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * Label order of class folders: numeric when every name is a non-negative integer, otherwise by
     * {@link String#compareTo} (code-unit order, as Python's {@code sorted} for BMP names).
     */
    public static List<String> sortClassFolders(Collection<String> folders) {
        boolean numeric = !folders.isEmpty() && folders.stream().allMatch(f -> f.matches("\\d{1,9}"));
        Comparator<String> cmp = numeric
                ? Comparator.<String>comparingInt(Integer::parseInt).thenComparing(Comparator.naturalOrder())
                : Comparator.naturalOrder();
        return folders.stream().distinct().sorted(cmp).toList();
    }

    private static List<String> subfolders(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String abbreviate(List<String> l) {
        return l.size() <= 12 ? l.toString() : l.subList(0, 12) + "...";
    }

    /** The dataset root {@code DIR}. */
    public Path root() { return root; }

    /** Class folder names in label order. */
    public List<String> classFolders() { return classFolders; }

    /** Path of item {@code i}. */
    public Path path(int i) { return files[i]; }

    @Override public int size() { return files.length; }
    @Override public int label(int i) { return labels[i]; }
    @Override public List<String> classNames() { return classNames; }
    @Override public String split() { return split; }

    @Override
    public String id(int i) {
        return split + "/" + classFolders.get(labels[i]) + "/" + files[i].getFileName();
    }

    @Override
    public Optional<byte[]> encoded(int i) {
        try {
            return Optional.of(Files.readAllBytes(files[i]));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + files[i] + ": " + e.getMessage(), e);
        }
    }

    @Override
    public BufferedImage image(int i) {
        return Images.decode(encoded(i).orElseThrow(), files[i].toString());
    }
}
