package clipvr.reprogram.train;

import clipvr.reprogram.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** {@link Main#run} with System.out and System.err captured, for tests of the CLI's exit codes and messages. */
final class CliCapture {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    private PrintStream oldOut, oldErr;

    /** Redirects System.out / System.err (call from @BeforeEach). */
    void start() {
        oldOut = System.out;
        oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** Puts the streams back (call from @AfterEach). */
    void stop() {
        System.setOut(oldOut);
        System.setErr(oldErr);
    }

    /** One CLI invocation; stdout() and stderr() then hold what it printed. */
    int run(String... args) {
        out.reset();
        err.reset();
        return Main.run(args);
    }

    String stdout() { return out.toString(StandardCharsets.UTF_8); }
    String stderr() { return err.toString(StandardCharsets.UTF_8); }
}
