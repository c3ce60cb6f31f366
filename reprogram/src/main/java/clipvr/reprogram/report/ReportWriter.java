package clipvr.reprogram.report;

import clipvr.reprogram.data.Dataset;
import clipvr.reprogram.report.RunData.CheckpointData;
import clipvr.reprogram.report.RunData.Epoch;
import clipvr.reprogram.report.RunData.Prompt;
import clipvr.reprogram.report.RunData.Summary;
import com.fasterxml.jackson.databind.JsonNode;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static clipvr.reprogram.report.Html.esc;

/**
 * Writes the report of one training run as a single self-contained HTML file: every style, script (Chart.js
 * included) and image (PNG data URIs) is inline, so it opens offline. Sections: summary and config, training
 * curves, learned prompts, SMM masks on sample images, the PRM heatmap with the top descriptions per class,
 * per-class accuracy and the confusion matrix. All run texts are HTML-escaped; chart data travels as
 * script-safe JSON.
 *
 * <p>The page's script sets {@code document.body.dataset.rendered} to {@code "ok"} once every chart is built,
 * or to {@code "error"} (and shows the messages in {@code #report-errors}) when a script error or
 * {@code console.error} happened; headless-browser tests read it.
 */
public final class ReportWriter {
    /** Above this many cells a heatmap is drawn as one PNG instead of an HTML table. */
    static final int MAX_TABLE_CELLS = 12_000;

    private final RunData run;
    private List<SmmMasks.Sample> samples = List.of();
    private String samplesNote;
    private int topK = 3;

    public ReportWriter(RunData run) { this.run = run; }

    /** Reads {@code runDir}, runs the SMM mask network on {@code count} images of {@code data} (may be null). */
    public static ReportWriter forRun(Path runDir, Dataset data, int count) {
        RunData run = RunDirReader.read(runDir, data == null ? null : data.classNames());
        ReportWriter w = new ReportWriter(run);
        CheckpointData ck = run.checkpoint();
        if (ck != null && ck.smm() != null) {
            if (data == null) {
                w.samplesNote = "The run has an SMM mask network; give the report a dataset (--data SPEC) to see its masks on sample images.";
            } else {
                try {
                    w.samples = SmmMasks.run(ck.smm(), data, count);
                    w.samplesNote = "Masks from the mask network in eval mode (running BN statistics), patch " + ck.smm().patch()
                            + (ck.smm().patchFromConfig() ? "" : " (the run does not say; SMM's default assumed)")
                            + ", on the first image of each of the first classes of the " + data.split() + " split.";
                } catch (RuntimeException e) {
                    w.samplesNote = "Could not run the SMM mask network on the dataset: " + e.getMessage();
                }
            }
        }
        return w;
    }

    /** How many top descriptions per class the PRM section lists (default 3). */
    public ReportWriter topK(int k) {
        if (k < 1) throw new IllegalArgumentException("topK must be positive, got " + k);
        this.topK = k;
        return this;
    }

    public RunData run() { return run; }

    /** Writes the report to {@code out} atomically (a temporary file beside it, then a move). */
    public Path write(Path out) {
        String html = render();
        Path abs = out.toAbsolutePath();
        Path parent = abs.getParent();
        try {
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, "." + abs.getFileName() + ".", ".tmp");
            try {
                Files.writeString(tmp, html, StandardCharsets.UTF_8);
                try {                                                // createTempFile makes it owner-only; a report is for sharing
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: keep the default
                }
                try {
                    Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write report " + abs + ": " + e.getMessage(), e);
        }
        return abs;
    }

    /** The whole HTML document. */
    public String render() {
        StringBuilder h = new StringBuilder(1 << 20);
        String title = "clipvr report: " + runName();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta name=\"generator\" content=\"clipvr report\">\n")
                .append("<title>").append(esc(title)).append("</title>\n")
                .append("<style>\n").append(Assets.reportCss()).append("\n</style>\n")
                .append("<script>\n").append(ERROR_HOOK).append("\n</script>\n")
                .append("</head>\n<body>\n");
        h.append("<div id=\"report-errors\" class=\"errors\" hidden></div>\n");
        h.append("<header><h1>").append(esc(title)).append("</h1>\n<p class=\"sub\">").append(esc(run.dir().toAbsolutePath().toString()))
                .append(" · generated ").append(esc(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME.withLocale(Locale.ROOT))))
                .append("</p>\n").append(nav()).append("</header>\n<main>\n");
        summarySection(h);
        curvesSection(h);
        promptsSection(h);
        smmSection(h);
        prmSection(h);
        perClassSection(h);
        confusionSection(h);
        notesSection(h);
        h.append("</main>\n<footer>Charts by Chart.js ").append(esc(Assets.chartJsVersion()))
                .append(" (MIT licence), inlined. Everything in this file is self-contained.</footer>\n");
        h.append("<script type=\"application/json\" id=\"report-data\">").append(Html.scriptJson(chartData())).append("</script>\n");
        h.append("<script>\n").append(Assets.chartJs()).append("\n</script>\n");
        h.append("<script>\n").append(Assets.reportJs()).append("\n</script>\n");
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    /** Records script errors and console.error calls before anything else runs (read by report.js). */
    private static final String ERROR_HOOK = """
            window.__reportErrors = [];
            window.addEventListener('error', function (e) { window.__reportErrors.push(String(e.message || e)); });
            window.addEventListener('unhandledrejection', function (e) { window.__reportErrors.push('unhandled rejection: ' + String(e.reason)); });
            (function () {
              var orig = console.error;
              console.error = function () {
                window.__reportErrors.push(Array.prototype.map.call(arguments, String).join(' '));
                return orig.apply(console, arguments);
              };
            })();""";

