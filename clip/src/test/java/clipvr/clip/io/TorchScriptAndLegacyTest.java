package clipvr.clip.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A hand-built TorchScript-like archive (§4) and a hand-built legacy torch.save stream (§2.9). */
class TorchScriptAndLegacyTest {

    /** TorchScript persistent id: MARK "storage" GLOBAL torch <X>Storage key device numel TUPLE BINPERSID (§4.4). */
    static PickleWriter tsTensor(PickleWriter w, String cls, String key, long numel, long offset, long[] size,
                                 long[] stride, int memoStorage) {
        w.global("torch._utils", "_rebuild_tensor_v2").mark();
        if (memoStorage < 0 || key != null) {
            w.mark().str("storage").global("torch", cls).str(key).str("cuda:0").integer(numel).tuple().binpersid();
            if (memoStorage >= 0) w.binput(memoStorage);
        } else {
            w.binget(-memoStorage); // unused branch
        }
        w.integer(offset).mark();
        for (long s : size) w.integer(s);
        w.tuple().mark();
        for (long s : stride) w.integer(s);
        w.tuple().bool(false).orderedDict().tuple().reduce();
        return w;
    }

    static byte[] dataPkl() {
        PickleWriter w = new PickleWriter().proto(2);
        w.global("__torch__.model", "Root").binput(0).emptyTuple().newobj().emptyDict().mark();
        w.str("training").bool(false);
        // visual: parameters weight, bias(None); 'cache' is a tensor attribute that is neither (ignored)
        w.str("visual").global("__torch__.model.___torch_mangle_3", "Visual").emptyTuple().newobj().emptyDict().mark()
                .str("training").bool(false).str("weight");
        tsTensor(w, "FloatStorage", "0", 6, 0, new long[]{2, 3}, new long[]{3, 1}, 10);
        w.str("bias").none().str("cache");
        tsTensor(w, "FloatStorage", "1", 2, 0, new long[]{2}, new long[]{1}, -1);
        w.str("sizes").global("torch.jit._pickle", "build_intlist").mark().emptyList().mark().integer(1).integer(2)
                .appends().tuple().reduce();
        w.setitems().build();
        // blocks: a ModuleList holding an object whose class has no code/ file (fallback b): shares storage 0
        w.str("blocks").global("__torch__.torch.nn.modules.container", "ModuleList").emptyTuple().newobj().emptyDict()
                .mark().str("0").global("__torch__.model", "Block").emptyTuple().newobj().emptyDict().mark().str("w");
        w.global("torch._utils", "_rebuild_tensor_v2").mark().binget(10).integer(3).mark().integer(3).tuple()
                .mark().integer(1).tuple().bool(false).orderedDict().tuple().reduce();
        w.setitems().build().setitems().build();
        w.str("input_resolution");
        tsTensor(w, "LongStorage", "2", 1, 0, new long[]{}, new long[]{}, -1);
        w.str("extra").global("torch.jit._pickle", "restore_type_tag").emptyDict().str("Dict[str, int]").tuple2().reduce();
        w.setitems().build().stop();
        return w.toBytes();
    }

