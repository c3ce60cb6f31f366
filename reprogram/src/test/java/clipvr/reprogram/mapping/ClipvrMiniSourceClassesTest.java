package clipvr.reprogram.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import clipvr.reprogram.data.ClassNames;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code weights/clipvr-mini-source-classes.txt}, the source classes of a label mapping over clipvr-mini's own
 * classes (model card, "Output label mapping over the model's own classes"), is exactly the model's 53 pretraining
 * classes in corpus order: CIFAR-10's bundled names, then GTSRB's, as the captions used them.
 */
class ClipvrMiniSourceClassesTest {
    @Test void theFileListsThePretrainingClassesInOrder() {
        Path file = Path.of("..").toAbsolutePath().normalize().resolve("weights/clipvr-mini-source-classes.txt");
        List<String> want = new ArrayList<>(ClassNames.bundled("cifar10"));
        want.addAll(ClassNames.bundled("gtsrb"));
        assertEquals(53, want.size());
        assertEquals(want, ClassNames.read(file), file.toString());
    }
}