    private String runName() {
        String m = cfg("method"), d = cfg("dataset");
        String name = run.dir().toAbsolutePath().normalize().getFileName() == null ? run.dir().toString()
                : run.dir().toAbsolutePath().normalize().getFileName().toString();
        if (!m.isEmpty() || !d.isEmpty()) name += " (" + (m.isEmpty() ? "?" : m) + (d.isEmpty() ? "" : " on " + d) + ")";
        return name;
    }

    /** A scalar of results.json (or of its {@code section} object), "" when absent, null or not a scalar. */
    private String top(String key, String... section) {
        JsonNode n = run.results();
        for (String s : section) n = n == null ? null : n.get(s);
        JsonNode v = n == null ? null : n.get(key);
        return v == null || v.isNull() || v.isContainerNode() || !v.isValueNode() ? "" : v.asText();
    }

    private String cfg(String key) {
        JsonNode v = run.config().get(key);
        return v == null || v.isNull() || v.isContainerNode() ? "" : v.asText();
    }

    private String nav() {
        CheckpointData ck = run.checkpoint();
        StringBuilder b = new StringBuilder("<nav><a href=\"#summary\">Summary</a><a href=\"#curves\">Training</a><a href=\"#prompts\">Prompts</a>");
        if (ck != null && ck.smm() != null) b.append("<a href=\"#smm\">SMM masks</a>");
        if (ck != null && ck.omega() != null) b.append("<a href=\"#prm\">PRM</a>");
        return b.append("<a href=\"#per-class\">Per-class</a><a href=\"#confusion\">Confusion</a><a href=\"#notes\">Notes</a></nav>\n").toString();
    }

    // ---- sections ----------------------------------------------------------------------------------------

