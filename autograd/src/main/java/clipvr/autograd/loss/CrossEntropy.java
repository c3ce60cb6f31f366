package clipvr.autograd.loss;

import clipvr.autograd.Var;
import clipvr.tensor.Shape;
import clipvr.tensor.Tensor;

/**
 * Mean cross-entropy of logits against class indices, PyTorch's {@code F.cross_entropy} with
 * {@code label_smoothing}:
 * <pre>
 *   q_b   = (1 - ε)·onehot(y_b) + ε/C                       smoothed target distribution
 *   L     = -(1/B) Σ_b Σ_c q_bc · log softmax(z_b)_c
 *   dL/dz = (softmax(z) - q) / B                             (Σ_c q_bc = 1), one fused backward
 * </pre>
 */
public final class CrossEntropy {
    private CrossEntropy() {}

    /** logits [B, C], targets [B] in [0, C) → scalar mean loss. */
    public static Var loss(Var logits, int[] targets, double labelSmoothing) {
        int[] s = logits.shape();
        if (s.length != 2) throw new IllegalArgumentException("crossEntropy: logits must be [B, C], got " + Shape.str(s));
        int b = s[0], c = s[1];
        if (targets.length != b)
            throw new IllegalArgumentException("crossEntropy: " + targets.length + " targets for logits " + Shape.str(s));
        for (int i = 0; i < b; i++)
            if (targets[i] < 0 || targets[i] >= c)
                throw new IllegalArgumentException("crossEntropy: target " + targets[i] + " of row " + i + " is out of range [0, " + c + ") for logits " + Shape.str(s));
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1))
            throw new IllegalArgumentException("crossEntropy: label smoothing " + labelSmoothing + " is not in [0, 1]");
        Finite.check("crossEntropy", "logits", logits.data());

        Tensor qh = Tensor.full(logits.dtype(), labelSmoothing / c, b, c);                 // [B, C]
        for (int i = 0; i < b; i++) qh.set(1 - labelSmoothing + labelSmoothing / c, i, targets[i]);
        Tensor q = qh.to(logits.data().device());                                          // the targets are an input: one upload on a device
        Tensor logp = logits.data().logSoftmax(1);                                         // [B, C]
        Tensor loss = q.mul(logp).sum().mul(-1.0 / b);                                     // []
        Var.Node node = logits.node();
        return Var.result(loss, "crossEntropy",
                g -> node.accumulate(logp.exp().sub(q).mul(g).div(b)), logits);          // (softmax - q)·g / B
    }

    /** Without label smoothing. */
    public static Var loss(Var logits, int[] targets) { return loss(logits, targets, 0.0); }
}
