package clipvr.reprogram.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ./clipvr} command line. Every subcommand has {@code --help}, validates its arguments with
 * messages that name the flag at fault, and exits non-zero on failure.
 */
@Command(name = "clipvr", mixinStandardHelpOptions = true, version = "clipvr 0.1.0",
        description = "CLIP and visual reprogramming for CLIP on a plain JVM.",
        subcommands = {TokenizeCommand.class, EncodeCommand.class, InitCommand.class, ConvertCommand.class,
                ZeroshotCommand.class, BenchCommand.class, DownloadCommand.class, TrainCommand.class,
                EvaluateCommand.class, ReportCommand.class, ValidateDescriptionsCommand.class, DemoCommand.class,
                PretrainCommand.class, PredictCommand.class, LabelsCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(System.out); }

    public static void main(String[] args) { System.exit(run(args)); }

    /** Runs the CLI and returns the exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            OutOfMemoryError oom = outOfMemory(ex);
            if (oom != null) {
                cmd.getErr().println(outOfMemoryMessage(cmd.getCommandName()));
                return EXIT_OUT_OF_MEMORY;
            }
            String msg = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            cmd.getErr().println("clipvr " + cmd.getCommandName() + ": " + msg);
            if (Boolean.getBoolean("clipvr.debug")) ex.printStackTrace(cmd.getErr());
            return ex instanceof IllegalArgumentException || ex instanceof CommandLine.ParameterException ? 2 : 1;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) { // an Error is not an Exception: picocli lets it through
            System.err.println(outOfMemoryMessage(args.length > 0 ? args[0] : "clipvr"));
            return EXIT_OUT_OF_MEMORY;
        }
    }

    /** Exit status after the Java heap ran out. */
    public static final int EXIT_OUT_OF_MEMORY = 3;

    private static OutOfMemoryError outOfMemory(Throwable t) {
        for (int depth = 0; t != null && depth < 16; t = t.getCause(), depth++)
            if (t instanceof OutOfMemoryError oom) return oom;
        return null;
    }

    /**
     * The heap's configured maximum (-Xmx, or what MaxRAMPercentage made of it), as the JVM flag MaxHeapSize has it.
     * {@code Runtime.maxMemory()} is that less one survivor space, whose size ParallelGC changes as it runs, so it
     * named a different and smaller figure than the -Xmx the user gave (1000 MiB for -Xmx1200m).
     */
    public static long maxHeapBytes() {
        try {
            var hotspot = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return Long.parseLong(hotspot.getVMOption("MaxHeapSize").getValue());
        } catch (RuntimeException | LinkageError e) {
            return Runtime.getRuntime().maxMemory();                                  // a runtime without jdk.management
        }
    }

    /** One paragraph: the heap limit, how to raise it through the launcher, and how to need less (micro-batches). */
    static String outOfMemoryMessage(String command) {
        long max = maxHeapBytes();
        String heap = max == Long.MAX_VALUE ? "unlimited" : max < (1L << 30) ? (max >> 20) + " MiB"
                : String.format(java.util.Locale.ROOT, "%.1f GiB", max / (double) (1L << 30));
        return "clipvr " + command + ": out of memory: the Java heap is full (maximum heap " + heap + "). Give Java more "
                + "memory, e.g. CLIPVR_JAVA_OPTS=-Xmx16g ./clipvr " + command + " ... (the launcher's default is "
                + "-XX:MaxRAMPercentage=25, a quarter of the machine's memory), or make the work smaller: for training, "
                + "-Dclipvr.microBatch=8 in CLIPVR_JAVA_OPTS (default 32) splits each batch into micro-batches of that many images with the "
                + "same result, and a smaller --batch or a smaller model also helps. Nothing was left half-written: "
                + "every file is written atomically, so a run can continue with --resume.";
    }
}
