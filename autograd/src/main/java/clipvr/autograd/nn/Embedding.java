package clipvr.autograd.nn;

import clipvr.autograd.Var;
import clipvr.autograd.ops.Select;
import clipvr.tensor.DType;

import java.util.random.RandomGenerator;

/** A lookup table weight [num, dim], initialised N(0, 1) as in PyTorch; rows of repeated ids accumulate gradient. */
public final class Embedding extends Module {
    public final int num, dim;
    private final Parameter weight;

    public Embedding(int num, int dim, DType dtype, RandomGenerator rng) {
        this.num = num;
        this.dim = dim;
        this.weight = param("weight", Init.normal(dtype, rng, num, dim));
    }

    public Parameter weight() { return weight; }

    /** ids (row-major, of shape idsShape) → [idsShape..., dim]. */
    public Var forward(int[] ids, int... idsShape) {
        for (int i = 0; i < ids.length; i++)
            if (ids[i] < 0 || ids[i] >= num)
                throw new IllegalArgumentException("Embedding(" + num + ", " + dim + "): id " + ids[i] + " at position " + i + " out of range [0, " + num + ")");
        return Select.embedding(weight.var(), ids, idsShape);
    }
}
