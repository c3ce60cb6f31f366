// Probe harness for docs/perf-gemm.md ("The shared operand packed once"), not part of the build. It calls the package's
// kernels directly, so it compiles into the package against the built classes:
//   javac --add-modules jdk.incubator.vector -cp tensor/target/classes -d /tmp/probe tests/bench/probes/CoreProbe.java
//   java --add-modules jdk.incubator.vector -cp /tmp/probe:tensor/target/classes clipvr.tensor.kernels.CoreProbe
package clipvr.tensor.kernels;
public class CoreProbe {
    public static void main(String[] x) {
        int M = 448, N = 512, K = 512;
        float[] a = new float[M * K], b = new float[K * N], c = new float[M * N];
        for (int i = 0; i < a.length; i++) a[i] = (i % 13) * 0.1f;
        for (int i = 0; i < b.length; i++) b[i] = (i % 7) * 0.1f;
        long start = System.nanoTime();
        StringBuilder sb = new StringBuilder();
        while (System.nanoTime() - start < 20_000_000_000L) {
            long t0 = System.nanoTime(); int n = 0;
            while (System.nanoTime() - t0 < 200_000_000L) { Gemm.sgemm(false, true, M, N, K, 1f, a, 0, K, b, 0, K, 0f, c, 0, N); n++; }
            double g = 2.0 * M * N * K * n / ((System.nanoTime() - t0) * 1e-9) / 1e9;
            sb.append(String.format("%.0f ", g));
        }
        System.out.println(sb);
    }
}
