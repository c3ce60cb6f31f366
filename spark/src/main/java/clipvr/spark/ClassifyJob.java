package clipvr.spark;

import clipvr.clip.api.Prediction;
import clipvr.reprogram.data.Dataset;
import clipvr.reprogram.data.Datasets;
import clipvr.reprogram.train.Trainer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Classification with a {@link ModelSpec} (zero-shot CLIP or a trained run) on Spark:
 * <ul>
 *   <li>{@link #transform}: a table of images → the same table with {@code label}, {@code label_index},
 *       {@code probability}, {@code top_labels} and {@code top_probabilities};</li>
 *   <li>{@link #evaluate}: a labelled dataset split (any {@code --data} spec the CLI reads, of any size) split into
 *       index ranges, each partition reading its items from shared storage → {@link Metrics}, the numbers of
 *       {@code ./clipvr zeroshot --json} and {@code ./clipvr evaluate --json} on the same data.</li>
 * </ul>
 */
public final class ClassifyJob {
    private ClassifyJob() {}

    /** Images per forward pass on the executors. */
    public static final int BATCH = 32;

    /** {@code images} with the prediction columns appended; {@code top} classes per row. */
    public static org.apache.spark.sql.Dataset<Row> transform(org.apache.spark.sql.Dataset<Row> images, ModelSpec model, ImageColumn image, int top) {
        image.check(images.schema());
        if (top < 1) throw new IllegalArgumentException("top must be positive, got " + top);
        StructType out = images.schema()
                .add("label", DataTypes.StringType, false)
                .add("label_index", DataTypes.IntegerType, false)
                .add("probability", DataTypes.DoubleType, false)
                .add("top_labels", DataTypes.createArrayType(DataTypes.StringType, false), false)
                .add("top_probabilities", DataTypes.createArrayType(DataTypes.DoubleType, false), false);
        MapPartitionsFunction<Row, Row> f = rows -> new Batches<>(rows, BATCH, batch -> {
            List<byte[]> bytes = new ArrayList<>(batch.size());
            for (Row r : batch) bytes.add(image.read(r));
            List<Prediction> ps = model.open().predictBytes(bytes, top);
            List<Row> res = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                Prediction p = ps.get(i);
                res.add(EmbedJob.append(batch.get(i), p.label(), p.index(), p.probability(),
                        p.top().stream().map(Prediction.ClassScore::label).toArray(String[]::new),
                        p.top().stream().mapToDouble(Prediction.ClassScore::probability).toArray()));
            }
            return res;
        });
        return images.mapPartitions(f, org.apache.spark.sql.Encoders.row(out));
    }

    /**
     * Accuracy over a dataset split, as {@code ./clipvr zeroshot} / {@code evaluate} report it.
     *
     * @param images    items evaluated
     * @param top1      fraction whose highest logit is the label (ties: the lower index wins)
     * @param top5      fraction whose label is among the 5 highest
     * @param perClass  top-1 per class (NaN for a class without items)
     * @param confusion counts, rows = true class, columns = predicted class
     */
    public record Metrics(long images, double top1, double top5, List<String> classNames, double[] perClass, long[][] confusion) {}

    /** Per-item outcome rows computed on the executors. */
    static final StructType OUTCOME = new StructType()
            .add("index", DataTypes.IntegerType, false)
            .add("label", DataTypes.IntegerType, false)
            .add("predicted", DataTypes.IntegerType, false)
            .add("top5", DataTypes.BooleanType, false);

    private record DatasetKey(String spec, String split) {}

    static Dataset openDataset(String spec, String split) {
        return ExecutorCache.get(new DatasetKey(spec, split), () -> Datasets.open(spec, split));
    }

    /**
     * Evaluates {@code model} on {@code split} of {@code data}.
     *
     * @param limit      the first {@code limit} items of the class-balanced order (as the CLI's {@code --limit}), or null
     * @param partitions Spark partitions (tasks); each executor opens the dataset and the model once
     */
    public static Metrics evaluate(SparkSession spark, ModelSpec model, String data, String split, Integer limit, int partitions) {
        Dataset ds = Datasets.open(data, split);                                   // the driver only reads labels and names
        List<String> classes = ds.classNames();
        if (model instanceof ModelSpec.ZeroShot z && !z.classNames().equals(classes))
            throw new IllegalArgumentException("zero-shot class names " + z.classNames() + " differ from the dataset's " + classes);
        int[] order = Trainer.balancedOrder(ds, limit);
        List<Integer> indices = Arrays.stream(order).boxed().toList();
        var rdd = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(indices, Math.max(1, partitions));
        FlatMapFunction<java.util.Iterator<Integer>, Row> f = it -> new Batches<>(it, BATCH, batch -> {
            Dataset d = openDataset(data, split);
            ModelSpec.Classifier c = model.open();
            if (!c.classNames().equals(d.classNames()))
                throw new IllegalArgumentException("--data: the dataset's classes " + d.classNames() + " differ from the model's " + c.classNames());
            List<BufferedImage> images = new ArrayList<>(batch.size());
            for (int i : batch) images.add(d.image(i));
            List<Prediction> ps = c.predictImages(images, 5);
            List<Row> res = new ArrayList<>(batch.size());
            for (int k = 0; k < batch.size(); k++) {
                int i = batch.get(k), label = d.label(i);
                Prediction p = ps.get(k);
                boolean inTop5 = p.top().stream().anyMatch(s -> s.index() == label);
                res.add(RowFactory.create(i, label, p.index(), inTop5));
            }
            return res;
        });
        var outcomes = spark.createDataFrame(rdd.mapPartitions(f), OUTCOME);
        // the confusion matrix is all we need: top-1 is its trace, per-class its rows; top-5 is one more count
        List<Row> cells = outcomes.groupBy("label", "predicted")
                .agg(org.apache.spark.sql.functions.count("*").as("n"),
                        org.apache.spark.sql.functions.sum(org.apache.spark.sql.functions.col("top5").cast("long")).as("top5"))
                .collectAsList();
        int c = classes.size();
        long[][] confusion = new long[c][c];
        long total = 0, correct = 0, top5 = 0;
        for (Row r : cells) {
            int a = r.getInt(0), b = r.getInt(1);
            long n = r.getLong(2);
            confusion[a][b] += n;
            total += n;
            if (a == b) correct += n;
            top5 += r.getLong(3);
        }
        double[] perClass = new double[c];
        for (int a = 0; a < c; a++) {
            long n = Arrays.stream(confusion[a]).sum();
            perClass[a] = n == 0 ? Double.NaN : (double) confusion[a][a] / n;
        }
        return new Metrics(total, total == 0 ? 0 : (double) correct / total, total == 0 ? 0 : (double) top5 / total, classes, perClass, confusion);
    }

    /** {@link Metrics} as the CLI's JSON keys ({@code images}, {@code top1}, {@code top5}, {@code per_class}, {@code confusion}). */
    public static java.util.Map<String, Object> summary(Metrics m) {
        java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("images", m.images());
        out.put("top1", m.top1());
        out.put("top5", m.top5());
        java.util.Map<String, Double> pc = new java.util.LinkedHashMap<>();
        for (int i = 0; i < m.classNames().size(); i++) pc.put(m.classNames().get(i), m.perClass()[i]);
        out.put("per_class", pc);
        out.put("confusion", m.confusion());
        return out;
    }
}
