package clipvr.reprogram.head;

import clipvr.autograd.Var;
import clipvr.reprogram.mapping.LabelMapping;
import clipvr.reprogram.mapping.OutputMapping;
import clipvr.tensor.Constants;
import clipvr.tensor.Tensor;

import java.util.Objects;

/**
 * A frozen source classifier followed by an output label mapping (SMM spec §5.4, with CLIP in the role of
 * the classifier without a text head). The source classifier is a head over S source classes: for VP, AR and SMM,
 * CLIP zero-shot, a {@link LabelHead} over the fixed table T_S [S, E] (label template, L2-normalised), giving source
 * logits scale · v̂ T_Sᵀ [B, S]; for AttrVR, an {@link AttrVrHead} over the source classes' descriptions (top-k means
 * per source class, [B, S]). The target logits are {@link OutputMapping#apply} of the source logits, [B, C]: the
 * mapped columns of a one-to-one {@link LabelMapping}, or s·ω of a {@link clipvr.reprogram.mapping.BayesianMapping}.
 * The mapping is replaced by the trainer (ILM, BLM and BLM+ every epoch, FLM once).
 */
public final class MappedHead implements ClassHead {
    private final ClassHead source;             // v [B, E] → [B, S]
    private OutputMapping mapping;
    private Tensor selection;                   // W [S, C] of the mapping (one-hot columns for one-to-one): on a device

    public MappedHead(ClassHead source, OutputMapping mapping) {
        if (source instanceof MappedHead) throw new IllegalArgumentException("MappedHead: the source head is itself mapped");
        this.source = Objects.requireNonNull(source, "source");
        setMapping(mapping);
    }

    /** CLIP zero-shot over the source table T_S [S, E] at temperature {@code scale}, then the mapping. */
    public MappedHead(Tensor sourceEmbeddings, OutputMapping mapping, double scale) { this(new LabelHead(sourceEmbeddings, scale), mapping); }

    public MappedHead(Tensor sourceEmbeddings, OutputMapping mapping) { this(sourceEmbeddings, mapping, CosineLogits.LOGIT_SCALE); }

    /** The frozen source classifier. */
    public ClassHead source() { return source; }

    /** v [B, E] → source logits [B, S]. */
    public Var sourceLogits(Var imageFeatures) { return source.logits(imageFeatures); }

    /** v [B, E] → target logits [B, C] through the current mapping. */
    @Override public Var logits(Var imageFeatures) {
        Var s = sourceLogits(imageFeatures);                                                  // [B, S]
        if (s.data().device().isCpu()) return mapping.apply(s);       // index-select of the mapped columns, or s·ω
        if (selection == null || selection.dtype() != s.dtype()) {                           // on a device: z = s·W, W uploaded once per mapping
            double[][] w = mapping.matrix();
            selection = Tensor.zeros(s.dtype(), numSources(), numClasses());
            for (int i = 0; i < w.length; i++)
                for (int t = 0; t < w[i].length; t++) if (w[i][t] != 0) selection.set(w[i][t], i, t);
        }
        return s.matmul(Var.constant(Constants.on(s.data().device(), selection)));           // [B, C]; one-to-one: exact, one 1 per column
    }

    @Override public int numClasses() { return mapping.numTargets(); }

    public int numSources() { return source.numClasses(); }

    public OutputMapping mapping() { return mapping; }

    public void setMapping(OutputMapping m) {
        Objects.requireNonNull(m, "mapping");
        if (m.numSources() != numSources())
            throw new IllegalArgumentException("MappedHead: mapping over " + m.numSources() + " sources for a " + numSources() + "-class source head");
        if (mapping != null && m.numTargets() != mapping.numTargets())
            throw new IllegalArgumentException("MappedHead: mapping for " + m.numTargets() + " targets, expected " + mapping.numTargets());
        this.mapping = m;
        this.selection = null;
    }
}
