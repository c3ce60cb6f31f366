package clipvr.clip.zeroshot;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The default template sets: by --data spec (zeroshot, Spark) and by dataset key (pretraining captions). */
class TemplatesTest {
    @Test void defaultForADataSpecMatchesSubstrings() {
        assertEquals("cifar", Templates.defaultFor("cifar10"));
        assertEquals("cifar", Templates.defaultFor("/data/CIFAR-10-batches-py"));
        assertEquals("gtsrb", Templates.defaultFor("gtsrb"));
        assertEquals("mnist", Templates.defaultFor("mnist"));
        assertEquals("mnist", Templates.defaultFor("~/data/emnist"));
        assertEquals("simple", Templates.defaultFor("fashion-mnist"));
        assertEquals("simple", Templates.defaultFor("Fashion_MNIST.tar.gz"));
        assertEquals("simple", Templates.defaultFor("/data/flowers"));
        for (String s : new String[]{"cifar10", "gtsrb", "mnist", "fashion-mnist"})
            assertFalse(Templates.resolve(Templates.defaultFor(s)).isEmpty(), s);
    }

    @Test void forADatasetKeyOnlyTheThreeKeysGetClipTemplates() {
        assertSame(Templates.CIFAR, Templates.forDatasetKey("cifar10"));
        assertSame(Templates.GTSRB, Templates.forDatasetKey("gtsrb"));
        assertSame(Templates.MNIST, Templates.forDatasetKey("mnist"));
        assertSame(Templates.SIMPLE, Templates.forDatasetKey("fashion_mnist"));
        assertSame(Templates.SIMPLE, Templates.forDatasetKey("emnist"));          // unlike defaultFor: captions stay as shipped
        assertSame(Templates.SIMPLE, Templates.forDatasetKey("cifar_10_batches_py"));
        // on the bundled datasets the two rules agree
        for (String key : new String[]{"cifar10", "gtsrb", "mnist", "fashion_mnist"})
            assertEquals(Templates.resolve(Templates.defaultFor(key)), Templates.forDatasetKey(key), key);
    }
}
