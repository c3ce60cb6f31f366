package clipvr.clip.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Name mapping, config inference and validation, on the tiny-vit fixtures and synthetic state dicts. */
class ClipStateDictsTest {

    @Test void allThreeFixtureFilesGiveIdenticalCanonicalFloats() {
        Path d = SharedFixtures.tinyVit();
        ClipWeights st = ClipStateDicts.load(d.resolve("openai.safetensors"));
        ClipWeights pt = ClipStateDicts.load(d.resolve("openai_state_dict.pt"));
        ClipWeights hf = ClipStateDicts.load(d.resolve("hf"));
        assertEquals(ClipStateDicts.Scheme.OPENAI, st.scheme());
        assertEquals(ClipStateDicts.Scheme.HF, hf.scheme());
        assertEquals(st.tensors().keySet(), pt.tensors().keySet());
        assertEquals(st.tensors().keySet(), hf.tensors().keySet());
        for (String k : st.tensors().keySet()) {
            float[] a = st.floats(k);
            assertArrayEquals(a, pt.floats(k), 0f, k);
            assertArrayEquals(a, hf.floats(k), 0f, k);
            assertArrayEquals(st.tensor(k).shape(), hf.tensor(k).shape(), k);
        }
        ClipConfig c = st.config();
        assertEquals(new ClipConfig(32, 64, 16, 128, 2, 2, 512, 77, 49408, 64, 2, 1, 256,
                Activation.QUICK_GELU, 1e-5), c);
        assertEquals(c, hf.config());
        assertEquals(Activation.QUICK_GELU, hf.activation());
        assertEquals(2, hf.visionHeads());
        assertEquals(1, hf.textHeads());
    }

    @Test void hfConfigIsHonoured() {
        Path d = SharedFixtures.tinyVit();
        HfClipConfig cfg = HfClipConfig.read(d.resolve("hf/config.json"));
        assertEquals(128, cfg.visionHidden());
        assertEquals(2, cfg.visionHeads());
        assertEquals("quick_gelu", cfg.textHiddenAct());
        assertEquals(32, cfg.projectionDim());
        ClipConfig c = ClipStateDicts.load(d.resolve("hf")).config();
        HfClipConfig back = HfClipConfig.parse(readJson(HfClipConfig.toJson(c)));
        assertEquals(cfg, back);
    }

    @Test void hfOpenAIRoundTrip(@TempDir Path tmp) {
        Path d = SharedFixtures.tinyVit();
        Checkpoint hfFile = CheckpointReader.read(d.resolve("hf/model.safetensors"));
        Map<String, RawTensor> openai = ClipStateDicts.hfToOpenAI(hfFile.tensors(), null);
        Map<String, RawTensor> hfAgain = ClipStateDicts.openAIToHf(openai);
        assertEquals(hfFile.tensors().keySet(), hfAgain.keySet());
        for (String k : hfAgain.keySet()) assertTrue(hfFile.tensor(k).contentEquals(hfAgain.get(k)), k);
        // the reverse mapping written as an HF directory reads back to the same canonical weights
        ClipWeights w = ClipStateDicts.load(d.resolve("openai.safetensors"));
        Path dir = tmp.resolve("hf-out");
        writeHfDir(w, dir);
        ClipWeights w2 = ClipStateDicts.load(dir);
        assertEquals(ClipStateDicts.Scheme.HF, w2.scheme());
        for (String k : w.tensors().keySet()) assertTrue(w.tensor(k).contentEquals(w2.tensor(k)), k);
        assertEquals(w.config(), w2.config());
    }

