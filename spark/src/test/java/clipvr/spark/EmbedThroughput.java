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
 * Images/s of {@code ./clipvr encode --images} (through {@link Main#run} in this warm JVM) and of the Spark embedding
 * job on each given master, end to end: model load (the executor cache is cleared first), decode, preprocess, encode,
 * write (safetensors / Parquet). Every repetition runs the CLI and then each master in turn, so all of them see the
 * same machine load; the Spark session is started and stopped outside the timed part. Also reports CPU-seconds per
 * image (the process's CPU time: in local mode Spark's own threads are in it). docs/spark.md.
 *
 * <pre>java ... clipvr.spark.EmbedThroughput WEIGHTS IMAGE_DIR REPS MASTER...</pre>
 */
public final class EmbedThroughput {
    public static void main(String[] args) throws Exception {
        Path weights = Path.of(args[0]), dir = Path.of(args[1]);
        int reps = Integer.parseInt(args[2]);
        List<String> masters = List.of(args).subList(3, args.length);
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) { files = s.filter(Files::isRegularFile).sorted().toList(); }
        int n = files.size();
        Path tmp = Files.createTempDirectory("embed-bench");
        PrintStream out = System.out;
        List<String> cliArgs = new ArrayList<>(List.of("encode", "--weights", weights.toString(), "--out", tmp.resolve("cli.safetensors").toString(), "--images"));
        files.forEach(f -> cliArgs.add(f.toString()));
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        int k = masters.size() + 1;
        double[][] rate = new double[k][reps], cpu = new double[k][reps];
        for (int r = -1; r < reps; r++) {                                                    // rep -1 warms the JIT
            StringBuilder line = new StringBuilder("rep " + r + ":");
            for (int m = 0; m < k; m++) {
                SparkSession session = m == 0 ? null : SparkSession.builder().master(masters.get(m - 1)).appName("embed-bench")
                        .config("spark.ui.enabled", "false").getOrCreate();
                ExecutorCache.clear();
                long t0 = System.nanoTime(), c0 = os.getProcessCpuTime();
                if (session == null) {
                    if (Main.run(cliArgs.toArray(String[]::new)) != 0) throw new IllegalStateException("encode failed");
                } else {
                    var in = SparkMain.imagePaths(session, dir, session.sparkContext().defaultParallelism());
                    EmbedJob.transform(in, EmbedJob.Options.of(weights.toString(), ImageColumn.paths("path")))
                            .write().mode("overwrite").parquet(tmp.resolve("spark.parquet").toString());
                }
                double w = (System.nanoTime() - t0) / 1e9, c = (os.getProcessCpuTime() - c0) / 1e9;
                if (session != null) session.stop();
                line.append(String.format(Locale.ROOT, " %s %.2f images/s %.3f CPU-s/image;", m == 0 ? "cli" : masters.get(m - 1), n / w, c / n));
                if (r >= 0) {
                    rate[m][r] = n / w;
                    cpu[m][r] = c / n;
                }
            }
            out.println(line);
        }
        StringBuilder res = new StringBuilder(String.format(Locale.ROOT, "RESULT %d images, %d reps, medians: cli %.2f images/s %.3f CPU-s/image",
                n, reps, median(rate[0]), median(cpu[0])));
        for (int m = 1; m < k; m++)
            res.append(String.format(Locale.ROOT, "; %s %.2f images/s (%.3f x cli) %.3f CPU-s/image", masters.get(m - 1), median(rate[m]),
                    median(rate[m]) / median(rate[0]), median(cpu[m])));
        out.println(res);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
