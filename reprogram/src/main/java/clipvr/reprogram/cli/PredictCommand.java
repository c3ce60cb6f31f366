package clipvr.reprogram.cli;

import clipvr.clip.api.Prediction;
import clipvr.reprogram.api.ReprogrammedClassifier;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code clipvr predict --run RUNDIR (--images FILE... | --data DIR) [--format jsonl|csv] [--out FILE]}: labels, top-k
 * and probabilities of a trained run for new, unlabelled images (via {@link ReprogrammedClassifier}).
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Predicts labels, top-k and class probabilities of a trained run for new images (JSON lines or CSV).")
public final class PredictCommand implements Callable<Integer> {
    /** File name endings read by {@code --data}. */
    static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "gif");

    @Option(names = "--run", required = true, description = "run directory written by clipvr train") Path run;

    static final class Input {
        @Option(names = "--images", arity = "1..*", description = "image files") List<Path> images;
        @Option(names = "--data", description = "a directory: every .jpg/.jpeg/.png/.bmp/.gif under it (recursively, sorted by path)") Path data;
    }

    @ArgGroup(exclusive = true, multiplicity = "1") Input input;
    @Option(names = "--format", defaultValue = "jsonl", description = "jsonl (one JSON object per image) or csv (default ${DEFAULT-VALUE})") String format;
    @Option(names = "--top", defaultValue = "5", description = "classes listed per image, most probable first (default ${DEFAULT-VALUE})") int top;
    @Option(names = "--checkpoint", defaultValue = "last", description = "last or best (default ${DEFAULT-VALUE})") String checkpoint;
    @Option(names = "--weights", description = "CLIP weights if they moved (SHA-256 must match the run's)") Path weights;
    @Option(names = "--batch", defaultValue = "32", description = "images per forward pass (default ${DEFAULT-VALUE})") int batch;
    @Option(names = "--out", description = "output file (default: standard output)") Path out;

    @Override public Integer call() throws IOException {
        if (!format.equals("jsonl") && !format.equals("csv")) throw new IllegalArgumentException("--format must be jsonl or csv, got " + format);
        if (top < 1) throw new IllegalArgumentException("--top must be positive, got " + top);
        if (batch < 1) throw new IllegalArgumentException("--batch must be positive, got " + batch);
        var which = switch (checkpoint) {
            case "last" -> ReprogrammedClassifier.Checkpoint.LAST;
            case "best" -> ReprogrammedClassifier.Checkpoint.BEST;
            default -> throw new IllegalArgumentException("--checkpoint must be last or best, got " + checkpoint);
        };
        List<Path> files = input.images != null ? input.images : listImages(input.data);
        for (Path f : files) if (!Files.isRegularFile(f)) throw new IllegalArgumentException("--images: file not found: " + f);
        System.err.println(clipvr.tensor.Backends.describe());
        ReprogrammedClassifier vr = ReprogrammedClassifier.load(run, which, weights).withBatchSize(batch);
        List<String> classes = vr.classNames();
        try (PrintWriter w = out == null ? new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), false)
                : new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8))) {
            if (format.equals("csv")) w.println(csvHeader(classes));
            for (int from = 0; from < files.size(); from += batch) {
                List<Path> chunk = files.subList(from, Math.min(files.size(), from + batch));
                List<Prediction> ps = vr.predictFiles(chunk, top);
                for (int i = 0; i < chunk.size(); i++) {
                    Prediction p = ps.get(i);
                    w.println(format.equals("csv") ? csvRow(chunk.get(i), p, classes) : json(chunk.get(i), p, classes));
                }
                w.flush();
            }
        }
        if (out != null) System.err.println("wrote " + files.size() + " predictions to " + out);
        return 0;
    }

    /** Every image file under {@code dir}, sorted by path. */
    static List<Path> listImages(Path dir) {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("--data: not a directory: " + dir);
        try (Stream<Path> s = Files.walk(dir)) {
            List<Path> files = s.filter(Files::isRegularFile).filter(p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                int dot = n.lastIndexOf('.');
                return dot > 0 && IMAGE_EXTENSIONS.contains(n.substring(dot + 1));
            }).sorted().toList();
            if (files.isEmpty()) throw new IllegalArgumentException("--data " + dir + ": no images (" + IMAGE_EXTENSIONS + ") under it");
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    static String json(Path image, Prediction p, List<String> classes) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("image", image.toString());
        m.put("label", p.label());
        m.put("index", p.index());
        m.put("probability", p.probability());
        List<Map<String, Object>> top = new ArrayList<>();
        for (Prediction.ClassScore s : p.top()) top.add(Map.of("label", s.label(), "probability", s.probability()));
        m.put("top", top);
        Map<String, Double> probs = new LinkedHashMap<>();
        for (int c = 0; c < classes.size(); c++) probs.put(classes.get(c), p.probabilities()[c]);
        m.put("probabilities", probs);
        return JSON.writeValueAsString(m);
    }

    static String csvHeader(List<String> classes) {
        List<String> h = new ArrayList<>(List.of("image", "label", "index", "probability", "top"));
        for (String c : classes) h.add("p:" + c);
        return String.join(",", h.stream().map(PredictCommand::csv).toList());
    }

    static String csvRow(Path image, Prediction p, List<String> classes) {
        List<String> r = new ArrayList<>(List.of(csv(image.toString()), csv(p.label()), Integer.toString(p.index()),
                Double.toString(p.probability()), csv(String.join("|", p.top().stream().map(Prediction.ClassScore::label).toList()))));
        for (double v : p.probabilities()) r.add(Double.toString(v));
        return String.join(",", r);
    }

    /** RFC 4180 quoting when needed. */
    static String csv(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
