package clipvr.reprogram.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * A class-description file as released by AttrVR ({@code <ds>_des.json}, {@code <ds>_dist.json}) and DVP
 * ({@code <ds>_cse_{1,2,3}.json}): UTF-8 JSON {@code {"<class name>": ["sentence", ...], ...}}, keys in label
 * order (spec §6). Key order is preserved. Duplicate keys and non-string sentences are rejected.
 *
 * <p>Bundled files ({@code /clipvr/descriptions/<ds>_{des,dist,cse_1,cse_2,cse_3}.json} for {@code cifar10},
 * {@code gtsrb}, {@code mnist}, {@code fashion_mnist}) are loaded with {@link #resource(String)}.
 */
public final class DescriptionFile {

    /** Minimum sentence length kept by the reference code ({@code len(s) >= 20}, counted in code points). */
    public static final int MIN_CHARS = 20;

    /** Resource folder of the bundled description files. */
    public static final String RESOURCE_DIR = "/clipvr/descriptions/";

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Map<String, List<String>> classes;
    private final String source;

    private DescriptionFile(Map<String, List<String>> classes, String source) {
        this.classes = classes;
        this.source = source;
    }

    /** Reads a description file from disk. */
    public static DescriptionFile load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read description file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads {@code nameOrPath}: an existing file path, else a bundled resource name (see {@link #resource}).
     */
    public static DescriptionFile load(String nameOrPath) {
        Path p = Path.of(nameOrPath);
        if (Files.isRegularFile(p)) return load(p);
        if (DescriptionFile.class.getResource(resourcePath(nameOrPath)) != null) return resource(nameOrPath);
        throw new BadInputException("description file '" + nameOrPath + "' is neither a file nor a bundled resource ("
                + resourcePath(nameOrPath) + ")");
    }

    /**
     * Reads a bundled file by name, e.g. {@code "cifar10_des"} or {@code "gtsrb_cse_2.json"}, or any absolute
     * class-path resource starting with {@code /}.
     */
    public static DescriptionFile resource(String name) {
        String res = resourcePath(name);
        try (InputStream in = DescriptionFile.class.getResourceAsStream(res)) {
            if (in == null) throw new BadInputException("no bundled description file " + res);
            return parse(in, "resource " + res);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + res + ": " + e.getMessage(), e);
        }
    }

    private static String resourcePath(String name) {
        if (name.startsWith("/")) return name;
        return RESOURCE_DIR + (name.endsWith(".json") ? name : name + ".json");
    }

    /** Parses JSON text (for tests and in-memory files). */
    public static DescriptionFile parse(String json, String source) {
        try {
            return parse(new java.io.ByteArrayInputStream(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)), source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DescriptionFile parse(InputStream in, String source) throws IOException {
        Map<String, List<String>> map = new LinkedHashMap<>();
        try (JsonParser p = JSON.getFactory().createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new BadInputException(source + ": expected a JSON object {class: [sentences]}");
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String cls = p.currentName();
                if (p.nextToken() != JsonToken.START_ARRAY) {
                    throw new BadInputException(source + ": value of class '" + cls + "' is not an array of sentences");
                }
                List<String> sentences = new ArrayList<>();
                for (JsonToken s = p.nextToken(); s != JsonToken.END_ARRAY; s = p.nextToken()) {
                    if (s != JsonToken.VALUE_STRING) {
                        throw new BadInputException(source + ": class '" + cls + "' has a non-string entry (" + s + ") at position " + sentences.size());
                    }
                    sentences.add(p.getText());
                }
                map.put(cls, List.copyOf(sentences));
            }
            if (p.nextToken() != null) throw new BadInputException(source + ": trailing content after the JSON object");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadInputException(source + ": invalid JSON: " + e.getOriginalMessage(), e);
        } catch (java.io.CharConversionException e) { // Jackson's encoding detection saw UTF-32 (found by fuzzing)
            throw new BadInputException(source + ": not valid UTF-8/16/32 text: " + e.getMessage(), e);
        }
        return new DescriptionFile(Collections.unmodifiableMap(map), source);
    }

    /**
     * One file over {@code classNames} (in that order) made of several: each class's sentences come from the one file
     * that has the class; a class in none of them is left out (a validator then reports it missing). Source: the
     * parts' sources joined with " + ".
     *
     * @throws BadInputException if two files describe the same class of {@code classNames}
     */
    public static DescriptionFile merge(List<DescriptionFile> parts, List<String> classNames) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        Map<String, String> from = new LinkedHashMap<>();
        for (String cls : classNames) {
            for (DescriptionFile f : parts) {
                List<String> s = f.classes.get(cls);
                if (s == null) continue;
                if (from.containsKey(cls))
                    throw new BadInputException("class '" + cls + "' is described in both " + from.get(cls) + " and " + f.source
                            + "; merge needs each class in one file");
                map.put(cls, s);
                from.put(cls, f.source);
            }
        }
        String source = String.join(" + ", parts.stream().map(DescriptionFile::source).toList());
        return new DescriptionFile(Collections.unmodifiableMap(map), source);
    }

    /** Where this file was read from (for messages). */
    public String source() { return source; }

    /** The classes in file order with their sentences (unmodifiable). */
    public Map<String, List<String>> asMap() { return classes; }

    /** Class names in file (label) order. */
    public List<String> classNames() { return List.copyOf(classes.keySet()); }

    /** Sentences of {@code className}, all of them (unfiltered). */
    public List<String> sentences(String className) {
        List<String> s = classes.get(className);
        if (s == null) throw new BadInputException(source + " has no class '" + className + "'");
        return s;
    }

    /** Python {@code len(s)}: the number of Unicode code points. */
    public static int pythonLength(String s) {
        return s.codePointCount(0, s.length());
    }

    /** The sentences the reference code keeps: {@code len(s) >= 20} (code points), order preserved. */
    public static List<String> usable(List<String> sentences) {
        return sentences.stream().filter(s -> pythonLength(s) >= MIN_CHARS).toList();
    }

    /** {@link #usable(List)} of {@code className}. */
    public List<String> usable(String className) {
        return usable(sentences(className));
    }

    /**
     * Samples {@code m} sentences per class as the reference {@code clip_txt} / {@code clip_attr_classifier} do
     * (spec §1.5): keep {@code len >= 20}; if {@code m < len(filtered)} draw {@code m} without replacement (a
     * uniformly random ordered subset, as {@code random.sample}), otherwise draw {@code m} with replacement
     * ({@code random.choices}). Classes are processed in the order of {@code classNames} with the one shared
     * {@code rng}; the output is class-major: entries {@code c*m .. c*m+m-1} belong to {@code classNames.get(c)}.
     * The random stream differs from CPython's, so the chosen sentences differ from the reference's (spec §9.4).
     *
     * @throws IllegalArgumentException if a class is missing from the file or has no usable sentence
     */
    public List<String> sample(List<String> classNames, int m, RandomGenerator rng) {
        if (m <= 0) throw new BadInputException("m must be positive, got " + m);
        List<String> out = new ArrayList<>(classNames.size() * m);
        for (String cls : classNames) {
            if (!classes.containsKey(cls)) {
                throw new BadInputException(source + " has no descriptions for class '" + cls + "'");
            }
            List<String> filtered = usable(cls);
            int n = filtered.size();
            if (n == 0) throw new BadInputException(source + ": class '" + cls + "' has no sentence of at least " + MIN_CHARS + " characters");
            if (m < n) {
                String[] pool = filtered.toArray(String[]::new);
                for (int i = 0; i < m; i++) {          // partial Fisher-Yates: m distinct, random order
                    int j = i + rng.nextInt(n - i);
                    String t = pool[i]; pool[i] = pool[j]; pool[j] = t;
                    out.add(pool[i]);
                }
            } else {
                for (int i = 0; i < m; i++) out.add(filtered.get(rng.nextInt(n)));
            }
        }
        return out;
    }

    /** {@link #sample(List, int, RandomGenerator)} over this file's own classes in file order. */
    public List<String> sample(int m, RandomGenerator rng) {
        return sample(classNames(), m, rng);
    }
}
