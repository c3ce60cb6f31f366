package clipvr.spark;

import clipvr.reprogram.cli.Main;
import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Images/s of {@code ./clipvr encode --images} (in-process, warm JVM) and of the Spark embedding job on one master,
 * end to end each: model load, decode + preprocess, encode, write (safetensors / Parquet). docs/spark.md.
 *
 * <pre>java ... clipvr.spark.EmbedThroughput WEIGHTS IMAGE_DIR MASTER REPS</pre>
 */
public final class EmbedThroughput {
    public static void main(String[] args) throws Exception {
        Path weights = Path.of(args[0]), dir = Path.of(args[1]);
        String master = args[2];
        int reps = Integer.parseInt(args[3]);
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) { files = s.filter(Files::isRegularFile).sorted().toList(); }
        Path tmp = Files.createTempDirectory("embed-bench");
        PrintStream out = System.out;
        List<String> cliArgs = new ArrayList<>(List.of("encode", "--weights", weights.toString(), "--out", tmp.resolve("cli.safetensors").toString(), "--images"));
        files.forEach(f -> cliArgs.add(f.toString()));
        SparkSession session = SparkSession.builder().master(master).appName("embed-bench").config("spark.ui.enabled", "false").getOrCreate();
        int partitions = session.sparkContext().defaultParallelism();
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        double[] cli = new double[reps], spark = new double[reps], cliCpu = new double[reps], sparkCpu = new double[reps];
        for (int r = -1; r < reps; r++) {                          // rep -1 warms the JIT; CLI and Spark alternate, so both see the same load
            ExecutorCache.clear();                                                           // the job loads the model, as the CLI does
            long t0 = System.nanoTime(), c0 = os.getProcessCpuTime();
            var in = SparkMain.imagePaths(session, dir, partitions);
            EmbedJob.transform(in, EmbedJob.Options.of(weights.toString(), ImageColumn.paths("path")))
                    .write().mode("overwrite").parquet(tmp.resolve("spark.parquet").toString());
            double sw = (System.nanoTime() - t0) / 1e9, sc = (os.getProcessCpuTime() - c0) / 1e9;
            t0 = System.nanoTime();
            c0 = os.getProcessCpuTime();
            if (Main.run(cliArgs.toArray(String[]::new)) != 0) throw new IllegalStateException("encode failed");
            double cw = (System.nanoTime() - t0) / 1e9, cc = (os.getProcessCpuTime() - c0) / 1e9;
            out.printf(Locale.ROOT, "rep %d: cli %.2f images/s (%.3f CPU-s/image), spark %s %.2f images/s (%.3f CPU-s/image)%n",
                    r, files.size() / cw, cc / files.size(), master, files.size() / sw, sc / files.size());
            if (r < 0) continue;
            cli[r] = files.size() / cw;
            spark[r] = files.size() / sw;
            cliCpu[r] = cc / files.size();
            sparkCpu[r] = sc / files.size();
        }
        session.stop();
        double c = median(cli), s = median(spark);
        out.printf(Locale.ROOT, "RESULT %d images, %d reps: cli median %.2f images/s, spark %s median %.2f images/s, ratio %.3f;"
                        + " CPU-s/image cli %.3f spark %.3f (%d partitions)%n",
                files.size(), reps, c, master, s, s / c, median(cliCpu), median(sparkCpu), partitions);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