    @Test void torchScriptArchive(@TempDir Path dir) throws Exception {
        String rootCode = "class Root(Module):\n  __parameters__ = []\n  __buffers__ = [\"input_resolution\", ]\n"
                + "  training : bool\n  visual : __torch__.model.___torch_mangle_3.Visual\n"
                + "  def forward(self: __torch__.model.Root) -> Tensor:\n    return self.visual.weight\n"
                + "class Block(Module):\n  __parameters__ = [\"nothing\", ]\n";
        String visualCode = "class Visual(Module):\n  __parameters__ = [\"weight\", \"bias\", ]\n  __buffers__ = []\n"
                + "  training : bool\n  weight : Tensor\n  bias : Optional[Tensor]\n  cache : Tensor\n"
                + "  def forward(self: __torch__.model.___torch_mangle_3.Visual,\n    x: Tensor) -> Tensor:\n"
                + "    _0 = torch.add(x, self.weight)\n    return _0\n";
        assertTrue(visualCode.length() > 200);
        ByteBuffer f = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 6; i++) f.putFloat(i);
        byte[] zip = new ZipBuilder(true, true)
                .add("ViT-Tiny/data.pkl", dataPkl())
                .add("ViT-Tiny/code/__torch__/model.py", rootCode.getBytes(), true)
                .add("ViT-Tiny/code/__torch__/model/___torch_mangle_3.py", visualCode.getBytes(), true)
                .add("ViT-Tiny/code/__torch__/model/___torch_mangle_3.py.debug_pkl", new byte[]{1, 2, 3})
                .add("ViT-Tiny/data/0", f.array())
                .add("ViT-Tiny/data/1", new byte[8])
                .add("ViT-Tiny/data/2", ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(224).array())
                .add("ViT-Tiny/constants.pkl", new PickleWriter().proto(2).emptyTuple().stop().toBytes())
                .add("ViT-Tiny/version", "1\n").toBytes();
        Path file = dir.resolve("tiny.pt");
        Files.write(file, zip);
        Checkpoint c = CheckpointReader.read(file);
        assertEquals(Checkpoint.Format.TORCHSCRIPT, c.format());
        assertEquals("ViT-Tiny", c.archivePrefix());
        assertEquals(List.of("visual.weight", "blocks.0.w", "input_resolution"), List.copyOf(c.tensors().keySet()));
        assertArrayEquals(new float[]{0, 1, 2, 3, 4, 5}, c.tensor("visual.weight").toFloatArray());
        assertArrayEquals(new float[]{3, 4, 5}, c.tensor("blocks.0.w").toFloatArray()); // shared storage, offset 3
        assertEquals(224L, c.tensor("input_resolution").getLong(0));
        assertEquals("__torch__.model.Root", c.metadata().get("torchscript.root_class"));
        assertTrue(c.notes().stream().anyMatch(n -> n.contains("visual.cache")), c.notes()::toString);
        assertTrue(c.notes().stream().anyMatch(n -> n.contains("fallback b")), c.notes()::toString);
    }

    @Test void codeParsing() {
        String src = "import torch\nclass A(Module):\n  __parameters__ = [\"w\",\n    \"b\", ]\n  x : int\n"
                + "class B(Module):\n  __parameters__ = []\n  __buffers__ = ['m', ]\n";
        assertEquals(new TorchScriptCode.ClassInfo(List.of("w", "b"), null), TorchScriptCode.parse(src, "A"));
        assertEquals(new TorchScriptCode.ClassInfo(List.of(), List.of("m")), TorchScriptCode.parse(src, "B"));
        assertNull(TorchScriptCode.parse(src, "C"));
    }

    @Test void legacyStream(@TempDir Path dir) throws Exception {
        PickleWriter w = new PickleWriter();
        w.raw(HexFormat.of().parseHex("80028a0a6cfc9c46f9206aa850192e"));          // magic
        w.proto(2).integer(1001).stop();                                            // protocol version
        w.proto(2).emptyDict().mark().str("protocol_version").integer(1001).str("little_endian").bool(true)
                .str("type_sizes").emptyDict().str("int").integer(4).setitem().setitems().stop(); // sys_info
        w.proto(2).orderedDict().mark().str("a").global("torch._utils", "_rebuild_tensor_v2").mark()
                .mark().str("storage").global("torch", "FloatStorage").str("94011").str("cpu").integer(6).none().tuple()
                .binpersid().integer(0).ints(2, 3).ints(3, 1).bool(false).orderedDict().tuple().reduce()
                .str("v").global("torch._utils", "_rebuild_tensor_v2").mark()
                .mark().str("storage").global("torch", "FloatStorage").str("94011").str("cpu").integer(6)
                .str("94019").integer(2).integer(3).tuple3().tuple().binpersid()
                .integer(1).ints(2).ints(1).bool(false).orderedDict().tuple().reduce()
                .setitems().stop();                                                 // the object
        w.proto(2).emptyList().str("94011").append().stop();                        // storage keys
        ByteBuffer data = ByteBuffer.allocate(8 + 24).order(ByteOrder.LITTLE_ENDIAN).putLong(6);
        for (int i = 0; i < 6; i++) data.putFloat(i + 0.5f);
        w.raw(data.array());
        Path f = dir.resolve("old.pt");
        Files.write(f, w.toBytes());
        assertEquals(Checkpoint.Format.TORCH_LEGACY, CheckpointReader.detect(f));
        Checkpoint c = CheckpointReader.read(f);
        assertEquals(Checkpoint.Format.TORCH_LEGACY, c.format());
        assertArrayEquals(new float[]{0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f}, c.tensor("a").toFloatArray());
        assertArrayEquals(new float[]{3.5f, 4.5f}, c.tensor("v").toFloatArray()); // view at 2, tensor offset 1
        // truncated inside the storage data
        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, all.length - 5));
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointReader.read(f));
        assertEquals(CheckpointException.Reason.TRUNCATED, e.reason());
        assertTrue(e.getMessage().contains("94011"), e.getMessage());
    }
}
