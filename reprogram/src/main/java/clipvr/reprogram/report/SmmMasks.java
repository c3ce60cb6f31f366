package clipvr.reprogram.report;

import clipvr.autograd.GradMode;
import clipvr.autograd.Var;
import clipvr.clip.image.ClipPreprocess;
import clipvr.clip.image.ImageDecoder;
import clipvr.reprogram.data.Dataset;
import clipvr.reprogram.input.SampleSpecificMask;
import clipvr.reprogram.report.RunData.SmmNet;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Runs a run's SMM mask network (eval mode, running BN statistics) on a few images of a dataset:
 * for each, the preprocessed image, the upsampled mask f_mask(x), the added pattern δ ⊙ f_mask(x) and the
 * reprogrammed image x + δ ⊙ f_mask(x) (denormalised and clamped for display).
 */
public final class SmmMasks {
    private SmmMasks() {}

    /** One sample's four panels. */
    public record Sample(String id, String className, BufferedImage image, BufferedImage mask, BufferedImage added,
                         BufferedImage reprogrammed, double maskMin, double maskMax) {}

    /** Up to {@code count} images of distinct classes (the first image of each class in dataset order, then any). */
    public static int[] pick(Dataset ds, int count) {
        List<Integer> out = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        int n = ds.size();
        for (int i = 0; i < n && out.size() < count; i++) if (seen.add(ds.label(i))) out.add(i);
        for (int i = 0; i < n && out.size() < count; i++) if (!out.contains(i)) out.add(i);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    public static List<Sample> run(SmmNet net, Dataset ds, int count) {
        int r = net.resolution();
        SampleSpecificMask smm = new SampleSpecificMask(r, net.layers(), net.patch(), net.channels(), DType.F32, new SplittableRandom(0));
        smm.load(net.state());
        smm.train(false);
        ClipPreprocess pre = new ClipPreprocess(r);
        int[] idx = pick(ds, count);
        List<Sample> out = new ArrayList<>();
        float[] delta = smm.program().data().toFloatArray();
        int plane = r * r, size = 3 * plane;
        for (int i : idx) {
            var rgb = ImageDecoder.toRgb(ds.image(i));
            float[] x = pre.apply(rgb);
            float[] m;
            try (var s = GradMode.noGrad()) {
                m = smm.mask(Var.constant(Tensor.of(x, 1, 3, r, r))).data().toFloatArray();
            }
            float[] added = new float[size], rep = new float[size];
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < size; k++) {
                added[k] = delta[k] * m[k];
                rep[k] = x[k] + added[k];
                lo = Math.min(lo, m[k]);
                hi = Math.max(hi, m[k]);
            }
            int label = ds.label(i);
            String cls = label < ds.classNames().size() ? ds.classNames().get(label) : "class " + label;
            out.add(new Sample(ds.id(i), cls, PromptImages.toImage(pre.applyUnnormalized(rgb), r, r, null, 0, 1),
                    PromptImages.toImage(m, r, r, null, lo, hi), PromptImages.minMax(added, r, r),
                    PromptImages.denormalised(rep, r, r), lo, hi));
        }
        return out;
    }
}
