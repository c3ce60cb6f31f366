package clipvr.clip.io;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Reads every file of the shared tiny-vit fixture set. */
class TinyVitFixturesTest {

    @Test void openaiSafetensors() {
        Path d = SharedFixtures.tinyVit();
        Checkpoint c = CheckpointReader.read(d.resolve("openai.safetensors"));
        assertEquals(Checkpoint.Format.SAFETENSORS, c.format());
        assertEquals("pt", c.metadata().get("format"));
        RawTensor conv = c.tensor("visual.conv1.weight");
        assertEquals(StorageDType.F32, conv.dtype());
        assertArrayEquals(new long[]{128, 3, 16, 16}, conv.shape());
        assertArrayEquals(new long[]{}, c.tensor("logit_scale").shape());
        assertEquals(2.66015625f, c.tensor("logit_scale").toFloatArray()[0]);
    }

    @Test void torchSaveZip() {
        Path d = SharedFixtures.tinyVit();
        Checkpoint pt = CheckpointReader.read(d.resolve("openai_state_dict.pt"));
        assertEquals(Checkpoint.Format.TORCH_ZIP, pt.format());
        assertEquals("openai_state_dict", pt.archivePrefix());
        assertEquals("little", pt.metadata().get("byteorder"));
        Checkpoint st = CheckpointReader.read(d.resolve("openai.safetensors"));
        assertEquals(st.tensors().keySet(), pt.tensors().keySet());
        for (Map.Entry<String, RawTensor> e : st.tensors().entrySet()) {
            assertTrue(e.getValue().contentEquals(pt.tensor(e.getKey())), e.getKey());
        }
    }

    @Test void hfSafetensorsDirectory() {
        Path d = SharedFixtures.tinyVit();
        Checkpoint hf = CheckpointReader.read(d.resolve("hf"));
        assertEquals(d.resolve("hf/model.safetensors"), hf.file());
        assertEquals(StorageDType.F16, hf.tensor("vision_model.pre_layrnorm.weight").dtype());
    }

    @Test void inputsAndExpected() {
        Path d = SharedFixtures.tinyVit();
        Checkpoint in = CheckpointReader.read(d.resolve("inputs.safetensors"));
        RawTensor ids = in.tensor("input_ids");
        assertEquals(StorageDType.I32, ids.dtype());
        int[] v = ids.toIntArray();
        assertEquals(49406, v[0]);
        assertArrayEquals(new long[]{4, 3, 64, 64}, in.tensor("pixel_values").shape());
        assertEquals(4, in.tensor("labels").toLongArray().length);
        assertTrue(in.metadata().get("texts").contains("a photo of a fox"));
        Checkpoint ex = CheckpointReader.read(d.resolve("expected.safetensors"));
        assertArrayEquals(new long[]{4, 3}, ex.tensor("logits_per_image").shape());
        assertArrayEquals(new long[]{}, ex.tensor("loss").shape());
        assertTrue(Float.isFinite(ex.tensor("loss").toFloatArray()[0]));
    }
}