    private void summarySection(StringBuilder h) {
        h.append("<section id=\"summary\"><h2>Summary</h2>\n<div class=\"cards\">\n");
        card(h, "method", cfg("method").isEmpty() ? "–" : cfg("method"));
        card(h, "dataset", cfg("dataset").isEmpty() ? "–" : cfg("dataset"));
        card(h, "classes", Integer.toString(run.classNames().size()));
        card(h, "epochs", Integer.toString(run.epochs().size()) + (top("epochs", "config").isEmpty() ? "" : " / " + top("epochs", "config")));
        for (Summary s : run.summaries())
            card(h, summaryLabel(s) + " test acc", Html.num(s.testAcc(), 2) + " %" + (s.valAcc() == null ? "" : " (val " + Html.num(s.valAcc(), 2) + " %)"));
        if (!top("status").isEmpty()) card(h, "status", top("status"));
        if (!top("effective_parameters").isEmpty()) card(h, "effective parameters", top("effective_parameters"));
        if (!top("train_images").isEmpty()) card(h, "train / test images", top("train_images") + " / " + (top("test_images").isEmpty() ? "–" : top("test_images")));
        if (!top("wall_seconds").isEmpty()) card(h, "wall time", Html.num(Double.parseDouble(top("wall_seconds")) / 60, 1) + " min");
        h.append("</div>\n");
        if (!top("error").isEmpty()) h.append("<p class=\"errors\">The run ended with an error: ").append(esc(top("error"))).append("</p>\n");
        if (!top("selection").isEmpty()) h.append("<p class=\"note\">").append(esc(top("selection"))).append("</p>\n");
        // config table
        Map<String, String> flat = new LinkedHashMap<>();
        flatten("", run.config(), flat);
        flat.keySet().removeIf(k -> k.equals("classNames") || k.equals("class_names") || k.equals("classes"));
        if (!flat.isEmpty()) {
            h.append("<details open><summary>Configuration (results.json → config)</summary>\n<table class=\"kv\">\n");
            flat.forEach((k, v) -> h.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>\n"));
            h.append("</table></details>\n");
        }
        h.append("</section>\n");
    }

    private static void card(StringBuilder h, String label, String value) {
        h.append("<div class=\"card\"><div class=\"label\">").append(esc(label)).append("</div><div class=\"value\">")
                .append(esc(value)).append("</div></div>\n");
    }

    private static String summaryLabel(Summary s) {
        String k = switch (s.key()) {
            case "val_selected" -> "val-selected";
            default -> s.key();
        };
        return s.epoch() == null ? k : k + " (epoch " + s.epoch() + ")";
    }

    private static void flatten(String prefix, JsonNode n, Map<String, String> out) {
        if (n.isObject()) {
            n.fields().forEachRemaining(e -> flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out));
        } else if (n.isArray()) {
            if (n.size() > 12) out.put(prefix, "[" + n.size() + " items] " + abbreviate(n.toString(), 160));
            else out.put(prefix, n.toString());
        } else {
            out.put(prefix, n.isNull() ? "null" : n.asText());
        }
    }

    private static String abbreviate(String s, int max) { return s.length() <= max ? s : s.substring(0, max - 1) + "…"; }

    private void curvesSection(StringBuilder h) {
        h.append("<section id=\"curves\"><h2>Training curves</h2>\n");
        if (run.epochs().isEmpty()) {
            h.append("<p class=\"note\">No epochs in results.json.</p></section>\n");
            return;
        }
        h.append("<div class=\"grid2\">\n");
        chartBox(h, "chart-loss", "Training loss", 260);
        chartBox(h, "chart-acc", "Accuracy (%)", 260);
        chartBox(h, "chart-lr", "Learning rate", 260);
        chartBox(h, "chart-speed", "Throughput (images/s)", 260);
        h.append("</div>\n<p class=\"note\">Test accuracy is plotted only on the epochs that evaluated it.</p>\n</section>\n");
    }

    private static void chartBox(StringBuilder h, String id, String title, int height) {
        h.append("<figure class=\"chartbox\"><figcaption>").append(esc(title)).append("</figcaption><div class=\"chart\" style=\"height:")
                .append(height).append("px\"><canvas id=\"").append(id).append("\" role=\"img\" aria-label=\"").append(esc(title))
                .append("\"></canvas></div></figure>\n");
    }

    private void promptsSection(StringBuilder h) {
        h.append("<section id=\"prompts\"><h2>Learned prompts</h2>\n");
        CheckpointData ck = run.checkpoint();
        if (ck == null || ck.prompts().isEmpty()) {
            h.append("<p class=\"note\">No prompt patterns in the run").append(ck == null ? " (no checkpoint.safetensors)" : "").append(".</p>\n");
        } else {
            h.append("<div class=\"gallery\">\n");
            for (Prompt p : ck.prompts()) {
                PromptImages.Drawn d = PromptImages.draw(p);
                int shown = Math.max(192, Math.min(336, p.resolution()));
                h.append("<figure class=\"prompt\"><img class=\"checker pix\" width=\"").append(shown).append("\" height=\"").append(shown)
                        .append("\" alt=\"").append(esc(p.label())).append("\" src=\"").append(PromptImages.pngDataUri(d.image())).append("\">")
                        .append("<figcaption><b>").append(esc(p.label())).append("</b><br><code>").append(esc(p.name())).append("</code> [3, ")
                        .append(p.resolution()).append(", ").append(p.resolution()).append("]<br>").append(esc(d.caption())).append("</figcaption></figure>\n");
            }
            h.append("</div>\n");
        }
        if (ck != null && !ck.tensorNames().isEmpty()) {
            h.append("<details><summary>Checkpoint tensors (").append(ck.tensorNames().size()).append(")</summary>\n<table class=\"kv\">\n");
            ck.tensorNames().forEach((k, v) -> h.append("<tr><th><code>").append(esc(k)).append("</code></th><td>").append(esc(v)).append("</td></tr>\n"));
            h.append("</table></details>\n");
        }
        h.append("</section>\n");
    }

