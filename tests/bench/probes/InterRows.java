// Probe harness for docs/perf-gemm.md ("The shared operand packed once"), not part of the build. It calls the package's
// kernels directly, so it compiles into the package against the built classes:
//   javac --add-modules jdk.incubator.vector -cp tensor/target/classes -d /tmp/probe tests/bench/probes/InterRows.java
//   java --add-modules jdk.incubator.vector -cp /tmp/probe:tensor/target/classes clipvr.tensor.kernels.InterRows
package clipvr.tensor.kernels;
import java.util.Arrays;
public class InterRows {
    static void old(int M, int N, int K, float[] a, float[] b, float[] c) {
        int mr = GemmKernel.MR, tilesM = (M + mr - 1) / mr;
        Parallel.forRange(tilesM, (long) mr * N * K, 1, (from, to) -> {
            int i0 = from * mr, i1 = Math.min(M, to * mr);
            GemmSimd.serial(false, true, i1 - i0, N, K, 1f, a, i0 * K, K, b, 0, K, 0f, c, i0 * N, N);
        });
    }
    static float[] pa = new float[0];
    static void neu(int M, int N, int K, float[] a, float[] b, float[] c, int ch) {
        int mr = GemmKernel.MR, tilesM = (M + mr - 1) / mr;
        long size = GemmSimd.packedSize(N, K);
        if (pa.length < size) pa = new float[(int) size];
        float[] p = pa;
        GemmSimd.packAllB(true, N, K, b, 0, K, p);
        Parallel.forRange(tilesM, (long) mr * N * K, ch, (from, to) -> {
            int i0 = from * mr, i1 = Math.min(M, to * mr);
            GemmSimd.serial(false, true, i1 - i0, N, K, 1f, a, i0 * K, K, b, 0, K, 0f, c, i0 * N, N, null, p);
        });
    }
    public static void main(String[] x) {
        int[][] shapes = {{1600, 2304, 768}, {1600, 768, 768}, {1600, 3072, 768}, {1600, 768, 3072}};
        for (int round = 0; round < 2; round++)
        for (int[] s : shapes) {
            int M = s[0], N = s[1], K = s[2];
            float[] a = new float[M * K], b = new float[K * N], c = new float[M * N];
            for (int i = 0; i < a.length; i++) a[i] = (i % 13) * 0.1f;
            for (int i = 0; i < b.length; i++) b[i] = (i % 7) * 0.1f;
            int R = 24; double[][] t = new double[4][R];
            for (int rep = 0; rep < R + 10; rep++) {
                for (int v = 0; v < 4; v++) {
                    long t0 = System.nanoTime();
                    switch (v) { case 0 -> old(M, N, K, a, b, c); case 1 -> neu(M, N, K, a, b, c, 1); case 2 -> neu(M, N, K, a, b, c, 4); default -> neu(M, N, K, a, b, c, 8); }
                    long t1 = System.nanoTime();
                    if (rep >= 10) t[v][rep - 10] = (t1 - t0) * 1e-9;
                }
            }
            if (round == 0) continue;
            StringBuilder sb = new StringBuilder(String.format("%5dx%4dx%4d", M, N, K));
            String[] names = {"old", "sharedB-halves", "sharedB-4/thr", "sharedB-8/thr"};
            for (int v = 0; v < 4; v++) {
                double mean = Arrays.stream(t[v]).average().orElse(0);
                double[] srt = t[v].clone(); Arrays.sort(srt);
                double f = 2.0 * M * N * K / 1e9;
                sb.append(String.format("  %s best %.0f med %.0f mean %.0f", names[v], f / srt[0], f / srt[R / 2], f / mean));
            }
            System.out.println(sb);
        }
    }
}
