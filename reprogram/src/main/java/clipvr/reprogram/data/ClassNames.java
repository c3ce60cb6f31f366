package clipvr.reprogram.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Class-name lists, one name per line in label order. Bundled lists live in the resources
 * {@code /clipvr/classnames/<dataset>.txt} for {@code cifar10}, {@code gtsrb}, {@code mnist} and
 * {@code fashion_mnist} (CLIP's official names where OpenAI published them).
 */
public final class ClassNames {

    /** Names of the bundled lists. */
    public static final List<String> BUNDLED = List.of("cifar10", "gtsrb", "mnist", "fashion_mnist");

    private static final String RESOURCE_DIR = "/clipvr/classnames/";

    private ClassNames() {}

    /**
     * The bundled list for {@code dataset} ({@code cifar10}, {@code gtsrb}, {@code mnist},
     * {@code fashion_mnist}; {@code fashion-mnist} is accepted too).
     */
    public static List<String> bundled(String dataset) {
        String key = dataset.replace('-', '_');
        String res = RESOURCE_DIR + key + ".txt";
        try (InputStream in = ClassNames.class.getResourceAsStream(res)) {
            if (in == null) {
                throw new IllegalArgumentException("no bundled class names for '" + dataset + "' (resource " + res
                        + " missing); bundled: " + BUNDLED);
            }
            return parse(new InputStreamReader(in, StandardCharsets.UTF_8), res);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + res, e);
        }
    }

    /** Reads a names file: UTF-8, one name per line, trailing blank lines ignored, names trimmed of CR. */
    public static List<String> read(Path file) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(r, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read class names file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses names from text (same rules as {@link #read(Path)}). */
    public static List<String> parse(String text, String source) {
        try {
            return parse(new java.io.StringReader(text), source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> parse(Reader reader, String source) throws IOException {
        List<String> names = new ArrayList<>();
        try (BufferedReader br = new BufferedReader(reader)) {
            String line;
            while ((line = br.readLine()) != null) {
                if (names.isEmpty() && !line.isEmpty() && line.charAt(0) == '\uFEFF') line = line.substring(1);
                names.add(line.strip());
            }
        }
        while (!names.isEmpty() && names.getLast().isEmpty()) names.removeLast();
        if (names.isEmpty()) throw new IllegalArgumentException("class names file " + source + " is empty");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            if (n.isEmpty()) throw new IllegalArgumentException(source + ": blank class name on line " + (i + 1));
            if (!seen.add(n)) throw new IllegalArgumentException(source + ": duplicate class name '" + n + "' on line " + (i + 1));
        }
        return List.copyOf(names);
    }
}
