package clipvr.spark;

import clipvr.reprogram.cli.Main;
import clipvr.reprogram.train.RunFiles;
import clipvr.reprogram.train.RunResults;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An experiment grid on Spark: datasets × methods × seeds, each cell one {@code ./clipvr train} run in its own run
 * directory {@code <out>/<dataset>/<method>/seed-<s>}, each run one Spark task (one partition per cell). The results
 * come back as one table (one row per cell).
 *
 * <p>Resumable: a cell whose {@code results.json} says {@code completed} is not trained again (its row is read back,
 * {@code reused = true}); a cell stopped part-way (a checkpoint without a completed {@code results.json}) continues
 * with {@code train --resume}, bit-identical to an uninterrupted run. Run directories must be on storage shared by
 * the executors.
 */
public final class GridJob {
    private GridJob() {}

    /** One cell of the grid. */
    public record Cell(String data, String method, long seed) implements Serializable {}

    /**
     * @param datasets  {@code --data} specs (their last path component, sanitised, names the cell directory; must be unique)
     * @param methods   {@code --method} names
     * @param seeds     seeds
     * @param out       the grid's root directory (shared storage)
     * @param trainArgs flags every cell's {@code train} gets, e.g. {@code --weights W --shots 16 --epochs 200}
     */
    public record Spec(List<String> datasets, List<String> methods, List<Long> seeds, String out, List<String> trainArgs) implements Serializable {
        public Spec {
            datasets = List.copyOf(datasets);
            methods = List.copyOf(methods);
            seeds = List.copyOf(seeds);
            trainArgs = List.copyOf(trainArgs);
            Set<String> names = new HashSet<>();
            for (String d : datasets)
                if (!names.add(dirName(d))) throw new IllegalArgumentException("two datasets share the directory name '" + dirName(d) + "'");
            for (String a : trainArgs)
                if (List.of("--method", "--data", "--seed", "--out", "--resume").contains(a))
                    throw new IllegalArgumentException("train flag " + a + " is set per cell by the grid");
        }

        /** Every cell, dataset-major. */
        public List<Cell> cells() {
            List<Cell> out = new ArrayList<>();
            for (String d : datasets) for (String m : methods) for (long s : seeds) out.add(new Cell(d, m, s));
            return out;
        }

        /** The run directory of {@code c}. */
        public Path runDir(Cell c) { return Path.of(out, dirName(c.data()), c.method(), "seed-" + c.seed()); }
    }

    /** A dataset spec's directory name: its last path component (without .tar.gz), lower case, [a-z0-9._-] only. */
    static String dirName(String data) {
        String s = data.replaceAll("[/\\\\]+$", "");
        s = s.substring(Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\')) + 1).replaceAll("\\.tar\\.gz$", "");
        s = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "_");
        return s.isEmpty() ? "data" : s;
    }

    /** The results table's columns. */
    public static final StructType RESULTS = new StructType()
            .add("dataset", DataTypes.StringType, false)
            .add("method", DataTypes.StringType, false)
            .add("seed", DataTypes.LongType, false)
            .add("status", DataTypes.StringType, false)
            .add("reused", DataTypes.BooleanType, false)
            .add("best_epoch", DataTypes.IntegerType, true)
            .add("best_top1", DataTypes.DoubleType, true)
            .add("best_top5", DataTypes.DoubleType, true)
            .add("last_top1", DataTypes.DoubleType, true)
            .add("epochs_completed", DataTypes.IntegerType, true)
            .add("wall_seconds", DataTypes.DoubleType, true)
            .add("run_dir", DataTypes.StringType, false);

    /** Runs (or reuses) every cell, one Spark task each, and returns the results table (one row per cell, computed once). */
    public static Dataset<Row> run(SparkSession spark, Spec spec) {
        List<Cell> cells = spec.cells();
        var rdd = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(cells, cells.size());
        Function<Cell, Row> f = c -> runCell(spec, c);
        // collected at once: a lazy table would train again whenever Spark recomputes it (e.g. sampling for a sort)
        List<Row> rows = rdd.map(f).collect();
        return spark.createDataFrame(rows, RESULTS);
    }

    /** One cell on an executor: reuse, resume or train, then read its results.json. */
    static Row runCell(Spec spec, Cell c) throws Exception {
        Path dir = spec.runDir(c);
        Path results = dir.resolve(RunFiles.RESULTS);
        boolean reused = completed(results);
        String status;
        if (reused) {
            status = "completed";
        } else {
            List<String> args = new ArrayList<>(List.of("train", "--method", c.method(), "--data", c.data(), "--seed", Long.toString(c.seed()),
                    "--out", dir.toString(), "--quiet"));
            if (Files.exists(dir.resolve(RunFiles.CONFIG))) args.add("--resume");
            args.addAll(spec.trainArgs());
            Files.createDirectories(dir.getParent());
            int rc = Main.run(args.toArray(String[]::new));
            status = rc == 0 ? "completed" : "failed (exit " + rc + ")";
        }
        RunResults r = Files.isRegularFile(results) ? RunFiles.readJson(results, RunResults.class) : null;
        if (r != null && !status.startsWith("failed")) status = r.status;
        return RowFactory.create(c.data(), c.method(), c.seed(), status, reused,
                r == null || r.best == null ? null : r.best.epoch(),
                r == null || r.best == null ? null : r.best.top1(),
                r == null || r.best == null ? null : r.best.top5(),
                r == null || r.last == null ? null : r.last.top1(),
                r == null ? null : r.epochsCompleted,
                r == null ? null : r.wallSeconds,
                dir.toString());
    }

    private static boolean completed(Path results) {
        if (!Files.isRegularFile(results)) return false;
        try {
            return "completed".equals(RunFiles.readJson(results, RunResults.class).status);
        } catch (RuntimeException unreadable) {
            return false;                                             // a damaged file: train (or resume) again
        }
    }
}
