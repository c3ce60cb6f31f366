package clipvr.reprogram.input;

import clipvr.autograd.Var;
import clipvr.autograd.ops.Conv;
import clipvr.reprogram.method.StateDict;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import clipvr.tensor.ops.Windows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * SMM's mask generator f_mask (SMM-code {@code AttributeNet}; spec §5.2), a small CNN on the CLIP-normalised
 * image x [B, 3, R, R]:
 * <pre>
 *   hidden layer i (i = 1..4, or 1..5 for the 6-layer variant): conv3×3 → BN → ReLU → [MaxPool2d(2,2) if i ≤ log2(patch)]
 *   widths 3 → 8 → 16 → 32 → 64 (→ 128)
 *   last: conv3×3 (64 | 128) → 3   (no BN, no activation)       — channels = 3
 *         mean over the hidden channels, [B, 1, ·, ·]            — channels = 1 (ablation)
 * </pre>
 * Output [B, channels, R/patch, R/patch]. Parameter counts 26,499 (5 layers) and 102,339 (6 layers).
 * State names follow SMM-code: {@code conv1.weight, conv1.bias, bn1.weight, bn1.bias, bn1.running_mean,
 * bn1.running_var, bn1.num_batches_tracked, …, conv6.weight, conv6.bias} (the last conv is {@code conv6} for
 * both depths, as in the code).
 */
public final class MaskNetwork {
    private static final Windows.Geometry POOL = Windows.Geometry.square(2, 2, 0);

    private final int layers;
    private final int patch;
    private final int channels;
    private final List<ConvLayer> convs = new ArrayList<>();       // hidden convs conv1..conv(layers−1)
    private final List<BatchNormLayer> norms = new ArrayList<>();  // bn1..bn(layers−1)
    private final ConvLayer last;                                   // conv6, or null for channels = 1
    private boolean training = true;

    /**
     * @param layers   5 (ResNet setting) or 6 (ViT setting)
     * @param patch    1, 2, 4, 8, 16 or 32 (32 needs 6 layers)
     * @param channels 3 (a mask per RGB channel) or 1 (one mask broadcast to RGB)
     */
    public MaskNetwork(int layers, int patch, int channels, DType dtype, RandomGenerator rng) {
        if (layers != 5 && layers != 6) throw new IllegalArgumentException("MaskNetwork: layers must be 5 or 6, got " + layers);
        if (Integer.bitCount(patch) != 1 || patch > 32) throw new IllegalArgumentException("MaskNetwork: patch must be 1, 2, 4, 8, 16 or 32, got " + patch);
        if (patch == 32 && layers != 6) throw new IllegalArgumentException("MaskNetwork: patch 32 needs 6 layers");
        if (channels != 1 && channels != 3) throw new IllegalArgumentException("MaskNetwork: channels must be 1 or 3, got " + channels);
        this.layers = layers;
        this.patch = patch;
        this.channels = channels;
        int cin = 3;
        for (int i = 0; i < layers - 1; i++) {                      // PyTorch constructs conv1..conv(L−1), then conv6
            int cout = 8 << i;                                       // 8, 16, 32, 64, 128
            convs.add(ConvLayer.init(cin, cout, dtype, rng));
            norms.add(new BatchNormLayer(cout, dtype));
            cin = cout;
        }
        this.last = channels == 3 ? ConvLayer.init(cin, 3, dtype, rng) : null;
    }

    public int layers() { return layers; }
    public int patch() { return patch; }
    public int channels() { return channels; }
    public boolean training() { return training; }
    public void train(boolean on) { training = on; }

    /** x [B, 3, H, W] → mask [B, channels, H/patch, W/patch] with this network's parameters. */
    public Var forward(Var x) { return forward(x, parameters()); }

    /** The same with explicitly given parameters, in the order of {@link #parameterNames()}. */
    public Var forward(Var x, List<Var> params) {
        int pools = Integer.numberOfTrailingZeros(patch);           // log2(patch)
        Var y = x;                                                   // [B, 3, H, W]
        int at = 0;
        for (int i = 0; i < convs.size(); i++) {
            y = ConvLayer.forward(y, params.get(at), params.get(at + 1));                       // [B, c_i, h, w]
            y = norms.get(i).forward(y, params.get(at + 2), params.get(at + 3), training).relu();
            if (i < pools) y = Conv.maxPool2d(y, POOL);                                          // [B, c_i, h/2, w/2]
            at += 4;
        }
        if (last != null) return ConvLayer.forward(y, params.get(at), params.get(at + 1));       // [B, 3, H/p, W/p]
        return y.mean(new int[]{1}, true);                                                       // [B, 1, H/p, W/p]
    }

    /** Moves the batch-norm running statistics to {@code device}; the parameters move with the caller's. */
    public void to(clipvr.tensor.Device device) { for (BatchNormLayer bn : norms) bn.to(device); }

    /** conv1.weight, conv1.bias, bn1.weight, bn1.bias, …, conv6.weight, conv6.bias. */
    public List<Var> parameters() {
        List<Var> ps = new ArrayList<>();
        for (int i = 0; i < convs.size(); i++) {
            ps.add(convs.get(i).weight());
            ps.add(convs.get(i).bias());
            ps.add(norms.get(i).weight());
            ps.add(norms.get(i).bias());
        }
        if (last != null) { ps.add(last.weight()); ps.add(last.bias()); }
        return ps;
    }

    /** Names of {@link #parameters()}, in order. */
    public List<String> parameterNames() {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= convs.size(); i++)
            names.addAll(List.of("conv" + i + ".weight", "conv" + i + ".bias", "bn" + i + ".weight", "bn" + i + ".bias"));
        if (last != null) names.addAll(List.of("conv6.weight", "conv6.bias"));
        return names;
    }

    public int parameterCount() {
        return parameters().stream().mapToInt(p -> p.data().numel()).sum();
    }

    /** Parameters and BN buffers, SMM-code names (num_batches_tracked as a float64 scalar). */
    public Map<String, Tensor> state() {
        Map<String, Tensor> s = StateDict.create();
        List<Var> ps = parameters();
        List<String> names = parameterNames();
        for (int i = 0; i < convs.size(); i++) {
            for (int j = 0; j < 4; j++) s.put(names.get(4 * i + j), ps.get(4 * i + j).data().copy());
            BatchNormLayer bn = norms.get(i);
            String p = "bn" + (i + 1) + ".";
            s.put(p + "running_mean", bn.runningMean().copy());
            s.put(p + "running_var", bn.runningVar().copy());
            s.put(p + "num_batches_tracked", Tensor.scalar(DType.F64, bn.numBatchesTracked()));
        }
        if (last != null) {
            s.put("conv6.weight", last.weight().data().copy());
            s.put("conv6.bias", last.bias().data().copy());
        }
        return s;
    }

    /** Loads {@link #state()}-named tensors; {@code num_batches_tracked} is optional. */
    public void load(Map<String, Tensor> state) {
        List<Var> ps = parameters();
        List<String> names = parameterNames();
        for (int i = 0; i < ps.size(); i++) StateDict.load(ps.get(i), state, names.get(i));
        for (int i = 0; i < norms.size(); i++) {
            BatchNormLayer bn = norms.get(i);
            String p = "bn" + (i + 1) + ".";
            StateDict.loadInto(bn.runningMean(), state, p + "running_mean");
            StateDict.loadInto(bn.runningVar(), state, p + "running_var");
            Tensor n = state.get(p + "num_batches_tracked");
            if (n != null) bn.setNumBatchesTracked(Math.round(n.item()));
        }
    }
}