    private void smmSection(StringBuilder h) {
        CheckpointData ck = run.checkpoint();
        if (ck == null || ck.smm() == null) return;
        h.append("<section id=\"smm\"><h2>SMM masks on sample images</h2>\n");
        if (samplesNote != null) h.append("<p class=\"note\">").append(esc(samplesNote)).append("</p>\n");
        if (!samples.isEmpty()) {
            h.append("<table class=\"smm\"><tr><th>sample</th><th>image x</th><th>mask f<sub>mask</sub>(x)</th><th>δ ⊙ mask</th><th>x + δ ⊙ mask</th></tr>\n");
            for (SmmMasks.Sample s : samples) {
                h.append("<tr><td>").append(esc(s.className())).append("<br><code>").append(esc(s.id())).append("</code><br>mask range [")
                        .append(Html.num(s.maskMin(), 3)).append(", ").append(Html.num(s.maskMax(), 3)).append("]</td>");
                for (BufferedImage img : List.of(s.image(), s.mask(), s.added(), s.reprogrammed()))
                    h.append("<td><img class=\"pix\" width=\"160\" height=\"160\" alt=\"\" src=\"").append(PromptImages.pngDataUri(img)).append("\"></td>");
                h.append("</tr>\n");
            }
            h.append("</table>\n<p class=\"note\">Mask and δ ⊙ mask are min–max rescaled per image; the reprogrammed image is denormalised and clamped to [0, 1].</p>\n");
        }
        h.append("</section>\n");
    }

    private void prmSection(StringBuilder h) {
        CheckpointData ck = run.checkpoint();
        if (ck == null || ck.omega() == null) return;
        double[][] w = ck.omega();
        int c = w.length, m = w[0].length;
        List<String> names = run.classNames();
        List<List<String>> texts = ck.descriptions(), groups = ck.groups();
        double max = 0;
        for (double[] row : w) for (double v : row) if (!Double.isNaN(v)) max = Math.max(max, v);
        if (max <= 0) max = 1;
        h.append("<section id=\"prm\"><h2>Probabilistic reweighting matrix (PRM)</h2>\n<p class=\"note\">ω [")
                .append(c).append(" classes × ").append(m).append(" descriptions] from <code>").append(esc(ck.omegaName()))
                .append("</code>; each row is class c's weights over its descriptions (a row sums to 1). Colour: ω / ")
                .append(Html.num(max, 3)).append(" (the largest weight). Hover a cell for its description.</p>\n");
        legend(h, 0, max);
        if ((long) c * m <= MAX_TABLE_CELLS) {
            h.append("<div class=\"scroll\"><table class=\"heat prm\">\n");
            List<String> header = uniformGroups(groups, c, m);
            if (header != null) {                                    // a cause / cluster header spanning its slots
                h.append("<tr><th></th>");
                for (int j = 0; j < m; ) {
                    int k = j;
                    while (k < m && header.get(k).equals(header.get(j))) k++;
                    h.append("<th class=\"grp\" colspan=\"").append(k - j).append("\">").append(esc(header.get(j))).append("</th>");
                    j = k;
                }
                h.append("</tr>\n");
            }
            for (int i = 0; i < c; i++) {
                h.append("<tr><th>").append(esc(className(names, i))).append("</th>");
                for (int j = 0; j < m; j++) {
                    double t = w[i][j] / max;
                    String tip = className(names, i) + " #" + j + " · ω = " + Html.num(w[i][j], 4)
                            + (groupOf(groups, i, j) == null ? "" : " · " + groupOf(groups, i, j))
                            + (textOf(texts, i, j) == null ? "" : "\n" + textOf(texts, i, j));
                    h.append("<td style=\"background:").append(Html.viridis(t)).append("\" title=\"").append(esc(tip)).append("\"></td>");
                }
                h.append("</tr>\n");
            }
            h.append("</table></div>\n");
        } else {
            h.append(heatPng(w, max, "PRM heatmap")).append("\n");
        }
        // top descriptions per class
        h.append("<h3>Top ").append(topK).append(" descriptions per class</h3>\n<div class=\"scroll\"><table class=\"top\">\n<tr><th>class</th>");
        for (int k = 0; k < topK; k++) h.append("<th>#").append(k + 1).append("</th>");
        h.append("<th>ω = 0</th></tr>\n");
        for (int i = 0; i < c; i++) {
            Integer[] order = new Integer[m];
            for (int j = 0; j < m; j++) order[j] = j;
            final int row = i;
            Arrays.sort(order, (a, b) -> Double.compare(w[row][b], w[row][a]));
            int zeros = 0;
            for (double v : w[i]) if (v == 0) zeros++;
            h.append("<tr><th>").append(esc(className(names, i))).append("</th>");
            for (int k = 0; k < topK; k++) {
                if (k >= m) { h.append("<td></td>"); continue; }
                int j = order[k];
                String text = textOf(texts, i, j);
                String grp = groupOf(groups, i, j);
                h.append("<td><span class=\"w\">").append(Html.num(w[i][j], 3)).append("</span> ")
                        .append(text == null ? "<i>#" + j + "</i>" : esc(text));
                if (grp != null) h.append(" <span class=\"grp\">").append(esc(grp)).append("</span>");
                h.append("</td>");
            }
            h.append("<td>").append(zeros).append(" / ").append(m).append("</td></tr>\n");
        }
        h.append("</table></div>\n</section>\n");
    }

