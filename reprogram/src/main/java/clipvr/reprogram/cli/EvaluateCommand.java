package clipvr.reprogram.cli;

import clipvr.reprogram.train.RunEvaluator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code clipvr evaluate --run RUNDIR --data DIR [--split test] [--limit N] [--json]}. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluates a run's checkpoint (with its config and cached text features): top-1, top-5, per-class accuracy.")
public final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, description = "run directory written by clipvr train") Path run;
    @Option(names = "--data", description = "dataset spec (default: the run's --data)") String data;
    @Option(names = "--split", defaultValue = "test", description = "train or test (default ${DEFAULT-VALUE})") String split;
    @Option(names = "--limit", description = "evaluate only a class-balanced subset of N images") Integer limit;
    @Option(names = "--checkpoint", defaultValue = "last", description = "last (checkpoint.safetensors) or best (best.safetensors; default ${DEFAULT-VALUE})") String checkpoint;
    @Option(names = "--weights", description = "CLIP weights if they moved (SHA-256 must match the run's)") Path weights;
    @Option(names = "--json", description = "print the result as JSON") boolean json;

    @picocli.CommandLine.Mixin DeviceOption deviceOption = new DeviceOption();

    @Override public Integer call() throws Exception {
        deviceOption.resolve();                                             // RunEvaluator reads -Dclipvr.device
        if (limit != null && limit <= 0) throw new IllegalArgumentException("--limit must be positive, got " + limit);
        if (!split.equalsIgnoreCase("train") && !split.equalsIgnoreCase("test"))
            throw new IllegalArgumentException("--split must be train or test, got " + split);
        var r = RunEvaluator.evaluate(run, data, split, limit, checkpoint, weights, !json);
        if (json) {
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r.summary()));
        } else {
            var acc = r.accuracy();
            System.out.printf(Locale.ROOT, "%s, %s (epoch %d), %s split: images %d, top-1 %.2f%%, top-5 %.2f%%%n", r.config().method(),
                    r.checkpoint(), r.epoch(), r.split(), acc.total(), 100 * acc.top1(), 100 * acc.top5());
            double[] pc = acc.perClass();
            for (int c = 0; c < pc.length; c++)
                System.out.printf(Locale.ROOT, "  %-40s %6.2f%%%n", r.classNames().get(c), 100 * pc[c]);
        }
        return 0;
    }
}
