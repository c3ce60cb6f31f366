package clipvr.clip.io;

import clipvr.clip.io.CheckpointException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Format dispatch (§1), directory preference (§8.3), sharded HF directories and file-level errors. */
class CheckpointReaderTest {

    @Test void unknownAndRejectedFormats(@TempDir Path dir) throws Exception {
        Map<String, byte[]> cases = new LinkedHashMap<>();
        cases.put("empty.bin", new byte[0]);
        cases.put("text.bin", "hello world, not a checkpoint".getBytes());
        cases.put("preview.pt", "PYTORCH1xxxxxxxx".getBytes());
        cases.put("pickle.pkl", new PickleWriter().proto(2).emptyDict().stop().toBytes());
        byte[] tar = new byte[600];
        System.arraycopy("ustar".getBytes(), 0, tar, 257, 5);
        cases.put("old.tar", tar);
        for (Map.Entry<String, byte[]> e : cases.entrySet()) {
            Path f = dir.resolve(e.getKey());
            Files.write(f, e.getValue());
            CheckpointException ex = assertThrows(CheckpointException.class, () -> CheckpointReader.read(f));
            assertTrue(ex.getMessage().contains(e.getKey()), ex.getMessage());
        }
        assertTrue(assertThrows(CheckpointException.class, () -> CheckpointReader.read(dir.resolve("preview.pt")))
                .getMessage().contains("preview"));
        CheckpointException missing = assertThrows(CheckpointException.class,
                () -> CheckpointReader.read(dir.resolve("nope.safetensors")));
        assertEquals(Reason.IO, missing.reason());
    }

    @Test void directoryPreference(@TempDir Path dir) throws Exception {
        RawTensor a = RawTensor.ofFloats("a", new long[]{1}, new float[]{1});
        RawTensor b = RawTensor.ofFloats("b", new long[]{1}, new float[]{2});
        SafetensorsWriter.write(dir.resolve("model.safetensors"), Map.of("a", a), null);
        SafetensorsWriter.write(dir.resolve("open_clip_model.safetensors"), Map.of("b", b), null);
        assertEquals(dir.resolve("open_clip_model.safetensors"), CheckpointReader.read(dir).file());
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertThrows(CheckpointException.class, () -> CheckpointReader.read(empty));
    }

    @Test void shardedDirectory(@TempDir Path dir) throws Exception {
        RawTensor a = RawTensor.ofFloats("a", new long[]{2}, new float[]{1, 2});
        RawTensor b = RawTensor.ofFloats("b", new long[]{1}, new float[]{3});
        SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"), Map.of("a", a), null);
        SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"), Map.of("b", b), null);
        Files.writeString(dir.resolve("model.safetensors.index.json"), "{\"metadata\":{},\"weight_map\":{"
                + "\"a\":\"model-00001-of-00002.safetensors\",\"b\":\"model-00002-of-00002.safetensors\"}}");
        Checkpoint c = CheckpointReader.read(dir);
        assertEquals(List.of("a", "b"), List.copyOf(c.tensors().keySet()));
        assertEquals(3f, c.tensor("b").toFloatArray()[0]);
    }

    @Test void fixtureFormatsAreDetected() {
        Path d = SharedFixtures.tinyVit();
        assertEquals(Checkpoint.Format.TORCH_ZIP, CheckpointReader.detect(d.resolve("openai_state_dict.pt")));
        assertEquals(Checkpoint.Format.SAFETENSORS, CheckpointReader.detect(d.resolve("openai.safetensors")));
        assertEquals(Checkpoint.Format.SAFETENSORS, CheckpointReader.detect(d.resolve("hf/model.safetensors")));
    }
}
