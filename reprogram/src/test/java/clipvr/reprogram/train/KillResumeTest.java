package clipvr.reprogram.train;

import clipvr.clip.io.Checkpoint;
import clipvr.clip.io.RawTensor;
import clipvr.clip.io.SafetensorsReader;
import clipvr.reprogram.cli.Main;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Kill anywhere, resume exactly. {@code train} (AR, SMM, DVP-cse) and {@code pretrain} run as real processes and are
 * SIGKILLed at chosen points: inside the atomic write of a named file (the child pauses there through the
 * {@code clipvr.test.pauseAt} hook, after the temporary file is written and before the rename) and at random moments.
 * After every kill, the state left behind must be readable by {@code report}, {@code evaluate} and {@code --resume};
 * after the last resume, the final checkpoints, {@code results.json} and {@code checkpoint.json} must equal an
 * uninterrupted run's bit for bit (tensor bytes exactly; JSON exactly once the wall-clock fields are set aside).
 */
class KillResumeTest {

    @TempDir static Path world;
    static Path data, desc;
    /** Every kill point that was actually hit (for the README figures). */
    static final List<String> KILLS = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll static void makeWorld() {
        data = TinyRun.dataset(world, 3, 2);
        desc = TinyRun.descriptions(world, 4);
    }

    /** Kill inside the {@code n}-th write of {@code file}, or (file null) after {@code fraction} of the reference time. */
    record Kill(String file, int n, double fraction) {
        static Kill in(String file, int n) { return new Kill(file, n, 0); }
        static Kill at(double fraction) { return new Kill(null, 0, fraction); }
        @Override public String toString() { return file != null ? "inside write #" + n + " of " + file : "at " + Math.round(fraction * 100) + "% of the run time"; }
    }

    static String[] trainArgs(String method, Path out, boolean resume) {
        List<String> a = new ArrayList<>(List.of("train", "--method", method, "--weights", TinyRun.weights().toString(),
                "--data", data.toString(), "--descriptions", desc.toString(), "--vocab", TinyRun.vocab().toString(),
                "--out", out.toString(), "--epochs", "3", "--shots", "3", "--batch", "4", "--m", "3", "--kmeans-init", "1",
                "--seed", "5", "--quiet"));
        if (resume) a.add("--resume");
        return a.toArray(String[]::new);
    }

    static String[] pretrainArgs(Path out, boolean resume) {
        List<String> a = new ArrayList<>(List.of("pretrain", "--data", data.toString(), "--out", out.toString(),
                "--vocab", TinyRun.vocab().toString(), "--resolution", "16", "--patch", "4", "--vision-width", "64",
                "--vision-layers", "1", "--text-width", "64", "--text-layers", "1", "--embed", "32", "--epochs", "2",
                "--batch", "6", "--warmup", "2", "--eval-limit", "0", "--seed", "5", "--quiet"));
        if (resume) a.add("--resume");
        return a.toArray(String[]::new);
    }

