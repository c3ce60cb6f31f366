package clipvr.reprogram.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The report's static parts, read from the classpath: its own {@code clipvr/report/report.css} and
 * {@code report.js}, and Chart.js's self-contained UMD build from the {@code org.webjars.npm:chart.js} WebJar
 * ({@code META-INF/resources/webjars/chart.js/VERSION/dist/chart.umd.js}, VERSION from the jar's pom.properties).
 */
public final class Assets {
    private static final String CHARTJS_POM = "META-INF/maven/org.webjars.npm/chart.js/pom.properties";
    private static final Pattern SOURCE_MAP = Pattern.compile("(?m)^//# sourceMappingURL=.*$");

    private Assets() {}

    /** The Chart.js version on the classpath. */
    public static String chartJsVersion() {
        Properties p = new Properties();
        try (InputStream in = open(CHARTJS_POM)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String v = p.getProperty("version");
        if (v == null) throw new IllegalStateException(CHARTJS_POM + " names no version");
        return v;
    }

    /**
     * Chart.js's UMD build, ready to inline in a {@code <script>} element: the source-map comment (a reference to
     * a file the report does not ship) is removed, and any {@code </script} is broken up.
     */
    public static String chartJs() {
        String js = text("META-INF/resources/webjars/chart.js/" + chartJsVersion() + "/dist/chart.umd.js");
        return scriptSafe(SOURCE_MAP.matcher(js).replaceAll(""));
    }

    public static String reportJs() { return scriptSafe(text("clipvr/report/report.js")); }

    public static String reportCss() { return text("clipvr/report/report.css").replace("</style", "<\\/style"); }

    static String scriptSafe(String js) {
        return js.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT").replace("<!--", "<\\!--");
    }

    static String text(String resource) {
        try (InputStream in = open(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read classpath resource " + resource + ": " + e.getMessage(), e);
        }
    }

    private static InputStream open(String resource) {
        InputStream in = Assets.class.getClassLoader().getResourceAsStream(resource);
        if (in == null)
            throw new IllegalStateException("classpath resource " + resource + " is missing (is the org.webjars.npm:chart.js jar on the classpath?)");
        return in;
    }
}
