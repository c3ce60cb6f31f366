package clipvr.reprogram.train;

import clipvr.clip.io.SafetensorsWriter;
import clipvr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** {@link RunFiles#readCheckpoint}, the --resume reader shared by train and pretrain. */
class RunFilesCheckpointTest {
    @TempDir Path dir;

    @Test void readsResultsAndTensorsAndNamesWhatIsWrong() {
        Path ok = dir.resolve("ok.safetensors");
        RunResults saved = new RunResults();
        saved.epochsCompleted = 2;
        saved.status = "completed";
        SafetensorsWriter.write(ok, RunFiles.raw(Map.of("w", Tensor.of(new float[]{1.5f, -0.0f}, 2))),
                Map.of("clipvr.results", new String(assertDoesNotThrow(() -> RunFiles.JSON.writeValueAsBytes(saved)))));
        var back = RunFiles.readCheckpoint(ok, RunResults.class, "clipvr checkpoint");
        assertEquals(2, back.results().epochsCompleted);
        assertArrayEquals(new float[]{1.5f, -0.0f}, back.tensors().get("w").toFloatArray());

        Path bare = dir.resolve("bare.safetensors");
        SafetensorsWriter.write(bare, RunFiles.raw(Map.of("w", Tensor.of(new float[]{1f}, 1))), Map.of());
        var e = assertThrows(IllegalArgumentException.class, () -> RunFiles.readCheckpoint(bare, RunResults.class, "clipvr pretraining checkpoint"));
        assertEquals("--resume: " + bare + " has no clipvr.results metadata (not a clipvr pretraining checkpoint)", e.getMessage());

        Path junk = dir.resolve("junk.safetensors");
        SafetensorsWriter.write(junk, RunFiles.raw(Map.of("w", Tensor.of(new float[]{1f}, 1))), Map.of("clipvr.results", "{not json"));
        var j = assertThrows(IllegalArgumentException.class, () -> RunFiles.readCheckpoint(junk, RunResults.class, "clipvr checkpoint"));
        assertTrue(j.getMessage().startsWith("--resume: " + junk + ": unreadable results metadata"), j.getMessage());
    }
}
