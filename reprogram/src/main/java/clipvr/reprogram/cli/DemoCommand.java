package clipvr.reprogram.cli;

import clipvr.clip.hub.OpenAiCheckpoints;
import clipvr.clip.io.CheckpointReader;
import clipvr.reprogram.data.Cifar10Binary;
import clipvr.reprogram.data.Datasets;
import clipvr.reprogram.train.RunFiles;
import clipvr.reprogram.train.RunResults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code clipvr demo}: the main job. By default it runs offline on a fresh clone: clipvr-mini (the project's own small
 * CLIP, {@code weights/clipvr-mini.safetensors}) on the committed Fashion-MNIST subset ({@code demo/fashion-mnist}, 16
 * training images per class and 1,000 test images): zero-shot, AR and DVP-cse, the gain of each over zero-shot, and
 * the HTML reports. {@code --model ViT-B/32} is the same job with OpenAI's weights on CIFAR-10 (downloaded when online;
 * offline and without the files it stops at once and says which files to put where).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The main job: zero-shot CLIP, short visual-reprogramming runs (AR, DVP-cse), the gain over zero-shot",
                "and the HTML reports. Default: offline, clipvr-mini on the bundled Fashion-MNIST subset (a few minutes on 2 cores)."})
public final class DemoCommand implements Callable<Integer> {
    static final String MINI = "clipvr-mini";

    @Option(names = "--model", defaultValue = MINI, description = "clipvr-mini (offline, bundled) or ViT-B/32 (OpenAI's weights, CIFAR-10) (default ${DEFAULT-VALUE})") String model;
    @Option(names = "--weights", description = "CLIP checkpoint (default: weights/clipvr-mini.safetensors, or weights/ViT-B-32.pt downloaded if missing)") Path weights;
    @Option(names = "--data", description = "dataset (default: the bundled Fashion-MNIST subset demo/fashion-mnist; ViT-B/32: CIFAR-10)") String data;
    @Option(names = "--methods", split = ",", description = "reprogramming methods after zero-shot (default ar,dvp-cse)") List<String> methods;
    @Option(names = "--shots", description = "training images per class (default 16; ViT-B/32: 8)") Integer shots;
    @Option(names = "--epochs", description = "epochs per method (default 30; ViT-B/32: 3; the papers use 200)") Integer epochs;
    @Option(names = "--test-limit", description = "class-balanced test images (default 1000; ViT-B/32: 500)") Integer testLimit;
    @Option(names = "--inner", description = "train --inner for the frame methods (ar, dvp-cse, ...): side of the image inside the frame prompt (default: the papers' rule, 28 at clipvr-mini's 32 px)") Integer inner;
    @Option(names = "--out", description = "directory of the runs (default runs/demo)") Path out;

    record Outcome(String method, double top1) {}

    @picocli.CommandLine.Mixin DeviceOption deviceOption = new DeviceOption();

