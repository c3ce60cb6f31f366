package clipvr.spark;

import clipvr.clip.api.ClipEmbedder;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Image embeddings as a Spark transformation: {@code transform(images) → images + embedding column}
 * ({@code array<float>}, CLIP's image features, optionally L2-normalised). Each executor loads the model once; each
 * partition is encoded in batches of {@link Options#batchSize()} with {@link ClipEmbedder}, the library's (and the
 * CLI's) code path.
 *
 * <pre>{@code
 * Dataset<Row> images = spark.read().format("binaryFile").option("pathGlobFilter", "*.jpg").load("/data/images");
 * Dataset<Row> out = EmbedJob.transform(images, EmbedJob.Options.of("/models/ViT-B-32.pt", ImageColumn.bytes("content")));
 * out.select("path", "embedding").write().parquet("/data/embeddings.parquet");
 * }</pre>
 */
public final class EmbedJob {
    private EmbedJob() {}

    /**
     * @param weights   CLIP checkpoint path, readable on every executor
     * @param vocab     tokenizer vocabulary (null: beside the weights or in ../shared/clip; images need none)
     * @param image     the image column
     * @param output    name of the new column
     * @param normalize L2-normalise the embeddings
     * @param batchSize images per forward pass
     */
    public record Options(String weights, String vocab, ImageColumn image, String output, boolean normalize, int batchSize) implements Serializable {
        public Options {
            if (batchSize < 1) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }

        /** Column {@code embedding}, normalised, batches of 32. */
        public static Options of(String weights, ImageColumn image) {
            return new Options(weights, null, image, "embedding", true, ClipEmbedder.DEFAULT_BATCH);
        }

        public Options withVocab(String v) { return new Options(weights, v, image, output, normalize, batchSize); }
        public Options withNormalize(boolean n) { return new Options(weights, vocab, image, output, n, batchSize); }
        public Options withBatchSize(int b) { return new Options(weights, vocab, image, output, normalize, b); }
        public Options withOutput(String o) { return new Options(weights, vocab, image, o, normalize, batchSize); }
    }

    /** The model of {@code o}, loaded once per JVM. */
    static ClipEmbedder embedder(Options o) {
        ClipEmbedder clip = ExecutorCache.get(new ModelKey(o.weights(), o.vocab()), () -> o.vocab() == null
                ? ClipEmbedder.load(Path.of(o.weights())) : ClipEmbedder.load(Path.of(o.weights()), Path.of(o.vocab())));
        return clip.withBatchSize(o.batchSize());
    }

    private record ModelKey(String weights, String vocab) {}

    /** {@code images} with the embedding column appended (the rows keep their order within each partition). */
    public static Dataset<Row> transform(Dataset<Row> images, Options o) {
        StructType in = images.schema();
        o.image().check(in);
        StructType out = in.add(o.output(), DataTypes.createArrayType(DataTypes.FloatType, false), false);
        MapPartitionsFunction<Row, Row> f = rows -> new Batches<>(rows, o.batchSize(), batch -> {
            List<byte[]> bytes = new ArrayList<>(batch.size());
            for (Row r : batch) bytes.add(o.image().read(r));
            float[][] e = embedder(o).encodeImageBytes(bytes, o.normalize());
            List<Row> res = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) res.add(append(batch.get(i), e[i]));
            return res;
        });
        return images.mapPartitions(f, Encoders.row(out));
    }

    /** {@code row}'s values followed by {@code extra}. */
    static Row append(Row row, Object... extra) {
        Object[] v = new Object[row.length() + extra.length];
        for (int i = 0; i < row.length(); i++) v[i] = row.get(i);
        System.arraycopy(extra, 0, v, row.length(), extra.length);
        return RowFactory.create(v);
    }
}
