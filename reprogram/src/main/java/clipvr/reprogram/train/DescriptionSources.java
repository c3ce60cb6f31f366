package clipvr.reprogram.train;

import clipvr.reprogram.data.ClassNames;
import clipvr.reprogram.data.DescriptionFile;
import clipvr.reprogram.data.DescriptionValidator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;

/**
 * Finds a method's description files ({@code <ds>_des.json}, {@code <ds>_dist.json}, {@code <ds>_cse_<i>.json}) in a
 * {@code --descriptions DIR} (the directory itself, then its sub-directories up to three levels, so
 * {@code ../shared/descriptions} with its {@code attrvr/} and {@code dvp/} folders works), or among the files bundled
 * for cifar10, gtsrb, mnist and fashion_mnist.
 */
public final class DescriptionSources {
    private DescriptionSources() {}

    /** Marker for the bundled files in {@link TrainConfig#descriptions()}. */
    public static final String BUNDLED = "bundled";

    /** The dataset key of a {@code --data} spec: cifar10, gtsrb, mnist, fashion_mnist, or the directory/archive name. */
    public static String datasetKey(String dataSpec) {
        String s = dataSpec.strip();
        int colon = s.indexOf(':');
        String lower = s.toLowerCase(Locale.ROOT);
        if (colon > 1) return lower.substring(0, colon).replace('-', '_');
        String n = lower.replace('-', '_');
        if (n.equals("cifar_10")) return "cifar10";
        if (ClassNames.BUNDLED.contains(n)) return n;
        Path p = Path.of(s).getFileName();
        String name = p == null ? s : p.toString();
        name = name.replaceAll("(?i)(-jpg)?\\.(tar\\.gz|tgz|tar)$", "");
        return name.toLowerCase(Locale.ROOT).replace('-', '_');
    }

    /** Loads the files {@code <ds>_<kind>.json} for every kind, in order. Errors list what is needed and where it looked. */
    public static Map<String, DescriptionFile> load(String descriptions, String dataset, List<String> kinds) {
        Map<String, DescriptionFile> out = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String kind : kinds) {
            String file = dataset + "_" + kind + ".json";
            DescriptionFile f = loadOne(descriptions, file);
            if (f != null) out.put(kind, f);
            else missing.add(file);
        }
        if (!missing.isEmpty()) {
            String where = where(descriptions);
            throw new IllegalArgumentException("--descriptions: this method needs " + kinds.stream().map(k -> dataset + "_" + k + ".json").toList()
                    + "; missing " + missing + ": " + where + ". Pass --descriptions DIR holding them (e.g. ../shared/descriptions)"
                    + " or --dataset NAME if the dataset key '" + dataset + "' is wrong.");
        }
        return out;
    }

    /**
     * AttrVR with a label mapping: for every kind, the files {@code <key>_<kind>.json} of every dataset key in
     * {@code keys}, merged into one file over {@code classNames} (the source classes, in their order; each class from
     * the one file that has it). A class no file has is left out, so {@link #validate} reports it by name.
     */
    public static Map<String, DescriptionFile> loadMerged(String descriptions, List<String> keys, List<String> kinds, List<String> classNames) {
        Map<String, DescriptionFile> out = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String kind : kinds) {
            List<DescriptionFile> parts = new ArrayList<>();
            for (String key : keys) {
                String file = key + "_" + kind + ".json";
                DescriptionFile f = loadOne(descriptions, file);
                if (f != null) parts.add(f);
                else missing.add(file);
            }
            if (missing.isEmpty()) out.put(kind, DescriptionFile.merge(parts, classNames));
        }
        if (!missing.isEmpty())
            throw new IllegalArgumentException("--source-descriptions " + String.join(",", keys) + ": missing " + missing + ": "
                    + where(descriptions) + ". Pass --descriptions DIR holding them, or the dataset keys whose files describe the --source-classes.");
        return out;
    }

    /** {@code file} from the bundled resources (descriptions null or {@link #BUNDLED}) or found below the directory; null if absent. */
    private static DescriptionFile loadOne(String descriptions, String file) {
        if (descriptions == null || descriptions.equals(BUNDLED))
            return DescriptionFile.class.getResource(DescriptionFile.RESOURCE_DIR + file) != null ? DescriptionFile.resource(file) : null;
        Path found = find(Path.of(descriptions), file);
        return found != null ? DescriptionFile.load(found) : null;
    }

    private static String where(String descriptions) {
        return descriptions == null || descriptions.equals(BUNDLED)
                ? "no --descriptions DIR was given and the bundled files cover only " + ClassNames.BUNDLED
                : "not found in --descriptions " + descriptions + " (searched it and its sub-directories)";
    }

    /** {@code dir/name}, else the first {@code name} below dir (depth ≤ 3, sorted paths), else null. */
    static Path find(Path dir, String name) {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("--descriptions: not a directory: " + dir);
        Path direct = dir.resolve(name);
        if (Files.isRegularFile(direct)) return direct;
        try (Stream<Path> s = Files.walk(dir, 3)) {
            return s.filter(p -> p.getFileName().toString().equals(name) && Files.isRegularFile(p)).sorted().findFirst().orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot search " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Validates every file against the dataset's class names (token counts with the real tokenizer); throws with the
     * formatted reports when a file has errors, returns the reports (warnings and infos) otherwise.
     */
    public static List<DescriptionValidator.Report> validate(Map<String, DescriptionFile> files, List<String> classNames, int m,
                                                            ToIntFunction<String> tokenCount) {
        List<DescriptionValidator.Report> reports = new ArrayList<>();
        StringBuilder errors = new StringBuilder();
        for (DescriptionFile f : files.values()) {
            DescriptionValidator.Report r = DescriptionValidator.validate(f, classNames, m, tokenCount);
            reports.add(r);
            if (!r.isValid()) {
                errors.append(r.source()).append(": ").append(r.errors().size()).append(" errors\n");
                r.errors().stream().limit(20).forEach(pr -> errors.append("  ").append(pr).append('\n'));
                if (r.errors().size() > 20) errors.append("  ... (").append(r.errors().size() - 20).append(" more; run clipvr validate-descriptions)\n");
            }
        }
        if (!errors.isEmpty())
            throw new IllegalArgumentException("--descriptions: description files do not fit the dataset's classes:\n" + errors.toString().strip());
        return reports;
    }
}
