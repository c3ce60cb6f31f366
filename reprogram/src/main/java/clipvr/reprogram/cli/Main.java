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
                PretrainCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(System.out); }

    public static void main(String[] args) { System.exit(run(args)); }

    /** Runs the CLI and returns the exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            String msg = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            cmd.getErr().println("clipvr " + cmd.getCommandName() + ": " + msg);
            if (Boolean.getBoolean("clipvr.debug")) ex.printStackTrace(cmd.getErr());
            return ex instanceof IllegalArgumentException || ex instanceof CommandLine.ParameterException ? 2 : 1;
        });
        return cl.execute(args);
    }
}
