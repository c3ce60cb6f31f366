package clipvr.reprogram.train;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** A tiny on-disk world for trainer tests: 3 colour classes, descriptions, the shared tiny CLIP fixture. */
public final class TinyRun {
    private TinyRun() {}

    public static final List<String> CLASSES = List.of("red_thing", "green_thing", "blue_thing");

    public static Path shared() { return Path.of(System.getProperty("clipvr.shared", "../shared")).toAbsolutePath().normalize(); }
    public static Path weights() { return shared().resolve("fixtures/tiny-vit/openai.safetensors"); }
    public static Path vocab() { return shared().resolve("clip/bpe_simple_vocab_16e6.txt.gz"); }

    /** root/tinyds/{train,test}/<class>/*.png, 12×10 px images with class-dependent colours plus noise. */
    public static Path dataset(Path root, int train, int test) {
        Path ds = root.resolve("tinyds");
        SplittableRandom rng = new SplittableRandom(7);
        int[][] base = {{200, 40, 40}, {40, 190, 60}, {50, 60, 210}};
        try {
            for (String split : List.of("train", "test"))
                for (int c = 0; c < CLASSES.size(); c++) {
                    Path dir = Files.createDirectories(ds.resolve(split).resolve(CLASSES.get(c)));
                    int n = split.equals("train") ? train : test;
                    for (int i = 0; i < n; i++) {
                        BufferedImage img = new BufferedImage(12, 10, BufferedImage.TYPE_INT_RGB);
                        for (int y = 0; y < 10; y++)
                            for (int x = 0; x < 12; x++) {
                                int[] p = new int[3];
                                for (int k = 0; k < 3; k++) p[k] = Math.clamp(base[c][k] + rng.nextInt(-40, 41) + (x + y) * (c + 1), 0, 255);
                                img.setRGB(x, y, (p[0] << 16) | (p[1] << 8) | p[2]);
                            }
                        ImageIO.write(img, "png", dir.resolve(String.format("%03d.png", i)).toFile());
                    }
                }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ds;
    }

    /** tinyds_{des,dist,cse_1,cse_2,cse_3}.json with {@code n} sentences per class. */
    static Path descriptions(Path root, int n) {
        Path dir = root.resolve("desc");
        try {
            Files.createDirectories(dir);
            String[] colours = {"red", "green", "blue"};
            String[] kinds = {"des", "dist", "cse_1", "cse_2", "cse_3"};
            for (String kind : kinds) {
                StringBuilder sb = new StringBuilder("{");
                for (int c = 0; c < CLASSES.size(); c++) {
                    if (c > 0) sb.append(',');
                    sb.append('"').append(CLASSES.get(c)).append("\":[");
                    List<String> s = new ArrayList<>();
                    for (int i = 0; i < n; i++)
                        s.add("\"A " + colours[c] + " object, " + kind.replace('_', ' ') + " view number " + i + " of it.\"");
                    sb.append(String.join(",", s)).append(']');
                }
                Files.writeString(dir.resolve("tinyds_" + kind + ".json"), sb.append('}').toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** Settings for a quick run of {@code method}. */
    static TrainConfig.Builder settings(Path data, Path desc, Method method, int epochs) {
        TrainConfig.Builder b = new TrainConfig.Builder();
        b.method = method;
        b.weights = weights().toString();
        b.vocab = vocab().toString();
        b.data = data.toString();
        b.descriptions = desc == null ? null : desc.toString();
        b.epochs = method.trains() ? epochs : null;
        b.shots = 6;
        b.batch = 8;
        b.seed = 3L;
        b.m = 4;
        b.kmeansInit = 2;
        if (method.family() == Method.Family.CLIP_VR) b.lr = 10.0;
        return b;
    }
}
