package clipvr.bench;

import clipvr.tensor.kernels.Gemm;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Float32 GEMM throughput: ours (C = A B and the linear-layer form C = A B^T) on the ViT-B/32 shapes of
 * /work/shared/bench/numpy_gemm.py, EJML's float multiply at 1024^3, and the batched attention
 * products. The primary score is calls/s; the {@code mflop} secondary counter is MFLOP/s
 * (2*M*N*K per call), divide by 1000 for GFLOP/s.
 *
 * <pre>
 *   mvn -q -pl tests -am package -DskipTests
 *   java --add-modules jdk.incubator.vector -cp "tests/target/classes:tests/target/lib/*" \
 *        org.openjdk.jmh.Main GemmBenchmark -f 1 -wi 3 -i 5
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBenchmark {

    /** Per-iteration FLOP counter, reported by JMH as a rate (MFLOP/s). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        public long mflop;
        @Setup(Level.Iteration) public void reset() { mflop = 0; }
    }

    static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    /** One product C[M,N] = A[M,K] op(B); "NN": B is [K,N]; "NT": B is [N,K] (weights [out,in]). */
    @State(Scope.Benchmark)
    public static class Product {
        @Param({"1024x1024x1024", "1600x2304x768", "1600x768x768", "1600x3072x768", "1600x768x3072"})
        public String shape;
        @Param({"NN", "NT"})
        public String trans;

        int M, N, K;
        boolean tb;
        long mflop;
        float[] a, b, c;

        @Setup public void setup() {
            String[] s = shape.split("x");
            M = Integer.parseInt(s[0]); N = Integer.parseInt(s[1]); K = Integer.parseInt(s[2]);
            tb = trans.equals("NT");
            a = random(M * K, 1); b = random(K * N, 2); c = new float[M * N];
            mflop = Math.round(2.0 * M * N * K / 1e6);
        }
    }

    @Benchmark
    public float[] sgemm(Product p, Flops f) {
        Gemm.sgemm(false, p.tb, p.M, p.N, p.K, 1f, p.a, 0, p.K, p.b, 0, p.tb ? p.K : p.N, 0f, p.c, 0, p.N);
        f.mflop += p.mflop;
        return p.c;
    }

    /** EJML float row-major multiply (single threaded, its default for FDRM mult) at 1024^3. */
    @State(Scope.Benchmark)
    public static class Ejml {
        static final int SIZE = 1024;
        FMatrixRMaj a, b, c;
        @Setup public void setup() {
            a = FMatrixRMaj.wrap(SIZE, SIZE, random(SIZE * SIZE, 1));
            b = FMatrixRMaj.wrap(SIZE, SIZE, random(SIZE * SIZE, 2));
            c = new FMatrixRMaj(SIZE, SIZE);
        }
    }

    @Benchmark
    public FMatrixRMaj ejmlFloat1024(Ejml e, Flops f) {
        CommonOps_FDRM.mult(e.a, e.b, e.c);
        f.mflop += Math.round(2.0 * Ejml.SIZE * Ejml.SIZE * Ejml.SIZE / 1e6);
        return e.c;
    }

    /** Attention at batch 32: 32*12 heads, 50 tokens, head dim 64; scores = Q K^T, out = P V. */
    @State(Scope.Benchmark)
    public static class Attention {
        static final int HEADS = 32 * 12, T = 50, D = 64;
        float[] q = random(HEADS * T * D, 1), k = random(HEADS * T * D, 2), s = new float[HEADS * T * T],
                o = new float[HEADS * T * D];
    }

    @Benchmark
    public float[] attentionScoresQKt(Attention x, Flops f) {
        int T = Attention.T, D = Attention.D;
        Gemm.sgemmBatched(false, true, Attention.HEADS, T, T, D, 0.125f,
                x.q, 0, T * D, D, x.k, 0, T * D, D, 0f, x.s, 0, T * T, T);
        f.mflop += Math.round(2.0 * Attention.HEADS * T * T * D / 1e6);
        return x.s;
    }

    @Benchmark
    public float[] attentionOutPV(Attention x, Flops f) {
        int T = Attention.T, D = Attention.D;
        Gemm.sgemmBatched(false, false, Attention.HEADS, T, D, T, 1f,
                x.s, 0, T * T, T, x.k, 0, T * D, D, 0f, x.o, 0, T * D, D);
        f.mflop += Math.round(2.0 * Attention.HEADS * T * T * D / 1e6);
        return x.o;
    }

    /**
     * A weight gradient of a linear layer in backward, dW[out, in] = dYᵀ X with dY [rows, out] and X [rows, in]
     * (op(A) = dYᵀ, "TN"): the clipvr-mini pretraining step's shapes, out x in x rows for the image tower at batch
     * 256 (65 tokens: 16,640 rows): attention in-projection, out-projection, MLP c_fc and c_proj.
     */
    @State(Scope.Benchmark)
    public static class WeightGrad {
        @Param({"384x128x16640", "128x128x16640", "512x128x16640", "128x512x16640"})
        public String shape;

        int M, N, K;
        long mflop;
        float[] a, b, c;

        @Setup public void setup() {
            String[] s = shape.split("x");
            M = Integer.parseInt(s[0]); N = Integer.parseInt(s[1]); K = Integer.parseInt(s[2]);
            a = random(K * M, 1); b = random(K * N, 2); c = new float[M * N];
            mflop = Math.round(2.0 * M * N * K / 1e6);
        }
    }

    @Benchmark
    public float[] weightGradTN(WeightGrad w, Flops f) {
        Gemm.sgemm(true, false, w.M, w.N, w.K, 1f, w.a, 0, w.M, w.b, 0, w.N, 0f, w.c, 0, w.N);
        f.mflop += w.mflop;
        return w.c;
    }
}
