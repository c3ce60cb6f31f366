package clipvr.reprogram.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the CLI ({@code clipvr.reprogram.cli.Main}) in a separate JVM, as the launcher would. */
final class ChildJvm {
    private ChildJvm() {}

    static ProcessBuilder cli(List<String> jvmOptions, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xss8m",
                "-XX:+UseSerialGC", "-Xshare:auto", "-XX:TieredStopAtLevel=1"));
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("clipvr.reprogram.cli.Main");
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    /** Runs to completion; returns {exit code, combined output}. */
    static Result run(List<String> jvmOptions, Path log, String... args) throws IOException, InterruptedException {
        Process p = cli(jvmOptions, args).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        int code = p.waitFor();
        return new Result(code, java.nio.file.Files.readString(log));
    }

    record Result(int code, String output) {}
}
