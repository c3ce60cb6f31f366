package clipvr.reprogram.cli;

import clipvr.clip.hub.OpenAiCheckpoints;
import clipvr.clip.io.CheckpointReader;
import clipvr.reprogram.data.Cifar10Binary;
import clipvr.reprogram.data.Datasets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code clipvr demo [--weights PATH] [--data DIR]}: zero-shot CLIP, then one reprogramming method with
 * short settings, then the HTML report. Without arguments it uses OpenAI's ViT-B/32 and CIFAR-10 (found
 * locally, else downloaded and verified); offline and without them it stops at once and says which files
 * to provide and where.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Zero-shot CLIP, a short visual-reprogramming run (AR), and the HTML report.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--weights", description = "CLIP checkpoint (default: weights/ViT-B-32.pt, downloaded if missing)") Path weights;
    @Option(names = "--data", description = "dataset (default: CIFAR-10 from the data folder or ../shared, else downloaded)") String data;
    @Option(names = "--method", defaultValue = "ar", description = "reprogramming method (default ${DEFAULT-VALUE})") String method;
    @Option(names = "--shots", defaultValue = "8", description = "training images per class (default ${DEFAULT-VALUE})") int shots;
    @Option(names = "--epochs", defaultValue = "3", description = "epochs (default ${DEFAULT-VALUE}; the papers use 200)") int epochs;
    @Option(names = "--test-limit", defaultValue = "500", description = "class-balanced test images (default ${DEFAULT-VALUE})") int testLimit;
    @Option(names = "--out", description = "run directory (default: runs/demo-<method>)") Path out;

    @picocli.CommandLine.Mixin DeviceOption deviceOption = new DeviceOption();

    @Override public Integer call() throws Exception {
        String dev = deviceOption.resolve().toString();
        Path root = Paths2.root();
        List<String> missing = new ArrayList<>();
        Path w = weights != null ? weights : resolveWeights(root, missing);
        String d = data != null ? data : resolveData(root, missing);
        if (!missing.isEmpty()) {
            System.err.println("clipvr demo: cannot start; provide these files first:\n");
            missing.forEach(m -> System.err.println("  - " + m + "\n"));
            System.err.println("Or run with your own files: ./clipvr demo --weights PATH --data DIR");
            return 3;
        }
        if (isRandomInit(w))
            System.err.println("WARNING: " + w + " holds randomly initialised weights (clipvr init): the accuracies below are NOT"
                    + " CLIP's; they only exercise the pipeline.");
        Path run = out != null ? out : root.resolve("runs").resolve("demo-" + method);
        System.err.println("== 1/3 zero-shot CLIP on " + d);
        int rc = Main.run("zeroshot", "--weights", w.toString(), "--data", d, "--limit", Integer.toString(testLimit), "--device", dev);
        if (rc != 0) return rc;
        System.err.println("== 2/3 visual reprogramming: " + method + ", " + shots + " shots, " + epochs + " epochs -> " + run);
        List<String> train = new ArrayList<>(List.of("train", "--method", method, "--weights", w.toString(), "--data", d,
                "--shots", Integer.toString(shots), "--epochs", Integer.toString(epochs), "--batch", "32",
                "--test-limit", Integer.toString(testLimit), "--out", run.toString(), "--device", dev));
        if (Files.isRegularFile(run.resolve("checkpoint.safetensors"))) train.add("--resume");
        rc = Main.run(train.toArray(String[]::new));
        if (rc != 0) return rc;
        System.err.println("== 3/3 report");
        rc = Main.run("report", "--run", run.toString(), "--data", d);
        if (rc == 0) System.err.println("done: open " + run.resolve("report.html"));
        return rc;
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
