package clipvr.reprogram.cli;

import clipvr.autograd.GradMode;
import clipvr.autograd.Var;
import clipvr.clip.image.ClipPreprocess;
import clipvr.clip.image.ImageDecoder;
import clipvr.clip.io.Checkpoint;
import clipvr.clip.io.RawTensor;
import clipvr.clip.io.SafetensorsReader;
import clipvr.clip.io.SafetensorsWriter;
import clipvr.clip.model.Clip;
import clipvr.clip.model.ClipModels;
import clipvr.clip.text.ClipTokenizer;
import clipvr.tensor.DType;
import clipvr.tensor.Shape;
import clipvr.tensor.Tensor;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code clipvr encode --weights W (--images F... | --pixels P) [--texts T... | --tokens F] --out OUT}:
 * writes {@code image_embeds}, {@code text_embeds} (encoder outputs before normalisation) and
 * {@code logits_per_image} as float32 safetensors.
 */
@Command(name = "encode", mixinStandardHelpOptions = true,
        description = "Encode images and/or texts with CLIP; write image_embeds, text_embeds and logits_per_image (float32 safetensors).")
public final class EncodeCommand implements Callable<Integer> {
    @Option(names = "--weights", required = true, description = "CLIP checkpoint (any supported format)") Path weights;
    @Option(names = "--vocab", description = "tokenizer vocabulary (default: beside the weights, else ../shared/clip)") Path vocab;

    static final class ImageInput {
        @Option(names = "--images", arity = "1..*", description = "image files (decoded and preprocessed like CLIP)") List<Path> images;
        @Option(names = "--pixels", description = "safetensors with pixel_values [N,3,H,W], already normalised") Path pixels;
    }

    static final class TextInput {
        @Option(names = "--texts", arity = "1..*", description = "texts to encode") List<String> texts;
        @Option(names = "--tokens", description = "safetensors with input_ids [M,77] int32") Path tokens;
    }

    @ArgGroup(exclusive = true) ImageInput imageInput;
    @ArgGroup(exclusive = true) TextInput textInput;
    @Option(names = "--out", required = true, description = "output .safetensors") Path out;
    @Option(names = "--batch", defaultValue = "32", description = "images per forward pass (default ${DEFAULT-VALUE})") int batch;
    @picocli.CommandLine.Mixin DeviceOption deviceOption = new DeviceOption();
    @Option(names = "--truncate", description = "truncate texts longer than the context instead of failing") boolean truncate;

    @Override public Integer call() {
        if (imageInput == null && textInput == null) throw new IllegalArgumentException("give --images/--pixels and/or --texts/--tokens");
        if (batch <= 0) throw new IllegalArgumentException("--batch must be positive, got " + batch);
        clipvr.tensor.Device device = deviceOption.resolve();
        System.err.println(DeviceOption.describe(device));
        Clip model = ClipModels.load(weights, DType.F32);
        model.to(device);
        Map<String, RawTensor> outT = new LinkedHashMap<>();
        try (var s = GradMode.noGrad()) {
            Tensor img = imageInput == null ? null : encodeImages(model);
            Tensor txt = textInput == null ? null : model.encodeText(tokens(model)).data();
            if (img != null) outT.put("image_embeds", raw("image_embeds", img));
            if (txt != null) outT.put("text_embeds", raw("text_embeds", txt));
            if (img != null && txt != null)
                outT.put("logits_per_image", raw("logits_per_image", model.logits(Var.constant(img), Var.constant(txt)).data()));
        }
        SafetensorsWriter.write(out, outT, Map.of("format", "pt"));
        System.err.println("wrote " + out + ": " + String.join(", ", outT.keySet()));
        return 0;
    }

    Tensor encodeImages(Clip model) {
        int r = model.resolution();
        Tensor pixels;
        if (imageInput.pixels != null) {
            Checkpoint c = SafetensorsReader.read(imageInput.pixels);
            RawTensor p = c.tensor("pixel_values");
            pixels = ClipModels.toTensor(p, DType.F32);
            int[] s = pixels.shape();
            if (s.length != 4 || s[1] != 3 || s[2] != r || s[3] != r)
                throw new IllegalArgumentException("--pixels " + imageInput.pixels + ": pixel_values " + Shape.str(s) + " is not [N, 3, " + r + ", " + r + "]");
        } else {
            ClipPreprocess pre = new ClipPreprocess(r);
            float[] all = new float[imageInput.images.size() * 3 * r * r];
            for (int i = 0; i < imageInput.images.size(); i++)
                System.arraycopy(pre.apply(ImageDecoder.decode(imageInput.images.get(i))), 0, all, i * 3 * r * r, 3 * r * r);
            pixels = Tensor.of(all, imageInput.images.size(), 3, r, r);
        }
        List<Tensor> parts = new ArrayList<>();
        for (int i = 0; i < pixels.size(0); i += batch)
            parts.add(model.encodeImage(Var.constant(pixels.narrow(0, i, Math.min(batch, pixels.size(0) - i)).to(model.device()))).data());
        return clipvr.tensor.ops.Indexing.cat(parts, 0);
    }

    int[][] tokens(Clip model) {
        int ctx = model.config.contextLength();
        if (textInput.tokens != null) {
            RawTensor t = SafetensorsReader.read(textInput.tokens).tensor("input_ids");
            long[] s = t.shape();
            if (s.length != 2 || s[1] != ctx)
                throw new IllegalArgumentException("--tokens " + textInput.tokens + ": input_ids " + java.util.Arrays.toString(s) + " is not [M, " + ctx + "]");
            int[] ids = t.toIntArray();
            int[][] rows = new int[(int) s[0]][ctx];
            for (int i = 0; i < rows.length; i++) System.arraycopy(ids, i * ctx, rows[i], 0, ctx);
            return rows;
        }
        ClipTokenizer tok = clipvr.reprogram.train.Trainer.loadTokenizer(Paths2.vocab(vocab, weights));
        return tok.tokenizeAll(textInput.texts, ctx, truncate);
    }

    static RawTensor raw(String name, Tensor t) {
        return RawTensor.ofFloats(name, java.util.Arrays.stream(t.shape()).asLongStream().toArray(), t.toFloatArray());
    }
}