    /** The groups of the description slots when every class has the same sequence of them, else null. */
    private static List<String> uniformGroups(List<List<String>> groups, int c, int m) {
        if (groups == null || groups.size() != c) return null;
        List<String> first = groups.getFirst();
        if (first.size() != m || first.stream().anyMatch(g -> g == null)) return null;
        for (List<String> g : groups) if (!g.equals(first)) return null;
        return first;
    }

    private static String textOf(List<List<String>> texts, int c, int j) {
        return texts != null && c < texts.size() && j < texts.get(c).size() ? texts.get(c).get(j) : null;
    }

    private static String groupOf(List<List<String>> groups, int c, int j) {
        return groups != null && c < groups.size() && j < groups.get(c).size() ? groups.get(c).get(j) : null;
    }

    private static String className(List<String> names, int i) { return i < names.size() ? names.get(i) : "class " + i; }

    private static void legend(StringBuilder h, double lo, double hi) {
        h.append("<div class=\"legend\"><span>").append(Html.num(lo, 3)).append("</span><span class=\"bar\" style=\"background:linear-gradient(to right");
        for (int i = 0; i <= 8; i++) h.append(", ").append(Html.viridis(i / 8.0));
        h.append(")\"></span><span>").append(Html.num(hi, 3)).append("</span></div>\n");
    }

    /** A big heatmap as one PNG (each cell a few pixels), scaled by the browser without smoothing. */
    private static String heatPng(double[][] v, double max, String alt) {
        int rows = v.length, cols = v[0].length;
        int cell = Math.max(1, Math.min(8, 1200 / Math.max(rows, cols)));
        BufferedImage img = new BufferedImage(cols * cell, rows * cell, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) {
                int[] rgb = Html.viridisRgb(v[i][j] / max);
                int px = rgb[0] << 16 | rgb[1] << 8 | rgb[2];
                for (int y = 0; y < cell; y++) for (int x = 0; x < cell; x++) img.setRGB(j * cell + x, i * cell + y, px);
            }
        return "<div class=\"scroll\"><img class=\"pix\" alt=\"" + esc(alt) + "\" src=\"" + PromptImages.pngDataUri(img) + "\"></div>";
    }

    private void perClassSection(StringBuilder h) {
        h.append("<section id=\"per-class\"><h2>Per-class accuracy</h2>\n");
        if (run.summaries().stream().noneMatch(s -> s.perClass() != null)) {
            h.append("<p class=\"note\">results.json has no per-class accuracy.</p></section>\n");
            return;
        }
        int c = run.classNames().size();
        boolean horizontal = c > 12;
        chartBox(h, "chart-perclass", "Per-class test accuracy (%)", horizontal ? Math.max(300, 22 * c + 80) : 320);
        h.append("</section>\n");
    }

    private void confusionSection(StringBuilder h) {
        h.append("<section id=\"confusion\"><h2>Confusion matrix</h2>\n");
        boolean any = false;
        for (Summary s : run.summaries()) {
            if (s.confusion() == null) continue;
            h.append("<details").append(any ? "" : " open").append("><summary>").append(esc(summaryLabel(s))).append("</summary>\n");
            confusionTable(h, s.confusion());
            h.append("</details>\n");
            any = true;
        }
        if (!any) h.append("<p class=\"note\">results.json has no confusion matrix.</p>\n");
        h.append("</section>\n");
    }

