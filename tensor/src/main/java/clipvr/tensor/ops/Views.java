package clipvr.tensor.ops;

/** Stride computation for views: when can a strided tensor be reshaped without copying? */
public final class Views {
    private Views() {}

    /**
     * Strides that let {@code (shape, strides)} be seen as {@code newShape} without a copy, or null when
     * impossible. Walks groups of old axes that are contiguous with each other ("chunks") and splits or
     * merges within a chunk only, which is exactly when the element order is preserved.
     */
    public static int[] viewStrides(int[] shape, int[] strides, int[] newShape) {
        int[] out = new int[newShape.length];
        int numel = 1;
        for (int d : shape) numel *= d;
        if (numel == 0 || shape.length == 0) {
            int[] c = clipvr.tensor.Shape.contiguousStrides(newShape);
            return c;
        }
        int viewD = newShape.length - 1;
        int chunkBase = strides[shape.length - 1];
        long tensorNumel = 1, viewNumel = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            tensorNumel *= shape[d];
            // a chunk ends where the next-outer axis is not contiguous with this one
            if (d == 0 || (shape[d - 1] != 1 && strides[d - 1] != tensorNumel * chunkBase)) {
                while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
                    out[viewD] = (int) (viewNumel * chunkBase);
                    viewNumel *= newShape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (d > 0) {
                    chunkBase = strides[d - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        return viewD == -1 ? out : null;
    }
}
