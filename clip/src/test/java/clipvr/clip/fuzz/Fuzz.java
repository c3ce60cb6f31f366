package clipvr.clip.fuzz;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A small seeded mutation fuzzer for the readers of outside bytes.
 *
 * <p>Each case is {@code mutate(seed input)}: bit flips, interesting bytes, truncation, splices (from the same or
 * another seed), zeroed and duplicated ranges, 16/32/64-bit integer field edits (sizes and offsets that overflow
 * {@code int}/{@code long}, far above the file size), and edits of ASCII numbers in text headers. Families add
 * structure-aware generators as extra seeds or as their own {@link Generator}.
 *
 * <p>Acceptable outcomes of a case: the reader returns (and the family's check of the result passes), or it throws
 * the project's typed exception whose message names the source. Anything else (an unchecked JVM exception, an
 * {@link Error} such as OutOfMemoryError or StackOverflowError, a case running longer than {@link #CASE_LIMIT_MS},
 * or heap allocation beyond the family's budget for that input size) is a failure; the input is written to
 * {@code target/fuzz-failures/} and the seed and case index are printed, so the case reproduces.
 *
 * <p>System properties: {@code clipvr.fuzz.cases} (cases per family, default {@link #DEFAULT_CASES}; raise it for
 * the long local mode), {@code clipvr.fuzz.seed} (default fixed, so CI runs are reproducible).
 */
public final class Fuzz {

    public static final int DEFAULT_CASES = 10_000;
    public static final long CASE_LIMIT_MS = 10_000;

    private Fuzz() {}

    public static int cases() { return Integer.getInteger("clipvr.fuzz.cases", DEFAULT_CASES); }

    public static long seed() { return Long.getLong("clipvr.fuzz.seed", 0x5EEDC11FL); }

    /** The reader under test. {@code name} is the source name the typed error must mention. */
    @FunctionalInterface
    public interface Target {
        void run(byte[] input, String name) throws Throwable;
    }

    /** A structure-aware generator: a fresh input for case {@code i}. */
    @FunctionalInterface
    public interface Generator {
        byte[] generate(SplittableRandom rnd);
    }

    /** What a fuzz run did, for the README figures and for assertions. */
    public record Report(String family, int cases, int ok, int typedErrors, List<String> failures) {
        @Override public String toString() {
            return family + ": " + cases + " cases, " + ok + " accepted, " + typedErrors + " typed errors, "
                    + failures.size() + " failures";
        }
    }

    /** One fuzz campaign. */
    public static final class Campaign {
        private final String family;
        private final List<byte[]> seeds = new ArrayList<>();
        private final List<Generator> generators = new ArrayList<>();
        private Predicate<Throwable> typed = t -> false;
        private long allocBase = 32L << 20;
        private int allocPerByte = 64;
        private double generatorShare = 0.25;
        private boolean nameInMessage = true;

        public Campaign(String family) { this.family = family; }

        public Campaign seed(byte[] s) { seeds.add(s); return this; }

        public Campaign seeds(List<byte[]> s) { seeds.addAll(s); return this; }

        public Campaign generator(Generator g) { generators.add(g); return this; }

        /** Share of cases taken from the generators (rest: mutations of the seeds). */
        public Campaign generatorShare(double share) { generatorShare = share; return this; }

        /** The project's typed exception(s) for this family. */
        public Campaign typed(Predicate<Throwable> p) { typed = p; return this; }

        /** Whether the typed error must name the source (false for inputs that are not files, e.g. texts). */
        public Campaign nameInMessage(boolean required) { nameInMessage = required; return this; }

        /** Heap a case may allocate: {@code base + perByte × input length}. */
        public Campaign allocationBudget(long base, int perByte) { allocBase = base; allocPerByte = perByte; return this; }

        public Report run(Target target) { return run(target, cases()); }

        public Report run(Target target, int cases) {
            if (seeds.isEmpty() && generators.isEmpty()) throw new IllegalStateException("no seeds");
            long seed = Fuzz.seed() ^ family.hashCode();
            List<String> failures = new ArrayList<>();
            Map<String, Integer> seen = new LinkedHashMap<>();
            AtomicInteger ok = new AtomicInteger(), typedErr = new AtomicInteger();
            AtomicLong caseStart = new AtomicLong(0);
            AtomicInteger current = new AtomicInteger(-1);
            byte[][] currentInput = new byte[1][];
            Thread worker = Thread.ofPlatform().daemon().name("fuzz-" + family).stackSize(8 << 20).unstarted(() -> {
                com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                for (int i = 0; i < cases; i++) {
                    SplittableRandom rnd = new SplittableRandom(seed + 0x9E3779B97F4A7C15L * i);
                    byte[] input;
                    if (!generators.isEmpty() && (seeds.isEmpty() || rnd.nextDouble() < generatorShare))
                        input = generators.get(rnd.nextInt(generators.size())).generate(rnd);
                    else input = mutate(seeds.get(rnd.nextInt(seeds.size())), seeds, rnd);
                    String name = "fuzz-" + family + "-" + i + ".bin";
                    synchronized (currentInput) { currentInput[0] = input; }
                    current.set(i);
                    caseStart.set(System.nanoTime());
                    long before = mx.getCurrentThreadAllocatedBytes();
                    String problem = null;
                    try {
                        target.run(input, name);
                        ok.incrementAndGet();
                    } catch (Throwable t) {
                        if (typed.test(t) && t.getMessage() != null && (!nameInMessage || t.getMessage().contains(name))) {
                            typedErr.incrementAndGet();
                        } else if (typed.test(t)) {
                            problem = "typed error does not name the source: " + t.getMessage();
                        } else {
                            problem = describe(t);
                        }
                    }
                    long allocated = mx.getCurrentThreadAllocatedBytes() - before;
                    long budget = allocBase + (long) allocPerByte * input.length;
                    if (problem == null && allocated > budget)
                        problem = "allocated " + allocated + " bytes for a " + input.length + "-byte input (budget "
                                + budget + ")";
                    if (problem != null) {
                        String key = problem.length() > 160 ? problem.substring(0, 160) : problem;
                        int n = seen.merge(key, 1, Integer::sum);
                        if (n == 1 && failures.size() < 20) failures.add(record(family, seed, i, input, problem));
                    }
                }
                current.set(-2);
            });
            worker.start();
            while (true) {
                try {
                    worker.join(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
                if (!worker.isAlive()) break;
                int i = current.get();
                if (i >= 0 && (System.nanoTime() - caseStart.get()) / 1_000_000 > CASE_LIMIT_MS && i == current.get()) {
                    byte[] in;
                    synchronized (currentInput) { in = currentInput[0]; }
                    worker.interrupt();
                    failures.add(record(family, seed, i, in, "case ran longer than " + CASE_LIMIT_MS + " ms (hang?)"));
                    return new Report(family, i + 1, ok.get(), typedErr.get(), failures);
                }
            }
            return new Report(family, cases, ok.get(), typedErr.get(), failures);
        }
    }

    private static String describe(Throwable t) {
        StackTraceElement[] st = t.getStackTrace();
        String where = st.length > 0 ? " at " + st[0] : "";
        for (StackTraceElement e : st) if (e.getClassName().startsWith("clipvr.")) { where += " <- " + e; break; }
        String m = String.valueOf(t.getMessage());
        return t.getClass().getName() + ": " + (m.length() > 200 ? m.substring(0, 200) : m) + where;
    }

    private static String record(String family, long seed, int i, byte[] input, String problem) {
        String where = "";
        try {
            Path dir = Path.of("target", "fuzz-failures");
            Files.createDirectories(dir);
            Path f = dir.resolve(family + "-" + Long.toHexString(seed) + "-" + i + ".bin");
            Files.write(f, input);
            where = " (input saved to " + f.toAbsolutePath() + ")";
        } catch (IOException ignored) {
            // the message still names seed and case
        }
        return "[" + family + " case " + i + ", -Dclipvr.fuzz.seed=" + Fuzz.seed() + "] " + problem + where;
    }

    // ------------------------------------------------------------------------------------------------------------
    // mutators

    /** Values that break size and offset arithmetic. */
    static final long[] INTERESTING = {0, 1, -1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFFFFFFL, 0x80000000L,
            0xFFFFFFFFL, 0x100000000L, Integer.MAX_VALUE - 8, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 40, 1L << 31,
            1L << 62, 100_000_001L, 1L << 20};

    /** One to four stacked mutations of {@code in}. */
    public static byte[] mutate(byte[] in, List<byte[]> pool, SplittableRandom rnd) {
        byte[] b = in;
        int n = 1 + (rnd.nextInt(4) == 0 ? rnd.nextInt(4) : 0);
        for (int k = 0; k < n; k++) b = mutateOnce(b, pool, rnd);
        return b;
    }

    static byte[] mutateOnce(byte[] in, List<byte[]> pool, SplittableRandom rnd) {
        if (in.length == 0) return new byte[]{(byte) rnd.nextInt(256)};
        byte[] b = in.clone();
        int len = b.length;
        switch (rnd.nextInt(11)) {
            case 0 -> { // bit flips
                int flips = 1 + rnd.nextInt(8);
                for (int f = 0; f < flips; f++) b[hot(len, rnd)] ^= (byte) (1 << rnd.nextInt(8));
            }
            case 1 -> b[hot(len, rnd)] = (byte) INTERESTING[rnd.nextInt(INTERESTING.length)];
            case 2 -> { // truncation
                return java.util.Arrays.copyOf(b, rnd.nextInt(len));
            }
            case 3 -> { // zeroed range
                int p = hot(len, rnd), q = Math.min(len, p + 1 + rnd.nextInt(Math.max(1, Math.min(len, 256))));
                java.util.Arrays.fill(b, p, q, (byte) (rnd.nextBoolean() ? 0 : 0xFF));
            }
            case 4 -> { // splice: a range of another (or the same) input over a range of this one
                byte[] o = pool.isEmpty() ? in : pool.get(rnd.nextInt(pool.size()));
                if (o.length == 0) return b;
                int from = rnd.nextInt(o.length), n = 1 + rnd.nextInt(Math.min(o.length - from, 512));
                int at = rnd.nextInt(len);
                byte[] r = new byte[at + n + Math.max(0, len - at - (rnd.nextBoolean() ? n : 0))];
                System.arraycopy(b, 0, r, 0, at);
                System.arraycopy(o, from, r, at, n);
                System.arraycopy(b, len - (r.length - at - n), r, at + n, r.length - at - n);
                return r;
            }
            case 5 -> { // delete a range
                int p = rnd.nextInt(len), n = 1 + rnd.nextInt(Math.min(len - p, 64));
                byte[] r = new byte[len - n];
                System.arraycopy(b, 0, r, 0, p);
                System.arraycopy(b, p + n, r, p, len - p - n);
                return r;
            }
            case 6 -> { // duplicate a range
                int p = rnd.nextInt(len), n = 1 + rnd.nextInt(Math.min(len - p, 256));
                byte[] r = new byte[len + n];
                System.arraycopy(b, 0, r, 0, p + n);
                System.arraycopy(b, p, r, p + n, len - p);
                return r;
            }
            case 7, 8 -> { // integer field edit (16/32/64 bit, LE or BE)
                int width = new int[]{2, 4, 8}[rnd.nextInt(3)];
                if (len < width) return b;
                int p = rnd.nextInt(4) == 0 ? hot(len - width + 1, rnd) : alignedOffset(len - width + 1, width, rnd);
                long v = rnd.nextInt(3) == 0 ? len + (long) rnd.nextInt(-64, 65) * (1 << rnd.nextInt(20))
                        : INTERESTING[rnd.nextInt(INTERESTING.length)];
                ByteBuffer w = ByteBuffer.wrap(b, p, width).order(rnd.nextInt(4) == 0 ? ByteOrder.BIG_ENDIAN
                        : ByteOrder.LITTLE_ENDIAN);
                switch (width) {
                    case 2 -> w.putShort((short) v);
                    case 4 -> w.putInt((int) v);
                    default -> w.putLong(v);
                }
            }
            case 9 -> { // edit an ASCII number (JSON headers, tar octal fields, version records)
                return editNumber(b, rnd);
            }
            default -> { // random bytes over a short range
                int p = hot(len, rnd), q = Math.min(len, p + 1 + rnd.nextInt(16));
                for (int i = p; i < q; i++) b[i] = (byte) rnd.nextInt(256);
            }
        }
        return b;
    }

    /** Offsets near the start are where the headers are: half the picks come from the first 512 bytes. */
    private static int hot(int len, SplittableRandom rnd) {
        return rnd.nextBoolean() ? rnd.nextInt(Math.min(len, 512)) : rnd.nextInt(len);
    }

    private static int alignedOffset(int bound, int width, SplittableRandom rnd) {
        int p = hot(bound, rnd);
        return Math.min(bound - 1, p - p % width);
    }

    private static final String[] NUMBERS = {"-1", "0", "2147483647", "2147483648", "4294967296", "9223372036854775807",
            "9223372036854775808", "18446744073709551615", "99999999999999999999999999", "1e309", "-0", "1.5",
            "100000001", "77777777777", "65536"};

    /** Replaces a run of ASCII digits with a number that breaks size arithmetic. */
    static byte[] editNumber(byte[] b, SplittableRandom rnd) {
        int start = rnd.nextInt(b.length);
        int p = -1;
        for (int k = 0; k < b.length; k++) {
            int i = (start + k) % b.length;
            if (b[i] >= '0' && b[i] <= '9') { p = i; break; }
        }
        if (p < 0) return b;
        while (p > 0 && b[p - 1] >= '0' && b[p - 1] <= '9') p--;
        int q = p;
        while (q < b.length && b[q] >= '0' && b[q] <= '9') q++;
        byte[] num = NUMBERS[rnd.nextInt(NUMBERS.length)].getBytes(StandardCharsets.US_ASCII);
        if (rnd.nextInt(3) == 0 && num.length > q - p) num = java.util.Arrays.copyOfRange(num, 0, q - p); // keep width
        byte[] r = new byte[b.length - (q - p) + num.length];
        System.arraycopy(b, 0, r, 0, p);
        System.arraycopy(num, 0, r, p, num.length);
        System.arraycopy(b, q, r, p + num.length, b.length - q);
        return r;
    }
}