    private void confusionTable(StringBuilder h, double[][] cm) {
        int n = cm.length;
        List<String> names = run.classNames();
        double[][] frac = new double[n][];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (double v : cm[i]) if (!Double.isNaN(v)) s += v;
            frac[i] = new double[cm[i].length];
            for (int j = 0; j < cm[i].length; j++) frac[i][j] = s > 0 ? cm[i][j] / s : Double.NaN;
        }
        h.append("<p class=\"note\">Rows: true class, columns: predicted class; cells hold counts, coloured by the fraction of the row.</p>\n");
        legend(h, 0, 1);
        int cols = Arrays.stream(cm).mapToInt(r -> r.length).max().orElse(0);
        if ((long) n * cols > MAX_TABLE_CELLS) {
            double[][] sq = new double[n][cols];
            for (int i = 0; i < n; i++) for (int j = 0; j < cols; j++) sq[i][j] = j < frac[i].length ? frac[i][j] : Double.NaN;
            h.append(heatPng(sq, 1, "confusion matrix")).append("\n");
            return;
        }
        h.append("<div class=\"scroll\"><table class=\"heat cm\">\n<tr><th class=\"corner\">true \\ predicted</th>");
        for (int j = 0; j < cols; j++) h.append("<th class=\"rot\"><span>").append(esc(className(names, j))).append("</span></th>");
        h.append("</tr>\n");
        for (int i = 0; i < n; i++) {
            h.append("<tr><th>").append(esc(className(names, i))).append("</th>");
            for (int j = 0; j < cm[i].length; j++) {
                double t = frac[i][j];
                double v = cm[i][j];
                String shown = Double.isNaN(v) ? "" : v == Math.rint(v) ? Long.toString((long) v) : Html.num(v, 2);
                h.append("<td style=\"background:").append(Html.viridis(t)).append(";color:").append(Html.textOn(t)).append("\" title=\"")
                        .append(esc(className(names, i) + " → " + className(names, j) + ": " + shown + (Double.isNaN(t) ? "" : " (" + Html.num(100 * t, 1) + " %)")))
                        .append("\">").append(v == 0 ? "" : shown).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table></div>\n");
    }

    private void notesSection(StringBuilder h) {
        List<String> notes = new ArrayList<>(run.notes());
        h.append("<section id=\"notes\"><h2>Notes</h2>\n");
        if (notes.isEmpty()) h.append("<p class=\"note\">Every part of the run was found.</p>\n");
        else {
            h.append("<ul class=\"notes\">\n");
            for (String n : notes) h.append("<li>").append(esc(n)).append("</li>\n");
            h.append("</ul>\n");
        }
        h.append("</section>\n");
    }

    // ---- chart data (read by report.js) ------------------------------------------------------------------

    private Map<String, Object> chartData() {
        Map<String, Object> d = new LinkedHashMap<>();
        List<Epoch> es = run.epochs();
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("epoch", es.stream().map(Epoch::epoch).toList());
        e.put("trainLoss", es.stream().map(x -> finite(x.trainLoss())).toList());
        e.put("trainAcc", es.stream().map(x -> finite(x.trainAcc())).toList());
        e.put("testAcc", es.stream().map(x -> finite(x.testAcc())).toList());
        e.put("valAcc", es.stream().map(x -> finite(x.valAcc())).toList());
        e.put("lr", es.stream().map(x -> finite(x.lr())).toList());
        Map<String, List<Double>> groups = new LinkedHashMap<>();      // lr per optimiser group, when there are several
        for (Epoch x : es) x.lrs().keySet().forEach(k -> groups.putIfAbsent(k, new ArrayList<>()));
        if (groups.size() > 1) groups.forEach((k, v) -> es.forEach(x -> v.add(finite(x.lrs().get(k)))));
        else groups.clear();
        e.put("lrs", groups);
        e.put("phase", es.stream().map(Epoch::phase).toList());
        e.put("imagesPerS", es.stream().map(x -> finite(x.imagesPerS())).toList());
        d.put("epochs", e);
        d.put("classNames", run.classNames());
        List<Map<String, Object>> pcs = new ArrayList<>();
        for (Summary s : run.summaries()) {
            if (s.perClass() == null) continue;
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("label", summaryLabel(s));
            p.put("values", Arrays.stream(s.perClass()).mapToObj(v -> finite(v)).toList());
            pcs.add(p);
        }
        d.put("perClass", pcs);
        return d;
    }

    private static Double finite(Double v) { return v == null || v.isNaN() || v.isInfinite() ? null : v; }
}
