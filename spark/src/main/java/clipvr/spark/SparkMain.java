package clipvr.spark;

import clipvr.clip.zeroshot.Templates;
import clipvr.reprogram.data.Datasets;
import clipvr.reprogram.train.RunFiles;
import clipvr.reprogram.train.TrainConfig;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * The Spark jobs from {@code spark-submit} (docs/spark.md):
 * <pre>
 *   spark-submit --class clipvr.spark.SparkMain clipvr-spark-job.jar embed    --weights W --images DIR --out OUT.parquet
 *   spark-submit ... clipvr-spark-job.jar classify (--run RUN | --weights W --names FILE) --images DIR --out OUT.parquet
 *   spark-submit ... clipvr-spark-job.jar zeroshot --weights W --data SPEC [--split test] [--templates T]
 *   spark-submit ... clipvr-spark-job.jar evaluate --run RUN [--data SPEC] [--split test]
 *   spark-submit ... clipvr-spark-job.jar grid     --datasets A,B --methods ar,vp --seeds 0,1,2 --out ROOT -- --weights W --epochs 200
 * </pre>
 * The master, executors and memory come from {@code spark-submit}; without one (a plain {@code java} run) the jobs use
 * {@code local[*]}.
 */
@Command(name = "clipvr-spark", mixinStandardHelpOptions = true, description = "clipvr batch jobs on Apache Spark.",
        subcommands = {SparkMain.Embed.class, SparkMain.Classify.class, SparkMain.ZeroShot.class, SparkMain.Evaluate.class, SparkMain.Grid.class})
