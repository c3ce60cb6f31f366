package clipvr.reprogram.pretrain;

import clipvr.autograd.nn.Parameter;
import clipvr.clip.io.Activation;
import clipvr.clip.io.ClipConfig;
import clipvr.clip.model.Clip;
import clipvr.reprogram.train.RunFiles;
import clipvr.tensor.DType;
import clipvr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** {@code pretrain --replicas N}: the sharded step against the plain one, determinism, the config field. */
class DataParallelTest {
    /** A tiny CLIP (8 px, patch 4, width 64, one layer per tower) in {@code dtype}, the same weights for the same seed. */
    static Clip tiny(DType dtype, long seed) {
        ClipConfig c = new ClipConfig(16, 8, 4, 64, 1, 1, 256, 77, 49408, 64, 1, 1, 256, Activation.QUICK_GELU, 1e-5);
        Clip m = new Clip(c, dtype, new SplittableRandom(seed));
        m.train(true);
        return m;
    }

    /** b captions of 3 to 9 tokens (SOT, words, EOT), lengths differing so that the shards pack differently. */
    static int[][] captions(int b, SplittableRandom rng) {
        int[][] t = new int[b][77];
        for (int i = 0; i < b; i++) {
            int len = 3 + rng.nextInt(7);
            t[i][0] = 49406;
            for (int j = 1; j < len - 1; j++) t[i][j] = rng.nextInt(1, 49405);
            t[i][len - 1] = 49407;
        }
        return t;
    }

    @Test void theShardedStepEqualsThePlainStepUpToRounding() {
        for (int n : new int[]{2, 3}) {
            SplittableRandom rng = new SplittableRandom(7);
            int b = 7;                                                          // uneven shards: 2/2/3 and 3/4
            Tensor pixels = Tensor.randn(DType.F64, rng, b, 3, 8, 8);
            int[][] tokens = captions(b, rng);
            Clip plain = tiny(DType.F64, 1), sharded = tiny(DType.F64, 1);
            double l1 = Pretrainer.step(plain, pixels, tokens);
            double l2 = new DataParallel(sharded, n).step(pixels, tokens);
            assertEquals(l1, l2, 1e-12 * Math.abs(l1), "loss, " + n + " shards");
            Map<String, Parameter> p1 = plain.namedParameters(), p2 = sharded.namedParameters();
            for (String name : p1.keySet()) {
                Tensor g1 = p1.get(name).grad(), g2 = p2.get(name).grad();
                assertNotNull(g1, name);
                assertNotNull(g2, name + ": the master holds every shard's gradient");
                double scale = g1.abs().max().item(), diff = g1.sub(g2).abs().max().item();
                assertTrue(diff <= 1e-10 * Math.max(scale, 1e-30), name + ", " + n + " shards: |Δg| " + diff + " against |g| " + scale);
            }
        }
    }

    @Test void sameReplicaCountSameBitsAndReplicasShareTheMastersWeights() {
        SplittableRandom rng = new SplittableRandom(3);
        Tensor pixels = Tensor.randn(DType.F32, rng, 8, 3, 8, 8);
        int[][] tokens = captions(8, rng);
        Clip a = tiny(DType.F32, 2), b = tiny(DType.F32, 2);
        DataParallel da = new DataParallel(a, 2), db = new DataParallel(b, 2);
        for (int step = 0; step < 2; step++) {                                // second step: replicas' gradients reset
            a.zeroGrad();
            b.zeroGrad();
            assertEquals(da.step(pixels, tokens), db.step(pixels, tokens));
            for (var e : a.namedParameters().entrySet())
                assertArrayEquals(e.getValue().grad().toFloatArray(), b.namedParameters().get(e.getKey()).grad().toFloatArray(), e.getKey());
        }
        // an update of the master's weights in place is what every replica computes with next
        Clip c = tiny(DType.F32, 2);
        DataParallel dc = new DataParallel(c, 2);
        for (Parameter p : a.parameters()) p.data().mulInPlace(0.5);
        for (Parameter p : c.parameters()) p.data().mulInPlace(0.5);
        a.zeroGrad();
        c.zeroGrad();
        Pretrainer.step(a, pixels, tokens);
        double lc = dc.step(pixels, tokens);
        a.zeroGrad();
        assertEquals(Pretrainer.step(a, pixels, tokens), lc, 1e-5, "the replica reads the master's updated weights");
    }

    @Test void theConfigFieldDefaultsToOneAndIsChecked(@TempDir Path dir) throws Exception {
        PretrainConfig c = new PretrainConfig(List.of("x"), List.of(), null, 16, 8, 64, 1, 64, 1, 32,
                1, 6, 1e-3, 3, 0.2, 0.9, 0.98, 1e-6, 1.0, 0.0, 0.6, 0.1, 30, 0L);
        assertEquals(1, c.replicas());
        Path f = dir.resolve("config.json");
        RunFiles.writeJson(f, c);
        assertFalse(Files.readString(f).contains("replicas"), "1 is not written: a plain run's config.json (and model metadata) is unchanged");
        assertEquals(c, RunFiles.readJson(f, PretrainConfig.class), "a config.json without the field reads as one replica");
        PretrainConfig two = c.withReplicas(2);
        RunFiles.writeJson(f, two);
        assertTrue(Files.readString(f).contains("\"replicas\" : 2"), Files.readString(f));
        assertEquals(two, RunFiles.readJson(f, PretrainConfig.class));
        assertNotEquals(c, two);
        var tooMany = assertThrows(IllegalArgumentException.class, () -> new PretrainConfig(List.of("x"), List.of(), null, 16, 8, 64, 1, 64, 1, 32,
                1, 6, 1e-3, 3, 0.2, 0.9, 0.98, 1e-6, 1.0, 0.0, 0.6, 0.1, 30, 0L).withReplicas(7));
        assertTrue(tooMany.getMessage().contains("--replicas"), tooMany.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DataParallel(tiny(DType.F32, 0), 0));
    }
}
