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
        double[] cli = new double[reps + 1], spark = new double[reps + 1];
        for (int r = 0; r <= reps; r++) {                                                    // rep 0 warms the JIT
            long t0 = System.nanoTime();
            if (Main.run(cliArgs.toArray(String[]::new)) != 0) throw new IllegalStateException("encode failed");
            cli[r] = files.size() / ((System.nanoTime() - t0) / 1e9);
            out.printf(Locale.ROOT, "cli rep %d: %.2f images/s%n", r, cli[r]);
        }
        SparkSession session = SparkSession.builder().master(master).appName("embed-bench").config("spark.ui.enabled", "false").getOrCreate();
        int partitions = session.sparkContext().defaultParallelism();
        for (int r = 0; r <= reps; r++) {
            ExecutorCache.clear();                                                           // the job loads the model, as the CLI does
            long t0 = System.nanoTime();
            var in = SparkMain.imagePaths(session, dir, partitions);
            EmbedJob.transform(in, EmbedJob.Options.of(weights.toString(), ImageColumn.paths("path")))
                    .write().mode("overwrite").parquet(tmp.resolve("spark.parquet").toString());
            spark[r] = files.size() / ((System.nanoTime() - t0) / 1e9);
            out.printf(Locale.ROOT, "spark %s rep %d: %.2f images/s%n", master, r, spark[r]);
        }
        session.stop();
        double c = median(Arrays.copyOfRange(cli, 1, reps + 1)), s = median(Arrays.copyOfRange(spark, 1, reps + 1));
        out.printf(Locale.ROOT, "RESULT %d images, cli median %.2f images/s, spark %s median %.2f images/s, ratio %.3f (%d partitions)%n",
                files.size(), c, master, s, s / c, partitions);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
