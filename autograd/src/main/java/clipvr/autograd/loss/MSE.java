package clipvr.autograd.loss;

import clipvr.autograd.Var;
import clipvr.tensor.Shape;
import clipvr.tensor.Tensor;

import java.util.Arrays;

/** Mean squared error, PyTorch's {@code F.mse_loss} (reduction mean): L = (1/n) Σ (p - t)², dL/dp = 2(p - t)/n. */
public final class MSE {
    private MSE() {}

    /** pred and target of the same shape → scalar; either may require a gradient. */
    public static Var loss(Var pred, Var target) {
        if (!Arrays.equals(pred.shape(), target.shape()))
            throw new IllegalArgumentException("mse: pred " + Shape.str(pred.shape()) + " and target " + Shape.str(target.shape()) + " differ in shape");
        Finite.check("mse", "pred", pred.data());
        Finite.check("mse", "target", target.data());
        Var d = pred.sub(target);
        return d.mul(d).mean();
    }

    public static Var loss(Var pred, Tensor target) { return loss(pred, Var.constant(target)); }
}
