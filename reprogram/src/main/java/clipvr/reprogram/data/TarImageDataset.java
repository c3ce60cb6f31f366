package clipvr.reprogram.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * An image-classification archive ({@code .tar}, {@code .tar.gz}/{@code .tgz}) read straight from the archive,
 * without extracting it: members {@code [<root>/]<split>/<class>/<image file>} are indexed and the encoded bytes
 * of the requested split are kept in memory (CIFAR-10 train is about 50 MB of JPEG), decoded on demand.
 *
 * <p>Layouts this was written for: {@code cifar10-jpg.tar.gz} ({@code cifar10/{train,test}/<class>/NNNN.jpg})
 * and {@code gtsrb-jpg.tar.gz} ({@code gtsrb/{train,test}/<NN>/<file>.jpg}, NN = class id 00–42).
 *
 * <p>Label order and class names follow {@link ImageFolderDataset}: class folders are the union over all splits in
 * the archive, sorted by name (numerically when all are integers); names come from an explicit list, else a
 * {@code classnames.txt} member next to the split folders, else the bundled list when the root folder is
 * {@code gtsrb} (or {@code cifar10}, {@code mnist}, {@code fashion_mnist}) and the counts match, else the folder
 * names. Items are sorted by (label, file name).
 */
public final class TarImageDataset implements Dataset {

    private final Path archive;
    private final String split;
    private final List<String> classNames;
    private final List<String> classFolders;
    private final byte[][] data;
    private final int[] labels;
    private final String[] names;   // file names

    private TarImageDataset(Path archive, String split, List<String> classNames, List<String> classFolders,
                            byte[][] data, int[] labels, String[] names) {
        this.archive = archive;
        this.split = split;
        this.classNames = classNames;
        this.classFolders = classFolders;
        this.data = data;
        this.labels = labels;
        this.names = names;
    }

    /** Opens one split of {@code archive} (one pass over the archive). */
    public static TarImageDataset open(Path archive, String split) {
        return open(archive, split, null);
    }

    /** Opens one split with explicit class names (label order; one per class folder), or {@code null} for the default rules. */
    public static TarImageDataset open(Path archive, String split, List<String> classNames) {
        Map<String, TarImageDataset> m = scan(archive, Set.of(split), classNames);
        TarImageDataset d = m.get(split);
        if (d == null) throw new BadInputException("archive " + archive + " has no '" + split + "' split; found " + m.keySet());
        return d;
    }

    /** Opens every split in {@code archive} (e.g. {@code train} and {@code test}) in a single pass. */
    public static Map<String, TarImageDataset> openSplits(Path archive) {
        return scan(archive, null, null);
    }

    private record Item(String folder, String file, byte[] bytes) {}

    /** An image member {@code [<prefix>/]<split>/<folder>/<file>} of an archive. */
    private record Member(String prefix, String split, String folder, String file) {
        /** {@code path} within the extracted ImageFolder layout (prefix dropped). */
        String relative() { return split + "/" + folder + "/" + file; }
    }

    /**
     * Classifies the current entry: returns it as an image {@link Member}, or {@code null} after recording a
     * {@code [<root>/]classnames.txt} member in {@code namesFiles} (key = root) or for anything else.
     */
    private static Member member(TarReader.Entry e, TarReader tar, Map<String, String> namesFiles) throws IOException {
        if (!e.isFile()) return null;
        String[] parts = e.name().split("/");
        String file = parts[parts.length - 1];
        if (file.equals(ImageFolderDataset.NAMES_FILE) && parts.length <= 2) {
            namesFiles.put(parts.length == 2 ? parts[0] : "", new String(tar.readContent(), StandardCharsets.UTF_8));
            return null;
        }
        if (parts.length < 3 || !Images.isImageFileName(file)) return null;
        String prefix = String.join("/", java.util.Arrays.copyOfRange(parts, 0, parts.length - 3));
        return new Member(prefix, parts[parts.length - 3], parts[parts.length - 2], file);
    }