    /** Runs one child; applies {@code kill} (null: none). Returns whether it was killed; otherwise it must exit 0. */
    static boolean runChild(String[] args, Kill kill, long referenceMillis, StringBuilder log) throws Exception {
        List<String> jvm = kill != null && kill.file() != null ? List.of("-Dclipvr.test.pauseAt=" + kill.file() + ":" + kill.n()) : List.of();
        Process p = ChildJvm.cli(jvm, args).redirectErrorStream(true).start();
        AtomicBoolean killed = new AtomicBoolean();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (log) { log.append(line).append('\n'); }
                    if (line.startsWith("[clipvr-test] paused in") && killed.compareAndSet(false, true)) p.destroyForcibly();
                }
            } catch (IOException ignored) {
                // the process died
            }
        });
        if (kill != null && kill.file() == null) {
            if (!p.waitFor(Math.max(1, (long) (kill.fraction() * referenceMillis)), TimeUnit.MILLISECONDS) && killed.compareAndSet(false, true))
                p.destroyForcibly();
        }
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "child did not finish:\n" + log);
        reader.join(10_000);
        if (killed.get()) return true;
        assertEquals(0, p.exitValue(), () -> "child failed: " + String.join(" ", args) + "\n" + log);
        if (kill != null && kill.file() != null) fail("kill point " + kill + " was never reached:\n" + log);
        return false;
    }

    /** What a kill left behind is readable: the checkpoint, results.json, and report / evaluate on it. */
    static void checkLeftover(Path run, boolean train, Path scratch) throws Exception {
        Path ck = run.resolve(RunFiles.CHECKPOINT), res = run.resolve(RunFiles.RESULTS);
        if (Files.exists(ck)) {
            Checkpoint c = SafetensorsReader.read(ck);
            assertNotNull(RunFiles.JSON.readTree(c.metadata().get("clipvr.results")), "checkpoint without its results");
        }
        if (Files.exists(res)) assertTrue(RunFiles.JSON.readTree(res.toFile()).isObject());
        if (!train) return;
        int report = Main.run("report", "--run", run.toString(), "--out", scratch.resolve("report.html").toString());
        if (Files.exists(res)) assertEquals(0, report, "report failed on a killed run's directory");
        else assertEquals(2, report, "report must refuse a directory without results.json cleanly");
        int evaluate = Main.run("evaluate", "--run", run.toString(), "--json", "--limit", "3");
        if (Files.exists(ck)) assertEquals(0, evaluate, "evaluate failed on a killed run's checkpoint");
        else assertNotEquals(0, evaluate);
    }

    static final Set<String> CLOCK_FIELDS = Set.of("wall_seconds", "wallSeconds", "seconds", "images_per_second",
            "imagesPerSecond", "machine");

    static JsonNode withoutClock(JsonNode n) {
        if (n instanceof ObjectNode o) {
            o.remove(CLOCK_FIELDS);
            o.forEach(KillResumeTest::withoutClock);
        } else if (n != null && n.isArray()) n.forEach(KillResumeTest::withoutClock);
        return n;
    }

    static JsonNode json(String s) throws IOException { return withoutClock(RunFiles.JSON.readTree(s)); }

    static void assertSameSafetensors(Path ref, Path got) throws IOException {
        Checkpoint a = SafetensorsReader.read(ref), b = SafetensorsReader.read(got);
        assertEquals(a.tensors().keySet(), b.tensors().keySet(), got.toString());
        for (Map.Entry<String, RawTensor> e : a.tensors().entrySet()) {
            RawTensor x = e.getValue(), y = b.tensors().get(e.getKey());
            assertEquals(x.dtype(), y.dtype(), e.getKey());
            assertArrayEquals(x.shape(), y.shape(), e.getKey());
            assertEquals(x.data(), y.data(), () -> got + ": tensor " + e.getKey() + " differs from the uninterrupted run");
        }
        assertEquals(a.metadata().keySet(), b.metadata().keySet());
        for (String k : a.metadata().keySet()) {
            if (k.equals("clipvr.results")) assertEquals(json(a.metadata().get(k)), json(b.metadata().get(k)), got + " " + k);
            else assertEquals(a.metadata().get(k), b.metadata().get(k), got + " " + k);
        }
    }

    static void assertSameRun(Path ref, Path got) throws IOException {
        try (var s = Files.list(ref)) {
            for (Path f : s.toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith(".")) continue;
                assertTrue(Files.exists(got.resolve(name)), "missing " + name);
                if (name.endsWith(".safetensors")) assertSameSafetensors(f, got.resolve(name));
                else if (name.endsWith(".json"))
                    assertEquals(json(Files.readString(f)), json(Files.readString(got.resolve(name))), name);
            }
        }
        try (var s = Files.list(got)) {
            List<String> tmp = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
            assertEquals(List.of(), tmp, "temporary files of killed writes were not cleaned up");
        }
    }

    /** Reference run, then the killed-and-resumed run, then the comparison. Returns the kill points hit. */
    static void sequence(String name, boolean train, String method, List<Kill> kills) throws Exception {
        Path ref = world.resolve(name + "-reference"), run = world.resolve(name + "-killed"), scratch = world.resolve(name + "-scratch");
        Files.createDirectories(scratch);
        StringBuilder log = new StringBuilder();
        long t0 = System.nanoTime();
        runChild(train ? trainArgs(method, ref, false) : pretrainArgs(ref, false), null, 0, log);
        long refMillis = (System.nanoTime() - t0) / 1_000_000;
        boolean started = false;
        for (Kill k : kills) {
            log.setLength(0);
            boolean killed = runChild(train ? trainArgs(method, run, started) : pretrainArgs(run, started), k, refMillis, log);
            started = true;
            if (killed) KILLS.add(name + ": " + k);
            checkLeftover(run, train, scratch);
        }
        log.setLength(0);
        runChild(train ? trainArgs(method, run, true) : pretrainArgs(run, true), null, 0, log);
        assertSameRun(ref, run);
    }

    @Test void killAnywhereResumeExactly() throws Exception {
        SplittableRandom r = new SplittableRandom(Long.getLong("clipvr.fuzz.seed", 11));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> jobs = List.of(
                    pool.submit(() -> { sequence("ar", true, "ar", List.of(Kill.in(RunFiles.CONFIG, 1),
                            Kill.in(RunFiles.TEXT_FEATURES, 1), Kill.in(RunFiles.CHECKPOINT, 1), Kill.in(RunFiles.RESULTS, 2),
                            Kill.at(0.3 + 0.5 * r.nextDouble()))); return null; }),
                    pool.submit(() -> { sequence("smm", true, "smm", List.of(Kill.in(RunFiles.CHECKPOINT, 2),
                            Kill.in(RunFiles.CHECKPOINT_JSON, 1), Kill.at(0.3 + 0.5 * r.nextDouble()))); return null; }),
                    pool.submit(() -> { sequence("dvp-cse", true, "dvp-cse", List.of(Kill.in(RunFiles.BEST, 1),
                            Kill.in(RunFiles.CHECKPOINT, 1), Kill.in(RunFiles.RESULTS, 1), Kill.at(0.3 + 0.5 * r.nextDouble())));
                        return null; }),
                    pool.submit(() -> { sequence("pretrain", false, null, List.of(Kill.in("checkpoint.safetensors", 1),
                            Kill.at(0.3 + 0.5 * r.nextDouble()))); return null; }));
            for (Future<?> f : jobs) f.get(15, TimeUnit.MINUTES);
        } finally {
            pool.shutdownNow();
        }
        System.out.println("[kill] " + KILLS.size() + " kill points hit: " + KILLS);
        assertTrue(KILLS.size() >= 10, KILLS::toString);
    }
}
