package clipvr.reprogram.report;

import clipvr.clip.io.RawTensor;
import clipvr.clip.io.SafetensorsWriter;
import clipvr.reprogram.input.SampleSpecificMask;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Builds small fake run directories (results.json, checkpoint.safetensors, checkpoint.json) for the report tests. */
final class SyntheticRun {
    private SyntheticRun() {}

    static final List<String> CLASSES = List.of("cat", "dog <b>bold</b>", "a&b \"quoted\" 'x'");
    /** Description texts with characters that must be escaped. */
    static final String NASTY_SCRIPT = "</script><script>alert(\"pwned\")</script>";
    static final String NASTY_MARKUP = "<img src=x onerror=alert(1)> & \"q\" 'a' <!-- c -->";
    static final int R = 64, PAD = 8, M = 6;   // 2 causes × 3 descriptions

    /** θ value at channel c, row y, column x: a smooth pattern with positive and negative values. */
    static float theta(int c, int y, int x) { return (float) (2.5 * Math.sin(0.11 * x + 0.7 * c) * Math.cos(0.07 * y)); }

    static boolean inFrame(int y, int x) { return y < PAD || x < PAD || y >= R - PAD || x >= R - PAD; }

    /**
     * A DVP-cse run in the trainer's format (docs/training.md): two padding prompts with masks, {@code prm.weights}
     * ω [3, 6] (float64), description tables {@code cse_1}, {@code cse_2} in checkpoint.json, 8 epochs (epoch 0 the PRM
     * phase), accuracies as fractions.
     */
    static Path dvp(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.json"), trainerResults("dvp-cse"));
        Map<String, RawTensor> t = new LinkedHashMap<>();
        t.put("epoch", RawTensor.fromDoubles("", clipvr.clip.io.StorageDType.F64, new long[0], new double[]{7}));
        for (int b = 0; b < 2; b++) {
            float[] th = new float[3 * R * R], mask = new float[3 * R * R];
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < R; y++)
                    for (int x = 0; x < R; x++) {
                        int i = (c * R + y) * R + x;
                        th[i] = theta(c, y, x) * (b == 0 ? 1 : -1);
                        mask[i] = inFrame(y, x) ? 1 : 0;
                    }
            t.put("prompts." + b + ".program", RawTensor.ofFloats("", new long[]{3, R, R}, th));
            t.put("prompts." + b + ".mask", RawTensor.ofFloats("", new long[]{3, R, R}, mask));
        }
        double[] w = new double[3 * M];
        float[] o = omega();
        for (int i = 0; i < w.length; i++) w[i] = o[i];
        t.put("prm.weights", RawTensor.fromDoubles("", clipvr.clip.io.StorageDType.F64, new long[]{3, M}, w));
        SafetensorsWriter.write(dir.resolve("checkpoint.safetensors"), t, Map.of("format", "clipvr-run/1"));
        Files.writeString(dir.resolve("checkpoint.json"), """
                {"format": "clipvr-run/1", "method": "dvp-cse", "epoch": 7, "class_names": %s,
                 "descriptions": {
                   "cse_1": [["small & furry", "whiskers <long>", "pointy ears"], [%s, "wet nose", "floppy ears"], [%s, "it's \\"quoted\\"", "tab\\there"]],
                   "cse_2": [["on a sofa", "in a garden", "near a bowl"], ["in a park", "with a ball", "on a leash"], ["x > y", "1 < 2", "A&amp;B"]]
                 },
                 "train_indices": [0, 1, 2], "val_indices": []}
                """.formatted(json(CLASSES), jsonString(NASTY_SCRIPT), jsonString(NASTY_MARKUP)));
        return dir;
    }

    /** results.json as the trainer writes it: fractions, {@code top1}, {@code phase}, {@code lrs}, {@code val_selected}. */
    static String trainerResults(String method) {
        StringBuilder ep = new StringBuilder();
        for (int e = 0; e < 8; e++) {
            if (e > 0) ep.append(",\n");
            boolean eval = e % 2 == 1;
            ep.append(String.format(java.util.Locale.ROOT,
                    "{\"epoch\": %d, \"phase\": \"%s\", \"train_loss\": %.4f, \"train_accuracy\": %.4f, \"lr\": %.5f, "
                            + "\"lrs\": {\"sgd\": %.5f}, \"images_per_second\": %.1f, \"seconds\": 3.5, "
                            + "\"test_accuracy\": %s, \"test_top5\": %s, \"val_accuracy\": %s}",
                    e, e == 0 ? "prm" : "train", 2.0 / (e + 1), 0.40 + 0.06 * e, 40 * Math.pow(0.5, e), 40 * Math.pow(0.5, e), 120.0 + e,
                    eval ? String.format(java.util.Locale.ROOT, "%.4f", 0.35 + 0.05 * e) : "null", eval ? "0.99" : "null",
                    eval ? String.format(java.util.Locale.ROOT, "%.4f", 0.30 + 0.05 * e) : "null"));
        }
        String pc = "{\"cat\": 0.9, \"dog <b>bold</b>\": 0.6, \"a&b \\\"quoted\\\" 'x'\": null}";
        String cm = "[[9, 1, 0], [2, 6, 2], [3, 4, 3]]";
        return """
                {"format": "clipvr-run/1", "status": "finished", "error": null,
                 "config": {"method": "%s", "dataset": "toy <data>", "shots": 16, "epochs": 8, "seed": 1, "optimizer": "sgd", "lr": 40,
                            "milestones": [4, 6], "m": 3, "causes": 2, "templates": ["a photo of a {}."]},
                 "selection": "best = the evaluated epoch with the highest test top-1",
                 "train_images": 48, "val_images": 0, "test_images": 30, "iterations_per_epoch": 1, "effective_parameters": 79872,
                 "epochs_completed": 8,
                 "epochs": [%s],
                 "best": {"epoch": 7, "top1": 0.7, "top5": 1.0, "images": 30, "per_class": %s, "confusion": %s},
                 "last": {"epoch": 7, "top1": 0.7, "top5": 1.0, "images": 30, "per_class": %s, "confusion": %s},
                 "val_selected": {"epoch": 5, "val_accuracy": 0.55, "test_accuracy": 0.6, "test_top5": 1.0},
                 "wall_seconds": 95.0}
                """.formatted(method, ep, pc, cm, pc, cm);
    }

    /** ω rows: class 0 prefers slot 1, class 1 slot 0 (the NASTY_SCRIPT text), class 2 slot 0 (NASTY_MARKUP). */
    static float[] omega() {
        return new float[]{
                0.1f, 0.5f, 0.2f, 0.2f, 0f, 0f,
                0.6f, 0.1f, 0.1f, 0.1f, 0.1f, 0f,
                0.4f, 0.3f, 0f, 0f, 0.3f, 0f};
    }

    /** An SMM run at resolution 32 with a random 5-layer mask network; no checkpoint.json. */
    static Path smm(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.json"), results("smm", false));
        SampleSpecificMask smm = SampleSpecificMask.standard(32, 5, DType.F32, new SplittableRandom(3));
        smm.program().setData(Tensor.randn(DType.F32, new SplittableRandom(4), 3, 32, 32));
        Map<String, RawTensor> t = new LinkedHashMap<>();
        smm.state().forEach((k, v) -> {
            long[] shape = java.util.Arrays.stream(v.shape()).asLongStream().toArray();
            t.put("prompt." + k, RawTensor.ofFloats("", shape, v.to(DType.F32).toFloatArray()));
        });
        SafetensorsWriter.write(dir.resolve("checkpoint.safetensors"), t, null);
        return dir;
    }

    /** An ImageFolder dataset DIR/test/<class>/*.png with 2 images of each of 3 classes. */
    static Path imageFolder(Path dir) throws IOException {
        for (int c = 0; c < 3; c++) {
            Path cls = Files.createDirectories(dir.resolve("test").resolve("class" + c));
            for (int k = 0; k < 2; k++) {
                BufferedImage img = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < 40; y++) for (int x = 0; x < 40; x++) img.setRGB(x, y, (x * 6 + c * 80) << 16 | (y * 6) << 8 | (k * 120));
                ImageIO.write(img, "png", cls.resolve("img" + k + ".png").toFile());
            }
        }
        return dir;
    }

    /** results.json with 8 epochs (test_acc every other epoch, else null), best / last / val_selected. */
    static String results(String method, boolean fractions) {
        double s = fractions ? 0.01 : 1;
        StringBuilder ep = new StringBuilder();
        for (int e = 0; e < 8; e++) {
            if (e > 0) ep.append(",\n");
            ep.append(String.format(java.util.Locale.ROOT,
                    "{\"epoch\": %d, \"train_loss\": %.4f, \"train_acc\": %.4f, \"test_acc\": %s, \"lr\": %.5f, \"images_per_s\": %.1f}",
                    e, 2.0 / (e + 1), (40 + 6 * e) * s, e % 2 == 1 ? String.format(java.util.Locale.ROOT, "%.4f", (35 + 5 * e) * s) : "null",
                    40 * Math.pow(0.5, e), 120.0 + e));
        }
        String pc = fractions
                ? "{\"cat\": 0.9, \"dog <b>bold</b>\": 0.6, \"a&b \\\"quoted\\\" 'x'\": 0.3}"
                : "[90.0, 60.0, 30.0]";
        String cm = "[[9, 1, 0], [2, 6, 2], [3, 4, 3]]";
        return """
                {"config": {"method": "%s", "dataset": "toy <data>", "classNames": %s, "epochs": 8, "lr": 40, "seed": 1},
                 "epochs": [%s],
                 "best": {"epoch": 7, "test_acc": %s, "per_class": %s, "confusion": %s},
                 "last": {"epoch": 7, "test_acc": %s, "per_class": %s, "confusion": %s}}
                """.formatted(method, json(CLASSES), ep, 70 * s, pc, cm, 70 * s, pc, cm);
    }

    static String json(List<String> xs) {
        return "[" + String.join(", ", xs.stream().map(SyntheticRun::jsonString).toList()) + "]";
    }

    static String jsonString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\t", "\\t") + "\"";
    }
}
