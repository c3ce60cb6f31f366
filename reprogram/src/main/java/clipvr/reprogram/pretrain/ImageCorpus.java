package clipvr.reprogram.pretrain;

import clipvr.clip.image.ClipPreprocess;
import clipvr.clip.image.ImageDecoder;
import clipvr.clip.image.RgbImage;
import clipvr.reprogram.data.Dataset;
import clipvr.reprogram.data.Datasets;
import clipvr.reprogram.train.Trainer;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The images of one split of several labelled datasets, decoded once and kept in memory as R×R 8-bit RGB after
 * CLIP's own resize (shorter side → R, bicubic) and centre crop: 3 KB per image at R = 32. Labels are global class
 * indices: dataset d's class c is {@code offset(d) + c}.
 *
 * @param pixels      image i is {@code pixels[i·3R² .. (i+1)·3R²)}, RGB interleaved, row-major
 * @param labels      global class of each image
 * @param datasetOf   index into {@code datasets} of each image
 * @param datasets    dataset specs, in order
 * @param classNames  class names of each dataset, in label order
 * @param offsets     global index of each dataset's class 0
 */
public record ImageCorpus(int resolution, byte[] pixels, int[] labels, int[] datasetOf,
                          List<String> datasets, List<List<String>> classNames, int[] offsets) {

    public int size() { return labels.length; }

    public int numClasses() { return offsets[offsets.length - 1] + classNames.getLast().size(); }

    /** Image i as an R×R RGB image (a copy). */
    public RgbImage image(int i) {
        int per = 3 * resolution * resolution;
        byte[] rgb = new byte[per];
        System.arraycopy(pixels, i * per, rgb, 0, per);
        return new RgbImage(resolution, resolution, rgb);
    }

    /**
     * Opens {@code split} of every dataset in {@code specs} (see {@link Datasets#open}), takes at most {@code limit}
     * class-balanced images of each (null: all), and decodes them in parallel (the result does not depend on threads).
     */
    public static ImageCorpus load(List<String> specs, String split, Integer limit, int resolution) {
        ClipPreprocess prep = new ClipPreprocess(resolution);
        int per = 3 * resolution * resolution;
        List<Dataset> opened = new ArrayList<>();
        List<int[]> chosen = new ArrayList<>();
        List<List<String>> names = new ArrayList<>();
        int[] offsets = new int[specs.size()];
        int total = 0, classes = 0;
        for (int d = 0; d < specs.size(); d++) {
            Dataset ds = Datasets.open(specs.get(d), split);
            int[] idx = limit == null ? IntStream.range(0, ds.size()).toArray() : Trainer.balancedOrder(ds, limit);
            opened.add(ds);
            chosen.add(idx);
            names.add(ds.classNames());
            offsets[d] = classes;
            classes += ds.numClasses();
            total += idx.length;
        }
        byte[] pixels = new byte[Math.multiplyExact(total, per)];
        int[] labels = new int[total], datasetOf = new int[total];
        int start = 0;
        for (int d = 0; d < specs.size(); d++) {
            Dataset ds = opened.get(d);
            int[] idx = chosen.get(d);
            int base = start, off = offsets[d], dd = d;
            IntStream.range(0, idx.length).parallel().forEach(k -> {
                RgbImage img = prep.resizeAndCrop(ImageDecoder.toRgb(ds.image(idx[k])));
                System.arraycopy(img.rgb(), 0, pixels, (base + k) * per, per);
                labels[base + k] = off + ds.label(idx[k]);
                datasetOf[base + k] = dd;
            });
            start += idx.length;
        }
        return new ImageCorpus(resolution, pixels, labels, datasetOf, List.copyOf(specs), List.copyOf(names), offsets);
    }
}
