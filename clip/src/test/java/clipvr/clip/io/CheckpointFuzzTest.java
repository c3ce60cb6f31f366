package clipvr.clip.io;

import clipvr.clip.fuzz.Fuzz;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Mutation and structure-aware fuzzing of every checkpoint reader (see {@link Fuzz}): safetensors, torch.save zip,
 * TorchScript archives, legacy torch streams, the pickle machine and HF {@code config.json}. Each reader is called
 * directly (not through {@link CheckpointReader}, whose catch-all would hide unchecked exceptions), and every
 * accepted checkpoint has all its tensor bytes read.
 */
class CheckpointFuzzTest {

    static final ReadOptions OPTS = ReadOptions.DEFAULT;

    static boolean typed(Throwable t) { return t instanceof CheckpointException; }

    /** Reads every element of every tensor (what a model load does). */
    static void touch(Checkpoint c) {
        for (RawTensor t : c.tensors().values()) {
            long n = t.numel();
            if (n > 0) { t.getDouble(0); t.getDouble(n - 1); }
            ByteBuffer b = t.data();
            long sum = 0;
            while (b.hasRemaining()) sum += b.get();
            assertTrue(sum != Long.MIN_VALUE);
        }
    }

    static void report(Fuzz.Report r) {
        System.out.println("[fuzz] " + r);
        assertTrue(r.failures().isEmpty(), () -> r + "\n" + String.join("\n", r.failures()));
        assertEquals(r.cases(), r.ok() + r.typedErrors());
        assertTrue(r.typedErrors() > 0, "no case was rejected: the mutators do not reach the reader");
    }

    // ------------------------------------------------------------------------------------------------------------
    // seeds

    static byte[] safetensorsSeed(int variant) {
        List<RawTensor> ts = new ArrayList<>();
        float[] v = new float[12];
        for (int i = 0; i < v.length; i++) v[i] = i - 3.5f;
        ts.add(RawTensor.ofFloats("visual.proj", new long[]{3, 4}, v));
        ts.add(RawTensor.fromFloats("half", StorageDType.F16, new long[]{2, 2}, new float[]{1, 2, 3, 4}));
        if (variant > 0) ts.add(RawTensor.fromFloats("scalar", StorageDType.F32, new long[]{}, new float[]{2.5f}));
        if (variant > 1) ts.add(RawTensor.fromFloats("empty", StorageDType.BF16, new long[]{0, 5}, new float[0]));
        return SafetensorsWriter.toBytes(ts, variant == 0 ? Map.of() : Map.of("format", "pt"));
    }