    /** @param wanted splits whose bytes are kept; {@code null} = all. Map keys are all splits found. */
    private static Map<String, TarImageDataset> scan(Path archive, Set<String> wanted, List<String> explicitNames) {
        if (!Files.isRegularFile(archive)) throw new BadInputException("archive " + archive + " does not exist");
        Map<String, List<Item>> bySplit = new LinkedHashMap<>();
        TreeSet<String> folders = new TreeSet<>();
        Map<String, String> namesFiles = new HashMap<>();   // prefix -> content
        String root = null;
        boolean rootSet = false;
        try (TarReader tar = TarReader.open(archive)) {
            for (TarReader.Entry e; (e = tar.next()) != null; ) {
                Member m = member(e, tar, namesFiles);
                if (m == null) continue;
                if (!rootSet) { root = m.prefix(); rootSet = true; }
                else if (!m.prefix().equals(root)) {
                    throw new BadInputException("archive " + archive + " mixes image trees '" + root + "' and '" + m.prefix()
                            + "' (expected [<root>/]<split>/<class>/<image>)");
                }
                folders.add(m.folder());
                List<Item> items = bySplit.computeIfAbsent(m.split(), k -> new ArrayList<>());
                if (wanted == null || wanted.contains(m.split())) items.add(new Item(m.folder(), m.file(), tar.readContent()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read archive " + archive + ": " + e.getMessage(), e);
        }
        if (bySplit.isEmpty()) {
            throw new BadInputException("archive " + archive + " contains no images in the layout [<root>/]<split>/<class>/<image>");
        }
        List<String> classFolders = ImageFolderDataset.sortClassFolders(folders);
        List<String> names = resolveNames(archive, root == null ? "" : root, classFolders, explicitNames, namesFiles);
        Map<String, Integer> labelOf = new HashMap<>();
        for (int c = 0; c < classFolders.size(); c++) labelOf.put(classFolders.get(c), c);

        Map<String, TarImageDataset> out = new LinkedHashMap<>();
        for (var en : bySplit.entrySet()) {
            List<Item> items = en.getValue();
            items.sort(Comparator.<Item>comparingInt(it -> labelOf.get(it.folder())).thenComparing(Item::file));
            int n = items.size();
            byte[][] data = new byte[n][];
            int[] labels = new int[n];
            String[] files = new String[n];
            for (int i = 0; i < n; i++) {
                Item it = items.get(i);
                data[i] = it.bytes();
                labels[i] = labelOf.get(it.folder());
                files[i] = it.file();
            }
            out.put(en.getKey(), new TarImageDataset(archive, en.getKey(), names, classFolders, data, labels, files));
        }
        return out;
    }

    private static List<String> resolveNames(Path archive, String root, List<String> folders, List<String> explicit,
                                             Map<String, String> namesFiles) {
        List<String> names;
        String from;
        if (explicit != null) {
            names = List.copyOf(explicit);
            from = "the given class-name list";
        } else if (namesFiles.containsKey(root)) {
            names = ClassNames.parse(namesFiles.get(root), archive + "!" + (root.isEmpty() ? "" : root + "/") + ImageFolderDataset.NAMES_FILE);
            from = archive + "!" + ImageFolderDataset.NAMES_FILE;
        } else {
            String base = root.contains("/") ? root.substring(root.lastIndexOf('/') + 1) : root;
            String key = base.toLowerCase(java.util.Locale.ROOT).replace('-', '_');
            if (ClassNames.BUNDLED.contains(key) && ClassNames.bundled(key).size() == folders.size()) {
                List<String> bundled = ClassNames.bundled(key);
                boolean numeric = folders.stream().allMatch(f -> f.matches("\\d+"));
                // Numeric folders (GTSRB) take the bundled readable names; named folders (CIFAR-10) must agree with them.
                names = numeric || bundled.equals(folders) ? bundled : folders;
            } else {
                names = folders;
            }
            from = "bundled names";
        }
        if (names.size() != folders.size()) {
            throw new BadInputException(from + " has " + names.size() + " classes but archive " + archive + " has "
                    + folders.size() + " class folders");
        }
        return names;
    }

    /**
     * Extracts the images of {@code archive} to an ImageFolder layout: {@code outDir/<split>/<class>/<file>} (the
     * archive's root folder is dropped) and writes {@code outDir/classnames.txt} with the resolved class names, so
     * {@link ImageFolderDataset#open(Path, String)} on {@code outDir} gives the same names and label order.
     * Existing files are overwritten. Returns the number of images written.
     */
    public static int extract(Path archive, Path outDir) {
        Path out = outDir.toAbsolutePath().normalize();
        int count = 0;
        TreeSet<String> folders = new TreeSet<>();
        String root = null;
        Map<String, String> namesFiles = new HashMap<>();
        try {
            Files.createDirectories(out);
            try (TarReader tar = TarReader.open(archive)) {
                for (TarReader.Entry e; (e = tar.next()) != null; ) {
                    Member m = member(e, tar, namesFiles);
                    if (m == null) continue;
                    if (root == null) root = m.prefix();
                    Path target = out.resolve(m.relative()).normalize();
                    if (!target.startsWith(out) || m.relative().contains("..")) {
                        throw new IOException("refusing to extract member '" + e.name() + "' outside " + out);
                    }
                    Files.createDirectories(target.getParent());
                    Files.copy(tar.contentStream(), target, StandardCopyOption.REPLACE_EXISTING);
                    folders.add(m.folder());
                    count++;
                }
            }
            if (count == 0) throw new BadInputException("archive " + archive + " contains no images to extract");
            List<String> names = resolveNames(archive, root, ImageFolderDataset.sortClassFolders(folders), null, namesFiles);
            try (OutputStream os = Files.newOutputStream(out.resolve(ImageFolderDataset.NAMES_FILE))) {
                os.write((String.join("\n", names) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + archive + " to " + out + ": " + e.getMessage(), e);
        }
        return count;
    }

    /** The archive this split was read from. */
    public Path archive() { return archive; }

    /** Class folder names in label order. */
    public List<String> classFolders() { return classFolders; }

    @Override public int size() { return data.length; }
    @Override public int label(int i) { return labels[i]; }
    @Override public List<String> classNames() { return classNames; }
    @Override public String split() { return split; }

    @Override
    public String id(int i) {
        return split + "/" + classFolders.get(labels[i]) + "/" + names[i];
    }

    /** The stored bytes (not copied; do not modify). */
    @Override
    public Optional<byte[]> encoded(int i) {
        return Optional.of(data[i]);
    }

    @Override
    public BufferedImage image(int i) {
        return Images.decode(data[i], archive.getFileName() + "!" + id(i));
    }
}
