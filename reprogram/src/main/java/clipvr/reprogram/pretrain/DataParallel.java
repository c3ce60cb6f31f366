package clipvr.reprogram.pretrain;

import clipvr.autograd.Var;
import clipvr.autograd.nn.Parameter;
import clipvr.autograd.ops.Select;
import clipvr.clip.model.Clip;
import clipvr.tensor.Tensor;
import clipvr.tensor.kernels.Parallel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code pretrain --replicas N}: data parallelism over the CPU's cores. The batch is cut into N contiguous shards; each
 * shard goes through its own replica of the model (the replicas share the master's weight tensors, each has its own
 * gradients) on its own core, with every kernel inline on that core. The contrastive loss couples the whole batch, so,
 * as in CLIP's distributed training, the shards' features are gathered for it:
 * <pre>
 *   in parallel, shard r:  I_r = encodeImage_r(pixels[r]),  T_r = encodeText_r(tokens[r])       [B/N, E] each
 *   gather:                I = cat_r leaf(I_r),  T = cat_r leaf(T_r)                                [B, E]
 *   loss = ContrastiveLoss(master.logits(I, T)); backward → dI_r, dT_r (and the temperature's gradient)
 *   in parallel, shard r:  backward from I_r with seed dI_r and from T_r with seed dT_r through replica r
 *   reduce:                grad(master) += grad(replica r), r = 1 … N-1 in this order
 * </pre>
 * Why: a small model's ops are small (clipvr-mini's linear layers are [16640, 128]·[128, 512]), and splitting each
 * of them between two threads costs a hand-off per op; two shards with one thread each have none (two one-thread
 * pretraining processes side by side ran at 114 images/s each, one two-thread process at 141–192).
 *
 * <p>Every feature equals the single-replica step's (rows never mix in the towers); the weight gradients differ by
 * rounding only, because each is summed over the batch as N partial sums. For a given N the step is deterministic
 * (each shard's order of work is fixed, the reduction order too), so N is part of the run's config.
 */
public final class DataParallel {
    private final List<Clip> replicas;                             // replicas.get(0) is the master
    private final List<Map<String, Parameter>> params;

    /** {@code n} replicas of {@code master} (n ≥ 1; n = 1 is the ordinary step). The master must live on the CPU. */
    public DataParallel(Clip master, int n) {
        if (n < 1) throw new IllegalArgumentException("--replicas must be >= 1, got " + n);
        if (n > 1 && !master.device().isCpu())
            throw new IllegalArgumentException("--replicas " + n + ": data parallelism splits the batch between CPU cores; on "
                    + master.device() + " use --replicas 1");
        replicas = new ArrayList<>(n);
        params = new ArrayList<>(n);
        replicas.add(master);
        params.add(master.namedParameters());
        for (int r = 1; r < n; r++) {
            Clip c = new Clip(master.config, params.get(0).get("logit_scale").dtype(), new SplittableRandom(0));   // its own weights are replaced below
            Map<String, Parameter> own = c.namedParameters();
            params.get(0).forEach((name, p) -> own.get(name).setData(p.data()));          // shares the master's tensors
            c.train(true);
            replicas.add(c);
            params.add(own);
        }
    }

    public int size() { return replicas.size(); }

    /**
     * One contrastive step's forward and backward over the whole batch; afterwards the master holds the gradients of
     * the whole batch's loss (accumulated into what it held before, as {@link Pretrainer#step(Clip, Tensor, int[][])}).
     * pixels [B, 3, R, R], tokens [B][77]; returns the loss. A non-finite loss is returned without any backward.
     */
    public double step(Tensor pixels, int[][] tokens) { return step(pixels, tokens, null); }

    /** {@link #step(Tensor, int[][])} with FLIP's patch masking: image b encodes only its patches keep[b] (null: all). */
    public double step(Tensor pixels, int[][] tokens, int[][] keep) {
        int n = replicas.size(), b = tokens.length;
        if (n == 1) return Pretrainer.step(replicas.get(0), pixels, tokens, keep);
        if (b < n) throw new IllegalArgumentException("--batch " + b + " is smaller than --replicas " + n);
        for (int r = 1; r < n; r++) replicas.get(r).zeroGrad();
        Var[] image = new Var[n], text = new Var[n];                                // per shard: [B/N, E]
        Parallel.invokeAll(n, r -> {
            int from = b * r / n, to = b * (r + 1) / n;
            Clip m = replicas.get(r);
            image[r] = m.encodeImage(Var.constant(pixels.narrow(0, from, to - from)),
                    keep == null ? null : Arrays.copyOfRange(keep, from, to));                 // [b_r, E]
            text[r] = m.encodeText(Arrays.copyOfRange(tokens, from, to));                // [b_r, E]
        });
        List<Var> imageLeaves = new ArrayList<>(n), textLeaves = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            imageLeaves.add(Var.param(image[r].data()));
            textLeaves.add(Var.param(text[r].data()));
        }
        Clip master = replicas.get(0);
        Var loss = ContrastiveLoss.symmetric(master.logits(Select.cat(imageLeaves, 0), Select.cat(textLeaves, 0)));  // [B, B] → []
        double value = loss.item();
        if (!Double.isFinite(value)) return value;
        loss.backward();                                                          // dI_r, dT_r; the temperature's gradient
        Parallel.invokeAll(n, r -> {
            image[r].backward(imageLeaves.get(r).grad());
            text[r].backward(textLeaves.get(r).grad());
        });
        Map<String, Parameter> into = params.get(0);
        for (int r = 1; r < n; r++) {
            for (Map.Entry<String, Parameter> e : params.get(r).entrySet()) {
                Tensor g = e.getValue().grad();
                if (g != null) into.get(e.getKey()).var().accumulate(g);
            }
        }
        return value;
    }
}