    @Override public Integer call() throws Exception {
        String dev = deviceOption.resolve().toString();
        Path root = Paths2.root();
        boolean mini = model.equals(MINI);
        if (!mini && !model.equals("ViT-B/32"))
            throw new IllegalArgumentException("--model must be clipvr-mini or ViT-B/32, got '" + model + "'");
        List<String> missing = new ArrayList<>();
        Path w = weights != null ? weights : mini ? resolveMini(root, missing) : resolveWeights(root, missing);
        String d = data != null ? data : mini ? resolveSubset(root, missing) : resolveData(root, missing);
        if (!missing.isEmpty()) {
            System.err.println("clipvr demo: cannot start; provide these files first:\n");
            missing.forEach(m -> System.err.println("  - " + m + "\n"));
            System.err.println("Or run with your own files: ./clipvr demo --weights PATH --data DIR");
            return 3;
        }
        if (isRandomInit(w))
            System.err.println("WARNING: " + w + " holds randomly initialised weights (clipvr init): the accuracies below are NOT"
                    + " CLIP's; they only exercise the pipeline.");
        List<String> ms = methods != null ? methods : List.of("ar", "dvp-cse");
        int sh = shots != null ? shots : mini ? 16 : 8, ep = epochs != null ? epochs : mini ? 30 : 3;
        int tl = testLimit != null ? testLimit : mini ? 1000 : 500;
        Path dir = out != null ? out : root.resolve("runs").resolve("demo");
        String what = mini ? "clipvr-mini (clipvr's own small CLIP, weights/clipvr-mini.md; not OpenAI CLIP)" : w.toString();
        List<Outcome> outcomes = new ArrayList<>();
        List<String> steps = new ArrayList<>(List.of("zeroshot"));
        steps.addAll(ms);
        for (int i = 0; i < steps.size(); i++) {
            String m = steps.get(i);
            Path run = dir.resolve(m);
            System.err.printf("== %d/%d %s on %s with %s -> %s%n", i + 1, steps.size() + 1, m, d, what, run);
            List<String> train = new ArrayList<>(List.of("train", "--method", m, "--weights", w.toString(), "--data", d,
                    "--test-limit", Integer.toString(tl), "--out", run.toString(), "--device", dev));
            if (!m.equals("zeroshot"))
                train.addAll(List.of("--shots", Integer.toString(sh), "--epochs", Integer.toString(ep), "--batch", "32",
                        "--eval-every", Integer.toString(Math.max(1, ep / 3))));
            if (inner != null && !m.equals("zeroshot")) train.addAll(List.of("--inner", Integer.toString(inner)));
            if (Files.isRegularFile(run.resolve(RunFiles.CHECKPOINT))) train.add("--resume");
            int rc = Main.run(train.toArray(String[]::new));
            if (rc != 0) return rc;
            RunResults r = RunFiles.readJson(run.resolve(RunFiles.RESULTS), RunResults.class);
            outcomes.add(new Outcome(m, r.last.top1()));
        }
        System.err.printf("== %d/%d reports%n", steps.size() + 1, steps.size() + 1);
        for (String m : ms) {
            int rc = Main.run("report", "--run", dir.resolve(m).toString(), "--data", d);
            if (rc != 0) return rc;
        }
        double zs = outcomes.getFirst().top1();
        System.out.printf(Locale.ROOT, "%nclipvr demo: %s, %s, %d test images (accuracy after the last epoch)%n", what, d, tl);
        for (Outcome o : outcomes)
            System.out.printf(Locale.ROOT, "  %-9s %6.2f %%%s%n", o.method(), 100 * o.top1(),
                    o.method().equals("zeroshot") ? "" : String.format(Locale.ROOT, "   %+.2f points over zero-shot", 100 * (o.top1() - zs)));
        for (String m : ms) System.out.println("  report: " + dir.resolve(m).resolve("report.html"));
        return 0;
    }

    /** weights/clipvr-mini.safetensors of this checkout. */
    static Path resolveMini(Path root, List<String> missing) {
        Path p = root.resolve("weights").resolve("clipvr-mini.safetensors");
        if (!Files.isRegularFile(p)) missing.add("clipvr-mini: " + p + " is missing; it is committed in the repository (git checkout -- weights/clipvr-mini.safetensors),"
                + " or rebuild it with the command in weights/clipvr-mini.md");
        return p;
    }

    /** The committed Fashion-MNIST subset, demo/fashion-mnist (demo/README.md). */
    static String resolveSubset(Path root, List<String> missing) {
        Path p = root.resolve("demo").resolve("fashion-mnist");
        if (!Files.isRegularFile(p.resolve("t10k-images-idx3-ubyte.gz"))) missing.add("the demo's Fashion-MNIST subset: " + p
                + " is missing; it is committed in the repository (git checkout -- demo), or rebuild it with demo/make_subset.py");
        return "fashion-mnist:" + p;
    }

    static Path resolveWeights(Path root, List<String> missing) {
        var m = OpenAiCheckpoints.model("ViT-B/32");
        Path dir = root.resolve("weights");
        for (Path p : List.of(dir.resolve(m.file()), dir.resolve("clip-vit-base-patch32"))) if (Files.exists(p)) return p;
        try {
            System.err.println("downloading " + m.url() + " ...");
            return OpenAiCheckpoints.download(m, dir, n -> {});
        } catch (Exception e) {
            missing.add("OpenAI ViT-B/32: " + e.getMessage().replace("\n", "\n    "));
            return null;
        }
    }

    static String resolveData(Path root, List<String> missing) {
        if (Datasets.locate("cifar10") != null) return "cifar10";
        Path dataDir = Datasets.dataDir() != null ? Datasets.dataDir() : root.resolve("data");
        try {
            System.err.println("downloading " + Cifar10Binary.URL + " ...");
            return Cifar10Binary.download(dataDir).toString();
        } catch (Exception e) {
            missing.add("CIFAR-10 (" + e + "): download " + Cifar10Binary.URL + " (MD5 " + Cifar10Binary.MD5 + ") and unpack it so that "
                    + dataDir.resolve(Cifar10Binary.DIR_NAME).resolve("test_batch.bin") + " exists; or put the cifar10-jpg.tar.gz of"
                    + " ../shared/datasets there; or pass --data DIR with DIR/{train,test}/<class>/*.");
            return null;
        }
    }

    static boolean isRandomInit(Path w) {
        try {
            if (!Files.isRegularFile(w)) return false;
            var c = CheckpointReader.read(w);
            return c.metadata().getOrDefault("clipvr.note", "").startsWith("random initialisation");
        } catch (RuntimeException e) {
            return false;
        }
    }
}
