package clipvr.reprogram.cli;

import clipvr.reprogram.data.Dataset;
import clipvr.reprogram.data.Datasets;
import clipvr.reprogram.report.ReportWriter;
import clipvr.reprogram.report.RunDirReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code clipvr report --run RUNDIR [--data SPEC] [--out FILE]}: one self-contained HTML report of a training run. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Writes one self-contained HTML report of a training run (it opens offline): training curves, "
                + "learned prompts, SMM masks on sample images (with --data), the PRM heatmap with the top descriptions per class, "
                + "per-class accuracy and the confusion matrix.",
                "Reads RUNDIR/results.json (required), RUNDIR/checkpoint.safetensors and RUNDIR/checkpoint.json (optional); "
                + "see docs/report.md."})
public final class ReportCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, paramLabel = "RUNDIR", description = "the run directory (holds results.json)") Path run;
    @Option(names = "--data", paramLabel = "SPEC", description = "dataset for SMM mask samples: DIR, FILE.tar.gz, cifar10, gtsrb, mnist[:DIR], fashion-mnist[:DIR]") String data;
    @Option(names = "--split", defaultValue = "test", description = "split of --data to take samples from (default ${DEFAULT-VALUE})") String split;
    @Option(names = "--samples", defaultValue = "4", description = "sample images for the SMM masks (default ${DEFAULT-VALUE})") int samples;
    @Option(names = "--top", defaultValue = "3", description = "top descriptions listed per class (default ${DEFAULT-VALUE})") int top;
    @Option(names = "--out", paramLabel = "FILE", description = "output HTML file (default RUNDIR/report.html)") Path out;

    @Override public Integer call() {
        if (samples <= 0) throw new IllegalArgumentException("--samples must be positive, got " + samples);
        if (top <= 0) throw new IllegalArgumentException("--top must be positive, got " + top);
        if (!Files.isDirectory(run)) throw new IllegalArgumentException("--run " + run + ": no such directory");
        if (!Files.isRegularFile(run.resolve(RunDirReader.RESULTS)))
            throw new IllegalArgumentException("--run " + run + ": missing file " + run.resolve(RunDirReader.RESULTS));
        Dataset ds = data == null ? null : Datasets.open(data, split);
        ReportWriter w = ReportWriter.forRun(run, ds, samples).topK(top);
        Path written = w.write(out != null ? out : run.resolve("report.html"));
        for (String n : w.run().notes()) System.err.println("note: " + n);
        System.out.println(written);
        return 0;
    }
}
