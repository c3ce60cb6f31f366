package clipvr.clip.model;

import clipvr.autograd.Var;
import clipvr.autograd.nn.Conv2d;
import clipvr.autograd.nn.Init;
import clipvr.autograd.nn.LayerNorm;
import clipvr.autograd.nn.Module;
import clipvr.autograd.nn.Parameter;
import clipvr.autograd.ops.Select;
import clipvr.clip.io.ClipConfig;
import clipvr.tensor.DType;
import clipvr.tensor.Shape;
import clipvr.tensor.Tensor;
import clipvr.tensor.ops.Windows;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * CLIP's image tower: patches by a bias-free strided conv, a class token, positional embeddings,
 * ln_pre, the transformer, ln_post on the class token, and the projection to the joint space.
 */
public final class VisionTransformer extends Module implements ImageTower {
    public final int resolution, patch, width, outputDim;
    private final Conv2d conv1;
    private final Parameter classEmbedding, positionalEmbedding, proj;
    private final LayerNorm lnPre, lnPost;
    private final Transformer transformer;

    public VisionTransformer(ClipConfig c, DType dtype, RandomGenerator rng) {
        this.resolution = c.imageResolution();
        this.patch = c.visionPatchSize();
        this.width = c.visionWidth();
        this.outputDim = c.embedDim();
        int grid = resolution / patch;
        this.conv1 = child("conv1", new Conv2d(3, width, new Windows.Geometry(patch, patch, patch, patch, 0, 0), false, dtype, rng));
        double scale = Math.pow(width, -0.5);                                  // OpenAI: scale · randn
        this.classEmbedding = param("class_embedding", Init.normal(dtype, rng, width).mul(scale));
        this.positionalEmbedding = param("positional_embedding", Init.normal(dtype, rng, grid * grid + 1, width).mul(scale));
        this.lnPre = child("ln_pre", new LayerNorm(width, c.layerNormEps(), dtype));
        this.transformer = child("transformer", new Transformer(width, c.visionLayers(), c.visionHeads(), c.visionMlpWidth(),
                c.activation(), c.layerNormEps(), dtype, rng));
        this.lnPost = child("ln_post", new LayerNorm(width, c.layerNormEps(), dtype));
        this.proj = param("proj", Init.normal(dtype, rng, width, outputDim).mul(scale));
    }

    public Transformer transformer() { return transformer; }

    @Override public int resolution() { return resolution; }

    /** pixels [B, 3, R, R] (CLIP-normalised) → image features [B, E] (not L2-normalised). */
    @Override public Var forward(Var pixels) { return forward(pixels, null); }

    /**
     * {@link #forward(Var)} with FLIP's patch masking (Li et al. 2023, "Scaling Language-Image Pre-training via
     * Masking"), for pretraining: of image b only the patches {@code keep[b]} (indices into its grid² patches, the
     * same count for every image) enter the transformer, after their positional embeddings were added; the class
     * token always does. Attention and MLPs then cost about the kept fraction. {@code keep == null}: every patch.
     */
    public Var forward(Var pixels, int[][] keep) {
        int[] s = pixels.shape();
        if (s.length != 4 || s[1] != 3 || s[2] != resolution || s[3] != resolution)
            throw new IllegalArgumentException("encodeImage: expected pixels [B, 3, " + resolution + ", " + resolution + "], got " + Shape.str(s));
        int b = s[0], g = resolution / patch;
        Var x = conv1.forward(pixels);                                         // [B, width, grid, grid]
        x = x.reshape(b, width, g * g).permute(0, 2, 1);                       // [B, grid², width]
        Var cls = classEmbedding.var().reshape(1, 1, width).expand(b, 1, width); // [B, 1, width]
        x = Select.cat(List.of(cls, x), 1);                                    // [B, grid² + 1, width]
        x = x.add(positionalEmbedding.var());
        if (keep != null) x = keepPatches(x, keep);                            // [B, K + 1, width]
        x = lnPre.forward(x);
        x = transformer.forward(x, null);                                      // [B, grid² + 1, width]
        x = lnPost.forward(x.select(1, 0));                                    // [B, width], the class token
        return x.matmul(proj.var());                                           // [B, E]
    }

    /** x [B, T, W] (class token first) → [B, K + 1, W]: the class token and the patches keep[b] of each image b. */
    static Var keepPatches(Var x, int[][] keep) {
        int b = x.size(0), t = x.size(1), w = x.size(2);
        if (keep.length != b) throw new IllegalArgumentException("patch masking: " + keep.length + " keep lists for " + b + " images");
        int k = keep[0].length;
        int[] rows = new int[b * (k + 1)];
        for (int i = 0; i < b; i++) {
            if (keep[i].length != k)
                throw new IllegalArgumentException("patch masking: image " + i + " keeps " + keep[i].length + " patches, image 0 keeps " + k);
            rows[i * (k + 1)] = i * t;                                         // the class token
            for (int j = 0; j < k; j++) {
                int p = keep[i][j];
                if (p < 0 || p >= t - 1) throw new IllegalArgumentException("patch masking: patch " + p + " of image " + i + " outside [0, " + (t - 1) + ")");
                rows[i * (k + 1) + 1 + j] = i * t + 1 + p;
            }
        }
        return Select.indexSelect(x.reshape(b * t, w), 0, rows).reshape(b, k + 1, w);   // [B·T, W] → [B·(K+1), W] → [B, K+1, W]
    }
}
