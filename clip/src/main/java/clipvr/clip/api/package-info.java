/**
 * The public Java API of the CLIP module: load a checkpoint once and use it from any number of threads.
 * <ul>
 *   <li>{@link clipvr.clip.api.ClipEmbedder}: images (files, {@link java.awt.image.BufferedImage}s, encoded bytes
 *       or prepared pixels) and texts (strings or token ids) to {@code float[]} embeddings, in batches, with the
 *       model's own preprocessing and tokenizer;</li>
 *   <li>{@link clipvr.clip.api.ZeroShotImageClassifier}: CLIP's prompt-ensemble zero-shot classifier from class
 *       names and templates;</li>
 *   <li>{@link clipvr.clip.api.Prediction}: what a classifier returns for one image (label, probabilities, top-k).</li>
 * </ul>
 * Everything else in {@code clipvr.clip} is the implementation behind these types.
 */
package clipvr.clip.api;
