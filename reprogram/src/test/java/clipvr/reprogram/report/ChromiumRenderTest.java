package clipvr.reprogram.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Opens reports in headless Chromium and checks that they render: the page's script marks
 * {@code <body data-rendered="ok">} once every chart is built and no script error or {@code console.error}
 * happened, and Chromium's log shows no console message. Skipped when Chromium is not installed
 * ({@code apt-get install -y chromium}; CI installs it). Set {@code -Dclipvr.report.screenshot=FILE.png} to also
 * save screenshots of the DVP report (FILE.png) and the SMM one (FILE-smm.png).
 */
class ChromiumRenderTest {
    private static final Pattern RENDERED = Pattern.compile("<body[^>]*\\bdata-rendered=\"([a-z]+)\"");
    private static final Pattern CHARTS = Pattern.compile("<body[^>]*\\bdata-charts=\"(\\d+)\"");

    static Path chromium() {
        String p = System.getProperty("clipvr.chromium", System.getenv("CHROMIUM"));
        for (String c : p == null ? List.of("/usr/bin/chromium", "/usr/bin/chromium-browser") : List.of(p))
            if (Files.isExecutable(Path.of(c))) return Path.of(c);
        return null;
    }

    record Result(int exit, String dom, String log) {}

    static Result open(Path html, Path work, String... extra) throws IOException, InterruptedException {
        Path chrome = chromium();
        assumeTrue(chrome != null, "Chromium not found at /usr/bin/chromium: apt-get install -y chromium (or set CHROMIUM=/path/to/chromium)");
        Path profile = Files.createTempDirectory(work, "chromium-profile");
        Path out = work.resolve("dom-" + System.nanoTime() + ".html"), err = work.resolve("log-" + System.nanoTime() + ".txt");
        List<String> cmd = new ArrayList<>(List.of(chrome.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-extensions", "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0",
                "--virtual-time-budget=5000"));
        cmd.addAll(List.of(extra));
        cmd.add(html.toUri().toString());
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("chromium did not finish within 120 s; log:\n" + Files.readString(err));
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Lines of Chromium's log that report a page console message or an uncaught exception. */
    static List<String> consoleLines(String log) {
        return log.lines().filter(l -> l.contains("CONSOLE") || l.contains("Uncaught")).toList();
    }

    static String attr(Pattern p, String dom) {
        Matcher m = p.matcher(dom);
        return m.find() ? m.group(1) : null;
    }

    @Test void dvpReportRendersWithoutConsoleErrors(@TempDir Path tmp) throws Exception {
        Path run = SyntheticRun.dvp(tmp.resolve("run"));
        Path html = ReportWriter.forRun(run, null, 4).write(run.resolve("report.html"));
        Result r = open(html, tmp, "--dump-dom");
        assertEquals(0, r.exit(), r.log());
        assertEquals(List.of(), consoleLines(r.log()), "console messages");
        assertEquals("ok", attr(RENDERED, r.dom()), () -> "not rendered; errors box: " + errorsBox(r.dom()) + "\nlog:\n" + r.log());
        assertEquals("5", attr(CHARTS, r.dom()), "loss, accuracy, lr, throughput and per-class charts");
        assertTrue(errorsBox(r.dom()).isEmpty(), errorsBox(r.dom()));
        String shot = System.getProperty("clipvr.report.screenshot");
        if (shot != null && !shot.isBlank()) {
            Result s = open(html, tmp, "--screenshot=" + Path.of(shot).toAbsolutePath(), "--window-size=1200,3000", "--hide-scrollbars");
            assertEquals(0, s.exit(), s.log());
        }
    }

    @Test void smmReportWithSamplesRenders(@TempDir Path tmp) throws Exception {
        Path run = SyntheticRun.smm(tmp.resolve("run"));
        Path data = SyntheticRun.imageFolder(tmp.resolve("data"));
        Path html = ReportWriter.forRun(run, clipvr.reprogram.data.Datasets.open(data.toString(), "test"), 3).write(tmp.resolve("smm.html"));
        Result r = open(html, tmp, "--dump-dom");
        assertEquals(List.of(), consoleLines(r.log()), "console messages");
        assertEquals("ok", attr(RENDERED, r.dom()), () -> "not rendered; errors box: " + errorsBox(r.dom()));
        String shot = System.getProperty("clipvr.report.screenshot");
        if (shot != null && !shot.isBlank())
            open(html, tmp, "--screenshot=" + Path.of(shot.replaceFirst("(\\.png)?$", "-smm.png")).toAbsolutePath(), "--window-size=1200,1600", "--hide-scrollbars");
    }

    /** The harness itself: a page with a script error is reported as such, both in the DOM and in the log. */
    @Test void aScriptErrorIsDetected(@TempDir Path tmp) throws Exception {
        Path run = SyntheticRun.dvp(tmp.resolve("run"));
        String good = ReportWriter.forRun(run, null, 4).render();
        int at = good.indexOf("<script type=\"application/json\"");
        String bad = good.substring(0, at) + "<script>thisFunctionDoesNotExist();</script>\n" + good.substring(at);
        Path html = Files.writeString(tmp.resolve("bad.html"), bad);
        Result r = open(html, tmp, "--dump-dom");
        assertEquals("error", attr(RENDERED, r.dom()));
        assertTrue(errorsBox(r.dom()).contains("thisFunctionDoesNotExist"), errorsBox(r.dom()));
        assertFalse(consoleLines(r.log()).isEmpty(), "the log shows the uncaught error:\n" + r.log());
    }

    private static String errorsBox(String dom) {
        Matcher m = Pattern.compile("<div id=\"report-errors\"[^>]*>(.*?)</div>", Pattern.DOTALL).matcher(dom);
        return m.find() ? m.group(1) : "";
    }
}
