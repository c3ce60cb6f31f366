package clipvr.reprogram.cli;

import clipvr.clip.io.ClipStateDicts;
import clipvr.clip.io.ClipWeights;
import clipvr.clip.io.RawTensor;
import clipvr.clip.io.SafetensorsWriter;
import clipvr.clip.io.StorageDType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code clipvr convert IN --out OUT.safetensors}: any supported checkpoint to safetensors. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert any supported CLIP checkpoint (OpenAI .pt TorchScript, torch.save zip, safetensors, HF or open_clip names) to safetensors.")
public final class ConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN", description = "checkpoint file or directory")
    Path in;
    @Option(names = "--out", required = true, description = "output .safetensors file (written atomically)")
    Path out;
    @Option(names = "--names", defaultValue = "openai", description = "naming scheme of the output: openai or hf (default ${DEFAULT-VALUE})")
    String names;
    @Option(names = "--dtype", description = "convert floating tensors to F32, F16 or BF16 (default: keep)")
    StorageDType dtype;

    @Override public Integer call() {
        ClipWeights w = ClipStateDicts.load(in);
        Map<String, RawTensor> t = switch (names) {
            case "openai" -> w.tensors();
            case "hf" -> ClipStateDicts.openAIToHf(w.tensors());
            default -> throw new IllegalArgumentException("--names must be openai or hf, got '" + names + "'");
        };
        Map<String, RawTensor> outT = new LinkedHashMap<>();
        for (var e : t.entrySet()) {
            RawTensor r = e.getValue();
            outT.put(e.getKey(), dtype != null && r.dtype().isFloatingPoint() ? r.convertTo(dtype) : r);
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("clipvr.source", w.source());
        meta.put("clipvr.config", w.config().describe());
        SafetensorsWriter.write(out, outT, meta);
        System.err.printf("wrote %s: %d tensors (%s names) from %s%n", out, outT.size(), names, w.source());
        w.notes().forEach(n -> System.err.println("note: " + n));
        return 0;
    }
}
