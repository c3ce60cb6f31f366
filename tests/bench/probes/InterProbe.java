// Probe harness for docs/perf-gemm.md ("The shared operand packed once"), not part of the build. It calls the package's
// kernels directly, so it compiles into the package against the built classes:
//   javac --add-modules jdk.incubator.vector -cp tensor/target/classes -d /tmp/probe tests/bench/probes/InterProbe.java
//   java --add-modules jdk.incubator.vector -cp /tmp/probe:tensor/target/classes clipvr.tensor.kernels.InterProbe
package clipvr.tensor.kernels;
import java.util.Arrays;
public class InterProbe {
    static void old(int M, int N, int K, float[] a, float[] b, float[] c) {
        int nr = GemmKernel.NR, tilesN = (N + nr - 1) / nr;
        Parallel.forRange(tilesN, (long) nr * M * K, 1, (from, to) -> {
            int j0 = from * nr, j1 = Math.min(N, to * nr);
            GemmSimd.serial(false, true, M, j1 - j0, K, 1f, a, 0, K, b, j0 * K, K, 0f, c, j0, N);
        });
    }
    static float[] pa = new float[0];
    static void neu(int M, int N, int K, float[] a, float[] b, float[] c, int ch) {
        int nr = GemmKernel.NR, tilesN = (N + nr - 1) / nr;
        long size = GemmSimd.packedSizeA(M, K);
        if (pa.length < size) pa = new float[(int) size];
        float[] p = pa;
        GemmSimd.packAllA(false, M, K, a, 0, K, p);
        Parallel.forRange(tilesN, (long) nr * M * K, ch, (from, to) -> {
            int j0 = from * nr, j1 = Math.min(N, to * nr);
            GemmSimd.serial(false, true, M, j1 - j0, K, 1f, a, 0, K, b, j0 * K, K, 0f, c, j0, N, p, null);
        });
    }
    public static void main(String[] x) {
        int[][] shapes = {{448, 1536, 512}, {448, 512, 512}, {448, 2048, 512}, {448, 512, 2048}};
        for (int round = 0; round < 2; round++)
        for (int[] s : shapes) {
            int M = s[0], N = s[1], K = s[2];
            float[] a = new float[M * K], b = new float[K * N], c = new float[M * N];
            for (int i = 0; i < a.length; i++) a[i] = (i % 13) * 0.1f;
            for (int i = 0; i < b.length; i++) b[i] = (i % 7) * 0.1f;
            int R = 80; double[][] t = new double[4][R];
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
            String[] names = {"old", "sharedA-halves", "sharedA-4/thr", "sharedA-8/thr"};
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
