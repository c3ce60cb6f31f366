package clipvr.reprogram.cli;

import clipvr.clip.hub.OpenAiCheckpoints;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code clipvr download --model ViT-B/32 [--dir weights]}: OpenAI's checkpoint, SHA-256 verified. */
@Command(name = "download", mixinStandardHelpOptions = true,
        description = "Download an official OpenAI CLIP checkpoint and verify the SHA-256 embedded in its URL.")
public final class DownloadCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "ViT-B/32", description = "ViT-B/32, ViT-B/16, ViT-L/14, ViT-L/14@336px (RN* download too, but only ViT towers load) (default ${DEFAULT-VALUE})")
    String model;
    @Option(names = "--dir", description = "target directory (default: weights/ under the project)") Path dir;

    @Override public Integer call() throws Exception {
        var m = OpenAiCheckpoints.model(model);
        Path d = dir != null ? dir : Paths2.root().resolve("weights");
        long[] last = {0};
        Path f = OpenAiCheckpoints.download(m, d, n -> {
            if (n - last[0] >= (32L << 20)) { last[0] = n; System.err.printf("  %d MB%n", n >> 20); }
        });
        System.err.println("ok: " + f + " (SHA-256 verified)");
        System.out.println(f);
        return 0;
    }
}