    static void writeHfDir(ClipWeights w, Path dir) {
        try {
            Files.createDirectories(dir);
            SafetensorsWriter.write(dir.resolve("model.safetensors"), ClipStateDicts.openAIToHf(w.tensors()), Map.of("format", "pt"));
            Files.writeString(dir.resolve("config.json"), HfClipConfig.toJson(w.config()));
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    @Test void projectionsAreTransposedAndQkvConcatenated() {
        Path d = SharedFixtures.tinyVit();
        Checkpoint hf = CheckpointReader.read(d.resolve("hf/model.safetensors"));
        Map<String, RawTensor> oai = ClipStateDicts.hfToOpenAI(hf.tensors(), null);
        float[] vp = hf.tensor("visual_projection.weight").toFloatArray(); // [32,128]
        float[] proj = oai.get("visual.proj").toFloatArray();                // [128,32]
        assertEquals(vp[5 * 128 + 7], proj[7 * 32 + 5]);
        float[] k = hf.tensor("vision_model.encoder.layers.1.self_attn.k_proj.weight").toFloatArray();
        float[] in = oai.get("visual.transformer.resblocks.1.attn.in_proj_weight").toFloatArray();
        assertEquals(k[3], in[128 * 128 + 3]);
    }

    @Test void validationListsEverythingInOneMessage() {
        Path d = SharedFixtures.tinyVit();
        ClipWeights w = ClipStateDicts.load(d.resolve("openai.safetensors"));
        Map<String, RawTensor> m = new LinkedHashMap<>(w.tensors());
        m.remove("visual.ln_post.bias");
        m.remove("transformer.resblocks.1.ln_2.weight");
        m.put("visual.ls_1.gamma", RawTensor.ofFloats("visual.ls_1.gamma", new long[]{1}, new float[]{1}));
        m.put("ln_final.weight", RawTensor.ofFloats("ln_final.weight", new long[]{2}, new float[]{1, 2}));
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> ClipStateDicts.validate(m, w.config(), "test"));
        String msg = e.getMessage();
        assertEquals(CheckpointException.Reason.KEY_MISMATCH, e.reason());
        for (String s : List.of("visual.ln_post.bias", "transformer.resblocks.1.ln_2.weight", "visual.ls_1.gamma",
                "ln_final.weight [2] (expected [64])", "missing (2)", "unexpected (1)", "misshaped (1)"))
            assertTrue(msg.contains(s), () -> s + " not in: " + msg);
    }

    @Test void openClipConventions() {
        Path d = SharedFixtures.tinyVit();
        Checkpoint st = CheckpointReader.read(d.resolve("openai.safetensors"));
        Map<String, RawTensor> m = new LinkedHashMap<>();
        for (RawTensor t : st.tensors().values()) m.put("module." + t.name(), t.withName("module." + t.name()));
        RawTensor ls = st.tensor("logit_scale");
        m.put("module.logit_scale", ls.reshape(1).withName("module.logit_scale"));
        Checkpoint c = new Checkpoint(null, Checkpoint.Format.SAFETENSORS, m, Map.of(), List.of(), null);
        assertEquals(ClipStateDicts.Scheme.OPEN_CLIP, ClipStateDicts.detectScheme(c));
        ClipWeights w = ClipStateDicts.canonicalize(c, null, null, null);
        assertArrayEquals(new long[]{}, w.tensor("logit_scale").shape());
        assertTrue(w.tensors().containsKey("visual.proj"));
        assertEquals(Activation.QUICK_GELU, w.activation());
        assertTrue(w.notes().stream().anyMatch(n -> n.contains("GELU")));
        ClipWeights g = ClipStateDicts.canonicalize(c, null, new ClipStateDicts.OpenClipHints(Activation.GELU, null, null), null);
        assertEquals(Activation.GELU, g.activation());
    }

    @Test void openAIExtrasAreKeptApart() {
        Path d = SharedFixtures.tinyVit();
        Checkpoint st = CheckpointReader.read(d.resolve("openai.safetensors"));
        Map<String, RawTensor> m = new LinkedHashMap<>(st.tensors());
        m.put("input_resolution", RawTensor.fromLongs("input_resolution", StorageDType.I64, new long[]{}, new long[]{64}));
        m.put("context_length", RawTensor.fromLongs("context_length", StorageDType.I64, new long[]{}, new long[]{77}));
        m.put("vocab_size", RawTensor.fromLongs("vocab_size", StorageDType.I64, new long[]{}, new long[]{49408}));
        Checkpoint c = new Checkpoint(null, Checkpoint.Format.TORCHSCRIPT, m, Map.of(), List.of(), "x");
        ClipWeights w = ClipStateDicts.canonicalize(c, null, null, null);
        assertEquals(ClipStateDicts.Scheme.OPENAI_TORCHSCRIPT, w.scheme());
        assertEquals(List.of("input_resolution", "context_length", "vocab_size"), List.copyOf(w.extras().keySet()));
        assertFalse(w.tensors().containsKey("vocab_size"));
        assertTrue(w.notes().stream().noneMatch(n -> n.startsWith("warning")), w.notes()::toString);
    }

    @Test void torchScriptFallbackAttributesAreReconciledByName() {
        Path d = SharedFixtures.tinyVit();
        Checkpoint st = CheckpointReader.read(d.resolve("openai.safetensors"));
        Map<String, RawTensor> m = new LinkedHashMap<>(st.tensors());
        RawTensor mask = RawTensor.ofFloats("transformer.resblocks.0.attn_mask", new long[]{1}, new float[]{0});
        m.put(mask.name(), mask);
        Checkpoint strict = new Checkpoint(null, Checkpoint.Format.TORCHSCRIPT, m, Map.of(), List.of(), "x");
        assertThrows(CheckpointException.class, () -> ClipStateDicts.canonicalize(strict, null, null, null));
        Checkpoint fallback = new Checkpoint(null, Checkpoint.Format.TORCHSCRIPT, m,
                Map.of(TorchZipReader.FALLBACK_CLASSES_KEY, "3"), List.of(), "x");
        ClipWeights w = ClipStateDicts.canonicalize(fallback, null, null, null);
        assertFalse(w.tensors().containsKey(mask.name()));
        assertTrue(w.notes().stream().anyMatch(n -> n.contains("attn_mask")), w.notes()::toString);
    }

    @Test void expectedShapesMatchSpecCountsForViTB32() {
        ClipConfig b32 = new ClipConfig(512, 224, 32, 768, 12, 12, 3072, 77, 49408, 512, 12, 8, 2048,
                Activation.QUICK_GELU, 1e-5);
        Map<String, long[]> s = ClipStateDicts.expectedShapes(b32);
        assertEquals(302, s.size()); // §5.3: 152 visual + 150 text keys
        assertEquals(152, s.keySet().stream().filter(k -> k.startsWith("visual.")).count());
        assertArrayEquals(new long[]{50, 768}, s.get("visual.positional_embedding"));
        assertArrayEquals(new long[]{1536, 512}, s.get("transformer.resblocks.11.attn.in_proj_weight"));
        assertEquals(398, ClipStateDicts.openAIToHf(fake(s)).size()); // §7.1: 398 HF keys
    }

    private static Map<String, RawTensor> fake(Map<String, long[]> shapes) {
        Map<String, RawTensor> m = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long n = 1;
            for (long x : e.getValue()) n *= x;
            m.put(e.getKey(), new RawTensor(e.getKey(), StorageDType.U8, e.getValue(), java.nio.ByteBuffer.allocate((int) n)));
        }
        return m;
    }

    private static com.fasterxml.jackson.databind.JsonNode readJson(String s) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(s);
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
