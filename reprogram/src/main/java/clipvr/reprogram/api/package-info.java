/**
 * The public Java API of the reprogramming module: {@link clipvr.reprogram.api.ReprogrammedClassifier} loads what
 * {@code ./clipvr train} wrote (prompt(s), SMM's mask network, the head, DVP's PRM, the cached text features) and
 * predicts labels and probabilities for new images. CLIP itself is in {@link clipvr.clip.api}.
 */
package clipvr.reprogram.api;
