package clipvr.reprogram.mapping;

import clipvr.autograd.Var;

/**
 * How a frozen source classifier's logits [B, S] become target logits [B, C]: a one-to-one {@link LabelMapping}
 * (SMM spec §5.4: ILM, FLM, RLM) or a {@link BayesianMapping}, a real reweighting matrix ω [S, C] (BLM, BLM+).
 */
public sealed interface OutputMapping permits LabelMapping, BayesianMapping {
    int numSources();

    int numTargets();

    /** source logits [B, S] → target logits [B, C]. */
    Var apply(Var sourceLogits);

    /** The mapping as a matrix W [S][C] with z = s·W (one 1 per column for a one-to-one mapping). */
    double[][] matrix();
}
