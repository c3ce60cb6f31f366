package clipvr.reprogram.method;

import clipvr.autograd.Var;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;

import java.util.SplittableRandom;

/** A toy frozen encoder for tests: a fixed random linear map of the flattened pixels, v = W·vec(x). */
public record LinearImageEncoder(Tensor weight, int resolution, int embedDim) implements ImageEncoder {
    /** W [E, 3·R·R] ~ U(−1, 1)/√(3R²), seeded. */
    public static LinearImageEncoder random(int resolution, int embedDim, long seed, DType dtype) {
        int d = 3 * resolution * resolution;
        Tensor w = Tensor.uniform(dtype, new SplittableRandom(seed), -1, 1, embedDim, d).mul(1.0 / Math.sqrt(d));
        return new LinearImageEncoder(w, resolution, embedDim);
    }

    /** pixels [B, 3, R, R] → [B, 3R²] · Wᵀ = [B, E]. */
    @Override public Var encodeImage(Var pixels) {
        int b = pixels.size(0);
        return pixels.reshape(b, -1).matmulT(Var.constant(weight));
    }
}