    static byte[] torchZipSeed(boolean deflate, int protocol) {
        PickleWriter w = new PickleWriter().proto(protocol).orderedDict().mark();
        w.str("a").tensorV2("FloatStorage", "0", 6, 0, new long[]{2, 3}, new long[]{3, 1});
        w.str("b").tensorV2("FloatStorage", "0", 6, 1, new long[]{2, 2}, new long[]{1, 2}); // strided view
        w.str("c").tensorV2("HalfStorage", "1", 4, 0, new long[]{4}, new long[]{1});
        w.setitems().stop();
        ByteBuffer f = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 6; i++) f.putFloat(i);
        return new ZipBuilder(true, true).add("seed/data.pkl", w.toBytes(), deflate)
                .add("seed/byteorder", "little").add("seed/data/0", f.array(), deflate)
                .add("seed/data/1", new byte[8]).add("seed/version", "3\n").toBytes();
    }

    static byte[] torchScriptSeed() {
        String rootCode = "class Root(Module):\n  __parameters__ = []\n  __buffers__ = [\"input_resolution\", ]\n";
        String visualCode = "class Visual(Module):\n  __parameters__ = [\"weight\", \"bias\", ]\n  __buffers__ = []\n"
                + "  training : bool\n  weight : Tensor\n  bias : Optional[Tensor]\n  cache : Tensor\n"
                + "  def forward(self: __torch__.model.___torch_mangle_3.Visual,\n    x: Tensor) -> Tensor:\n";
        ByteBuffer f = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 6; i++) f.putFloat(i);
        return new ZipBuilder(true, true)
                .add("ts/data.pkl", TorchScriptAndLegacyTest.dataPkl())
                .add("ts/code/__torch__/model.py", rootCode.getBytes(), true)
                .add("ts/code/__torch__/model/___torch_mangle_3.py", visualCode.getBytes(), true)
                .add("ts/data/0", f.array()).add("ts/data/1", new byte[8])
                .add("ts/data/2", ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(224).array())
                .add("ts/constants.pkl", new PickleWriter().proto(2).emptyTuple().stop().toBytes())
                .add("ts/version", "1\n").toBytes();
    }

    static byte[] legacySeed() {
        PickleWriter w = new PickleWriter();
        w.raw(HexFormat.of().parseHex("80028a0a6cfc9c46f9206aa850192e"));
        w.proto(2).integer(1001).stop();
        w.proto(2).emptyDict().mark().str("protocol_version").integer(1001).str("little_endian").bool(true)
                .setitems().stop();
        w.proto(2).orderedDict().mark().str("a").global("torch._utils", "_rebuild_tensor_v2").mark()
                .mark().str("storage").global("torch", "FloatStorage").str("94011").str("cpu").integer(6).none().tuple()
                .binpersid().integer(0).ints(2, 3).ints(3, 1).bool(false).orderedDict().tuple().reduce()
                .str("v").global("torch._utils", "_rebuild_tensor_v2").mark()
                .mark().str("storage").global("torch", "FloatStorage").str("94011").str("cpu").integer(6)
                .str("94019").integer(2).integer(3).tuple3().tuple().binpersid()
                .integer(1).ints(2).ints(1).bool(false).orderedDict().tuple().reduce()
                .setitems().stop();
        w.proto(2).emptyList().str("94011").append().stop();
        ByteBuffer data = ByteBuffer.allocate(8 + 24).order(ByteOrder.LITTLE_ENDIAN).putLong(6);
        for (int i = 0; i < 6; i++) data.putFloat(i + 0.5f);
        return w.raw(data.array()).toBytes();
    }

    // ------------------------------------------------------------------------------------------------------------
    // structure-aware generators

    static final long[] BIG = {0, 1, 3, 6, 7, -1, 1L << 31, (1L << 31) - 1, 1L << 32, 1L << 40, 1L << 62,
            Long.MAX_VALUE, Long.MIN_VALUE, 3037000500L, 100_000_001L};

    static long big(SplittableRandom r) { return r.nextInt(3) == 0 ? r.nextInt(16) : BIG[r.nextInt(BIG.length)]; }

    /** A safetensors header with shapes and offsets that overflow or exceed the file. */
    static byte[] safetensorsGenerated(SplittableRandom r) {
        StringBuilder h = new StringBuilder("{");
        int n = 1 + r.nextInt(3);
        long off = 0;
        for (int i = 0; i < n; i++) {
            if (i > 0) h.append(',');
            int rank = r.nextInt(4);
            StringBuilder shape = new StringBuilder();
            for (int d = 0; d < rank; d++) shape.append(d > 0 ? "," : "").append(r.nextBoolean() ? big(r) : 1 + r.nextInt(4));
            long end = r.nextBoolean() ? off + 16 : big(r);
            h.append("\"t").append(i).append("\":{\"dtype\":\"").append(new String[]{"F32", "F16", "I64", "BOOL", "F8"}[r.nextInt(5)])
                    .append("\",\"shape\":[").append(shape).append("],\"data_offsets\":[").append(off).append(',')
                    .append(end).append("]}");
            off = end;
        }
        String header = h.append('}').toString();
        byte[] hb = header.getBytes(StandardCharsets.UTF_8);
        long declared = r.nextInt(4) == 0 ? big(r) : hb.length;
        int data = r.nextInt(64);
        ByteBuffer b = ByteBuffer.allocate(8 + hb.length + data).order(ByteOrder.LITTLE_ENDIAN);
        return b.putLong(declared).put(hb).array();
    }

    /** A torch zip whose persistent ids, views and zip sizes claim far more than the file holds. */
    static byte[] torchZipGenerated(SplittableRandom r) {
        long numel = big(r);
        long[] size = new long[r.nextInt(4)], stride = new long[size.length];
        for (int d = 0; d < size.length; d++) { size[d] = r.nextBoolean() ? big(r) : 1 + r.nextInt(3); stride[d] = big(r); }
        PickleWriter w = new PickleWriter().proto(2).orderedDict().mark();
        w.str("x").tensorV2(r.nextBoolean() ? "FloatStorage" : "UntypedStorage", "0", numel, big(r), size, stride);
        w.setitems().stop();
        byte[] zip = new ZipBuilder(r.nextBoolean(), true).add("g/data.pkl", w.toBytes(), r.nextInt(4) == 0)
                .add("g/data/0", new byte[r.nextInt(64)], r.nextBoolean()).add("g/version", "3\n").toBytes();
        if (r.nextBoolean()) return zip;
        // claim gigabytes in a size field of a central-directory or ZIP64 record
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        for (int p = zip.length - 4; p >= 0; p--) {
            if (b.getInt(p) == 0x02014b50 && r.nextBoolean()) {
                b.putInt(p + 20 + 4 * r.nextInt(2), (int) big(r)); // compressed or uncompressed size
                break;
            }
            if (b.getInt(p) == 0x06064b50) { b.putLong(p + 32 + 8 * r.nextInt(3), big(r)); break; }
        }
        return zip;
    }

    /** A legacy stream whose storage counts, view offsets and view sizes overflow or exceed the data. */
    static byte[] legacyGenerated(SplittableRandom r) {
        long numel = r.nextBoolean() ? 6 : big(r), viewOff = big(r), viewSize = big(r), count = r.nextBoolean() ? numel : big(r);
        long storageOffset = r.nextBoolean() ? 0 : big(r), size = r.nextBoolean() ? 2 : big(r);
        return FuzzRegressionTest.legacy(numel, viewOff, viewSize, storageOffset, size, count);
    }

    /** Pickles that nest deeply, refer to themselves, or claim huge operands. */
    static byte[] pickleGenerated(SplittableRandom r) {
        PickleWriter w = new PickleWriter().proto(2);
        switch (r.nextInt(6)) {
            case 0 -> { // deep nesting of lists / tuples / dicts
                int depth = 1 + (r.nextInt(16) == 0 ? r.nextInt(200_000) : r.nextInt(2_000)); // rarely very deep: keeps CI fast
                for (int i = 0; i < depth; i++) w.op(new int[]{']', '(', '}'}[r.nextInt(3)]);
                for (int i = 0; i < depth; i++) w.op(new int[]{'a', 't', 'e', 'l', 0x85}[r.nextInt(5)]);
            }
            case 1 -> { // a list that contains itself, used as dict value / key / set item
                w.emptyList().binput(0).binget(0).append().emptyDict().op(r.nextBoolean() ? 'N' : 'K');
                if (r.nextBoolean()) w.op(0).binget(0).setitem(); else w.binget(0).binget(0).setitem();
            }
            case 2 -> { // a dict of tensors nested far deeper than the flattener allows, via memo
                w.emptyDict().binput(1).str("k").binget(1).setitem();
            }
            case 3 -> { // huge operand lengths
                int op = new int[]{'X', 'B', 0x8D, 0x8E, 'T', 0x95, 0x8B}[r.nextInt(7)];
                w.op(op);
                long v = big(r);
                int width = op == 0x8D || op == 0x8E || op == 0x95 ? 8 : 4;
                for (int i = 0; i < width; i++) w.op((int) (v >>> (8 * i)) & 0xFF);
                w.raw(new byte[r.nextInt(16)]);
            }
            case 4 -> { // random opcode soup from the supported set
                int[] ops = {'(', ')', ']', '}', 'a', 'e', 'l', 't', 'd', 's', 'u', 'N', 0x88, 0x89, 0x85, 0x86, 0x87,
                        'R', 'b', 'Q', 0x81, 0x8F, 0x90, 0x91, 0x94, 0x93};
                int n = 1 + r.nextInt(64);
                for (int i = 0; i < n; i++) {
                    int k = r.nextInt(ops.length + 4);
                    if (k < ops.length) w.op(ops[k]);
                    else if (k == ops.length) w.integer(big(r));
                    else if (k == ops.length + 1) w.str(r.nextBoolean() ? "storage" : "torch");
                    else if (k == ops.length + 2) w.global(r.nextBoolean() ? "torch._utils" : "torch",
                            r.nextBoolean() ? "_rebuild_tensor_v2" : "FloatStorage");
                    else w.binget(r.nextInt(4));
                }
            }
            default -> { // a tuple key nested deeply (recursive hashing)
                int depth = 1 + r.nextInt(5000);
                w.emptyDict().none();
                for (int i = 0; i < depth; i++) w.tuple1();
                w.none().setitem();
            }
        }
        return w.stop().toBytes();
    }

    // ------------------------------------------------------------------------------------------------------------
    // targets

    static Path p(String name) { return Path.of(name); }

    @Test void safetensors() {
        Fuzz.Report r = new Fuzz.Campaign("safetensors").seed(safetensorsSeed(0)).seed(safetensorsSeed(1))
                .seed(safetensorsSeed(2)).generator(CheckpointFuzzTest::safetensorsGenerated)
                .typed(CheckpointFuzzTest::typed)
                .run((in, name) -> touch(SafetensorsReader.read(ByteBuffer.wrap(in), p(name))));
        report(r);
    }

    @Test void torchZip() {
        Fuzz.Report r = new Fuzz.Campaign("torch-zip").seed(torchZipSeed(false, 2)).seed(torchZipSeed(true, 2))
                .seed(torchZipSeed(false, 4)).generator(CheckpointFuzzTest::torchZipGenerated)
                .typed(CheckpointFuzzTest::typed)
                .run((in, name) -> touch(TorchZipReader.read(ZipArchive.of(MemorySegment.ofArray(in), p(name)), OPTS)));
        report(r);
    }

    @Test void torchScript() {
        Fuzz.Report r = new Fuzz.Campaign("torchscript").seed(torchScriptSeed()).typed(CheckpointFuzzTest::typed)
                .run((in, name) -> touch(TorchZipReader.read(ZipArchive.of(MemorySegment.ofArray(in), p(name)), OPTS)));
        report(r);
    }

    @Test void legacy() {
        Fuzz.Report r = new Fuzz.Campaign("torch-legacy").seed(legacySeed())
                .generator(CheckpointFuzzTest::legacyGenerated).typed(CheckpointFuzzTest::typed)
                .run((in, name) -> touch(TorchLegacyReader.read(MemorySegment.ofArray(in), p(name), OPTS)));
        report(r);
    }

    @Test void pickle() {
        List<byte[]> seeds = List.of(TorchScriptAndLegacyTest.dataPkl(),
                new PickleWriter().proto(4).orderedDict().mark().str("w")
                        .tensorV2("FloatStorage", "0", 4, 0, new long[]{2, 2}, new long[]{2, 1}).setitems().stop().toBytes());
        Fuzz.Report r = new Fuzz.Campaign("pickle").seeds(seeds).generator(CheckpointFuzzTest::pickleGenerated)
                .generatorShare(0.4).typed(CheckpointFuzzTest::typed)
                .run((in, name) -> {
                    Path f = p(name);
                    TorchPickleResolver res = new TorchPickleResolver(f, in.length % 2 == 0, in.length % 3 == 0,
                            (key, dtype, numel, view) -> new TorchStorage(key, dtype, numel, false,
                                    ByteBuffer.allocate(0)));
                    Object o = Unpickler.load(ByteBuffer.wrap(in), res, Unpickler.Limits.DEFAULT, f);
                    if (o instanceof Map<?, ?> || o instanceof TorchStorage.View)
                        touch(new Checkpoint(f, Checkpoint.Format.TORCH_ZIP, TorchObjects.fromTorchSave(o, f,
                                new ArrayList<>()), Map.of(), List.of(), null));
                });
        report(r);
    }

    static byte[] hfConfigSeed() {
        return """
                {"architectures": ["CLIPModel"], "model_type": "clip", "projection_dim": 32,
                 "text_config": {"hidden_size": 64, "intermediate_size": 256, "num_hidden_layers": 2,
                   "num_attention_heads": 1, "max_position_embeddings": 77, "vocab_size": 49408,
                   "hidden_act": "quick_gelu", "layer_norm_eps": 1e-05},
                 "vision_config": {"hidden_size": 128, "intermediate_size": 512, "num_hidden_layers": 2,
                   "num_attention_heads": 2, "image_size": 64, "patch_size": 16, "hidden_act": "quick_gelu",
                   "layer_norm_eps": 1e-05}}""".getBytes(StandardCharsets.UTF_8);
    }

    @Test void hfConfig() {
        Fuzz.Report r = new Fuzz.Campaign("hf-config").seed(hfConfigSeed()).typed(CheckpointFuzzTest::typed)
                .run((in, name) -> {
                    HfClipConfig c = HfClipConfig.read(in, p(name));
                    c.activation();
                    // an accepted config describes a model that can be built
                    assertTrue(c.projectionDim() > 0 && c.textHidden() > 0 && c.visionHidden() > 0
                            && c.textLayers() >= 0 && c.visionLayers() >= 0 && c.textHeads() > 0 && c.visionHeads() > 0
                            && c.textHidden() % c.textHeads() == 0 && c.visionHidden() % c.visionHeads() == 0
                            && c.patchSize() > 0 && c.imageSize() >= c.patchSize() && c.textMaxPositions() > 0
                            && c.vocabSize() > 0 && c.textIntermediate() > 0 && c.visionIntermediate() > 0
                            && c.textLayerNormEps() > 0 && c.visionLayerNormEps() > 0, "accepted a bad config: " + c);
                });
        report(r);
    }
}
