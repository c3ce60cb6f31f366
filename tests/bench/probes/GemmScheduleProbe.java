// Probe harness for docs/perf-gemm.md ("The shared operand packed once"), not part of the build. It calls the package's
// kernels directly, so it compiles into the package against the built classes:
//   javac --add-modules jdk.incubator.vector -cp tensor/target/classes -d /tmp/probe tests/bench/probes/GemmScheduleProbe.java
//   java --add-modules jdk.incubator.vector -cp /tmp/probe:tensor/target/classes clipvr.tensor.kernels.GemmScheduleProbe cols|rows
// Four schedules of one NT product on the kernel threads, alternating call by call in one JVM (the VM's speed drifts
// between seconds, so separate runs per schedule are confounded by their order): the old one (two halves, each packing
// the shared operand itself), the shared operand packed once with two halves, and with 4 or 8 strips per thread.
// cols: column strips sharing A at the text tower's shapes; rows: row strips sharing B at the image tower's shapes.
package clipvr.tensor.kernels;

import java.util.Arrays;

public class GemmScheduleProbe {
    static float[] shared = new float[0];

    /** C[M,N] = A[M,K]·B[N,K]ᵀ with chunks strips per thread; packOnce: the operand all strips read is packed first. */
    static void product(boolean rows, int M, int N, int K, float[] a, float[] b, float[] c, boolean packOnce, int chunks) {
        int tile = rows ? GemmKernel.MR : GemmKernel.NR, tiles = ((rows ? M : N) + tile - 1) / tile;
        float[] p = null;
        if (packOnce) {
            long size = rows ? GemmSimd.packedSize(N, K) : GemmSimd.packedSizeA(M, K);
            if (shared.length < size) shared = new float[(int) size];
            p = shared;
            if (rows) GemmSimd.packAllB(true, N, K, b, 0, K, p); else GemmSimd.packAllA(false, M, K, a, 0, K, p);
        }
        float[] packed = p;
        Parallel.forRange(tiles, (long) tile * (rows ? N : M) * K, chunks, (from, to) -> {
            int s0 = from * tile, s1 = Math.min(rows ? M : N, to * tile);
            if (rows) GemmSimd.serial(false, true, s1 - s0, N, K, 1f, a, s0 * K, K, b, 0, K, 0f, c, s0 * N, N, null, packed);
            else GemmSimd.serial(false, true, M, s1 - s0, K, 1f, a, 0, K, b, s0 * K, K, 0f, c, s0, N, packed, null);
        });
    }

    public static void main(String[] args) {
        boolean rows = args.length > 0 && args[0].equals("rows");
        int[][] shapes = rows ? new int[][]{{1600, 2304, 768}, {1600, 768, 768}, {1600, 3072, 768}, {1600, 768, 3072}}
                : new int[][]{{448, 1536, 512}, {448, 512, 512}, {448, 2048, 512}, {448, 512, 2048}};
        String[] names = {"old", "packed-once-halves", "packed-once-4/thr", "packed-once-8/thr"};
        int R = rows ? 24 : 80;
        for (int round = 0; round < 2; round++)
            for (int[] s : shapes) {
                int M = s[0], N = s[1], K = s[2];
                float[] a = new float[M * K], b = new float[K * N], c = new float[M * N];
                for (int i = 0; i < a.length; i++) a[i] = (i % 13) * 0.1f;
                for (int i = 0; i < b.length; i++) b[i] = (i % 7) * 0.1f;
                double[][] t = new double[4][R];
                for (int rep = 0; rep < R + 10; rep++)
                    for (int v = 0; v < 4; v++) {
                        long t0 = System.nanoTime();
                        product(rows, M, N, K, a, b, c, v > 0, v < 2 ? 1 : v == 2 ? 4 : 8);
                        if (rep >= 10) t[v][rep - 10] = (System.nanoTime() - t0) * 1e-9;
                    }
                if (round == 0) continue;                                            // the first round warms up
                StringBuilder sb = new StringBuilder(String.format("%5dx%4dx%4d", M, N, K));
                double f = 2.0 * M * N * K / 1e9;
                for (int v = 0; v < 4; v++) {
                    double[] srt = t[v].clone();
                    Arrays.sort(srt);
                    sb.append(String.format("  %s best %.0f med %.0f mean %.0f", names[v], f / srt[0], f / srt[R / 2],
                            f / Arrays.stream(t[v]).average().orElse(0)));
                }
                System.out.println(sb);
            }
    }
}