public final class SparkMain implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(System.out); }

    public static void main(String[] args) { System.exit(run(args)); }

    /** Runs a job and returns the exit code (2 for bad arguments). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new SparkMain());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("clipvr-spark " + cmd.getCommandName() + ": " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            if (Boolean.getBoolean("clipvr.debug")) ex.printStackTrace(cmd.getErr());
            return ex instanceof IllegalArgumentException ? 2 : 1;
        });
        return cl.execute(args);
    }

    static SparkSession session(String app) {
        var b = SparkSession.builder().appName("clipvr " + app);
        if (System.getProperty("spark.master") == null) b.master("local[*]");
        return b.getOrCreate();
    }

    /** The image input of the table jobs: a directory listed on the driver, or a Parquet table. */
    static class Input {
        @Option(names = "--images", description = "directory: every .jpg/.jpeg/.png/.bmp/.gif under it (paths must be readable by the executors)") Path images;
        @Option(names = "--table", description = "Parquet table with a path or bytes column") String table;
        @Option(names = "--path-col", defaultValue = "path", description = "column of image paths (default ${DEFAULT-VALUE})") String pathCol;
        @Option(names = "--bytes-col", description = "column of encoded image bytes instead of --path-col") String bytesCol;
        @Option(names = "--partitions", description = "partitions (default: Spark's default parallelism)") Integer partitions;

        Dataset<Row> load(SparkSession spark) {
            if ((images == null) == (table == null)) throw new IllegalArgumentException("give one of --images DIR or --table PARQUET");
            int p = partitions != null ? partitions : spark.sparkContext().defaultParallelism();
            if (images != null) return imagePaths(spark, images, p);
            Dataset<Row> t = spark.read().parquet(table);
            return partitions != null ? t.repartition(p) : t;
        }

        ImageColumn column() { return images != null || bytesCol == null ? ImageColumn.paths(images != null ? "path" : pathCol) : ImageColumn.bytes(bytesCol); }
    }

    /** A one-column table {@code path} of every image file under {@code dir}, sorted, in {@code partitions} partitions. */
    public static Dataset<Row> imagePaths(SparkSession spark, Path dir, int partitions) {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("--images: not a directory: " + dir);
        List<String> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(jpe?g|png|bmp|gif)"))
                    .map(f -> f.toAbsolutePath().toString()).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (files.isEmpty()) throw new IllegalArgumentException("--images " + dir + ": no images under it");
        return spark.createDataset(files, Encoders.STRING()).toDF("path").repartition(Math.max(1, partitions));
    }

    @Command(name = "embed", mixinStandardHelpOptions = true, description = "Image embeddings into a Parquet table (input columns + embedding).")
    static final class Embed extends Input implements Callable<Integer> {
        @Option(names = "--weights", required = true, description = "CLIP checkpoint on shared storage") String weights;
        @Option(names = "--vocab", description = "tokenizer vocabulary (default: beside the weights, else ../shared/clip)") String vocab;
        @Option(names = "--no-normalize", description = "keep the encoder outputs (default: L2-normalised)") boolean raw;
        @Option(names = "--batch", defaultValue = "32", description = "images per forward pass (default ${DEFAULT-VALUE})") int batch;
        @Option(names = "--out", required = true, description = "output Parquet directory") String out;

        @Override public Integer call() {
            SparkSession spark = session("embed");
            var o = EmbedJob.Options.of(weights, column()).withVocab(vocab).withNormalize(!raw).withBatchSize(batch);
            long t0 = System.nanoTime();
            Dataset<Row> in = load(spark);
            EmbedJob.transform(in, o).write().mode(SaveMode.ErrorIfExists).parquet(out);
            long n = spark.read().parquet(out).count();
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "embedded %d images in %.1f s (%.2f images/s) into %s%n", n, s, n / s, out);
            return 0;
        }
    }

    @Command(name = "classify", mixinStandardHelpOptions = true, description = "Labels, top-k and probabilities for a table of images, zero-shot or with a trained run.")
    static final class Classify extends Input implements Callable<Integer> {
        @Option(names = "--run", description = "a trained run directory") String run;
        @Option(names = "--weights", description = "zero-shot: CLIP checkpoint; with --run: the weights if they moved") String weights;
        @Option(names = "--vocab", description = "zero-shot: tokenizer vocabulary") String vocab;
        @Option(names = "--names", description = "zero-shot: class names, one per line") Path names;
        @Option(names = "--templates", defaultValue = "simple", description = "zero-shot: cifar, gtsrb, mnist, simple, vr or a file (default ${DEFAULT-VALUE})") String templates;
        @Option(names = "--top", defaultValue = "5", description = "classes per row (default ${DEFAULT-VALUE})") int top;
        @Option(names = "--out", required = true, description = "output Parquet directory") String out;

        @Override public Integer call() throws IOException {
            ModelSpec model;
            if (run != null) model = new ModelSpec.Run(run, "last", weights);
            else {
                if (weights == null || names == null) throw new IllegalArgumentException("give --run RUN, or --weights W --names FILE for zero-shot");
                model = new ModelSpec.ZeroShot(weights, vocab, Files.readAllLines(names).stream().map(String::strip).filter(s -> !s.isEmpty()).toList(),
                        Templates.resolve(templates));
            }
            SparkSession spark = session("classify");
            ClassifyJob.transform(load(spark), model, column(), top).write().mode(SaveMode.ErrorIfExists).parquet(out);
            System.out.println("wrote " + out);
            return 0;
        }
    }

    /** Evaluation flags shared by zeroshot and evaluate. */
    static class EvalFlags {
        @Option(names = "--split", defaultValue = "test", description = "split (default ${DEFAULT-VALUE})") String split;
        @Option(names = "--limit", description = "the first N items of the class-balanced order") Integer limit;
        @Option(names = "--partitions", description = "partitions (default: Spark's default parallelism)") Integer partitions;

        int partitions(SparkSession spark) { return partitions != null ? partitions : spark.sparkContext().defaultParallelism(); }

        static int print(ClassifyJob.Metrics m) throws IOException {
            System.out.println(RunFiles.JSON.writeValueAsString(ClassifyJob.summary(m)));
            return 0;
        }
    }

    @Command(name = "zeroshot", mixinStandardHelpOptions = true, description = "Zero-shot accuracy over a dataset split (the numbers of ./clipvr zeroshot --json).")
    static final class ZeroShot extends EvalFlags implements Callable<Integer> {
        @Option(names = "--weights", required = true, description = "CLIP checkpoint") String weights;
        @Option(names = "--vocab", description = "tokenizer vocabulary") String vocab;
        @Option(names = "--data", required = true, description = "dataset spec, as the CLI's --data") String data;
        @Option(names = "--templates", description = "cifar, gtsrb, mnist, simple, vr or a file (default: as ./clipvr zeroshot)") String templates;

        @Override public Integer call() throws IOException {
            List<String> classes = Datasets.open(data, split).classNames();
            String t = templates != null ? templates : Templates.defaultFor(data);
            SparkSession spark = session("zeroshot");
            return print(ClassifyJob.evaluate(spark, new ModelSpec.ZeroShot(weights, vocab, classes, Templates.resolve(t)), data, split, limit, partitions(spark)));
        }
    }


    @Command(name = "evaluate", mixinStandardHelpOptions = true, description = "Accuracy of a trained run over a dataset split (the numbers of ./clipvr evaluate --json).")
    static final class Evaluate extends EvalFlags implements Callable<Integer> {
        @Option(names = "--run", required = true, description = "run directory") String run;
        @Option(names = "--data", description = "dataset spec (default: the run's)") String data;
        @Option(names = "--checkpoint", defaultValue = "last", description = "last or best (default ${DEFAULT-VALUE})") String checkpoint;
        @Option(names = "--weights", description = "CLIP weights if they moved") String weights;

        @Override public Integer call() throws IOException {
            Path cfg = Path.of(run, RunFiles.CONFIG);
            if (!Files.isRegularFile(cfg)) throw new IllegalArgumentException("--run " + run + ": no " + RunFiles.CONFIG + " (not a run directory)");
            String d = data != null ? data : RunFiles.readJson(cfg, TrainConfig.class).data();
            SparkSession spark = session("evaluate");
            return print(ClassifyJob.evaluate(spark, new ModelSpec.Run(run, checkpoint, weights), d, split, limit, partitions(spark)));
        }
    }

    @Command(name = "grid", mixinStandardHelpOptions = true,
            description = "An experiment grid, one training run per Spark task; finished cells are reused. Flags after -- go to every cell's train.")
    static final class Grid implements Callable<Integer> {
        @Option(names = "--datasets", required = true, split = ",", description = "dataset specs") List<String> datasets;
        @Option(names = "--methods", required = true, split = ",", description = "methods") List<String> methods;
        @Option(names = "--seeds", defaultValue = "0", split = ",", description = "seeds (default ${DEFAULT-VALUE})") List<Long> seeds;
        @Option(names = "--out", required = true, description = "grid root directory on shared storage") String out;
        @CommandLine.Parameters(description = "train flags for every cell (after --)") List<String> trainArgs = List.of();

        @Override public Integer call() {
            SparkSession spark = session("grid");
            Dataset<Row> results = GridJob.run(spark, new GridJob.Spec(datasets, methods, seeds, out, trainArgs)).cache();
            results.coalesce(1).write().mode(SaveMode.Overwrite).option("header", true).csv(Path.of(out, "results.csv").toString());
            results.write().mode(SaveMode.Overwrite).parquet(Path.of(out, "results.parquet").toString());
            results.show(Integer.MAX_VALUE, false);
            return 0;
        }
    }
}
