/**
 * clipvr on Apache Spark: distributed batch jobs over tables of images, with the same kernels as the command line.
 * <ul>
 *   <li>{@link clipvr.spark.EmbedJob}: a table of image paths or bytes → an embedding column;</li>
 *   <li>{@link clipvr.spark.ClassifyJob}: zero-shot CLIP or a trained reprogramming run ({@link clipvr.spark.ModelSpec})
 *       over a table (label, top-k, probabilities), or evaluated over a whole dataset split (top-1, top-5, per-class,
 *       confusion: the numbers of {@code ./clipvr zeroshot} / {@code ./clipvr evaluate});</li>
 *   <li>{@link clipvr.spark.GridJob}: an experiment grid (datasets × methods × seeds), one training run per Spark task,
 *       resumable;</li>
 *   <li>{@link clipvr.spark.SparkMain}: the same jobs from {@code spark-submit}.</li>
 * </ul>
 * Models are loaded once per executor JVM (by path on shared storage) and partitions are processed in batches.
 * Cluster use: docs/spark.md.
 */
package clipvr.spark;
