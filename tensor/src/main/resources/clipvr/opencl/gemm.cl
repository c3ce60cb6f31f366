/* Batched GEMM, C_p = alpha·op(A_p)·op(B_p) + beta·C_p for p = get_global_id(2) (twin: GemmReference).
 * Tiled and register-blocked: a work-group of 8×8 items computes a TM×TN = 32×32 tile of C, each item a
 * 4×4 block (rows ty + 8r, columns tx + 8c); K advances in slices of TK = 16 staged in local memory,
 * where the transposes are resolved while loading. The k-sum runs in order, so results are reproducible. */
#ifndef GEMM_TILE
#define GEMM_TILE
#define TM 32
#define TN 32
#define TK 16
#define RB 4
#define LS 8
#endif

__kernel __attribute__((reqd_work_group_size(LS, LS, 1)))
void F(gemm)(int transA, int transB, int M, int N, int K, T alpha,
             __global const T* A, int aOff, int strideA, int lda,
             __global const T* B, int bOff, int strideB, int ldb, T beta,
             __global T* C, int cOff, int strideC, int ldc) {
    __local T As[TK][TM + 1];
    __local T Bs[TK][TN + 1];
    int p = get_global_id(2);
    int tx = get_local_id(0), ty = get_local_id(1), lid = ty * LS + tx;
    int row0 = get_group_id(1) * TM, col0 = get_group_id(0) * TN;
    A += aOff + (long)p * strideA;
    B += bOff + (long)p * strideB;
    C += cOff + (long)p * strideC;
    T acc[RB][RB];
    for (int r = 0; r < RB; r++) for (int c = 0; c < RB; c++) acc[r][c] = 0;
    for (int k0 = 0; k0 < K; k0 += TK) {
        for (int e = lid; e < TM * TK; e += LS * LS) {
            int i = transA ? e % TM : e / TK, kk = transA ? e / TM : e % TK;   /* consecutive items read consecutive addresses */
            int gi = row0 + i, gk = k0 + kk;
            As[kk][i] = (gi < M && gk < K) ? (transA ? A[(long)gk * lda + gi] : A[(long)gi * lda + gk]) : (T)0;
        }
        for (int e = lid; e < TK * TN; e += LS * LS) {
            int j = transB ? e / TK : e % TN, kk = transB ? e % TK : e / TN;
            int gj = col0 + j, gk = k0 + kk;
            Bs[kk][j] = (gj < N && gk < K) ? (transB ? B[(long)gj * ldb + gk] : B[(long)gk * ldb + gj]) : (T)0;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int kk = 0; kk < TK; kk++) {
            T a[RB], b[RB];
            for (int r = 0; r < RB; r++) a[r] = As[kk][ty + LS * r];
            for (int c = 0; c < RB; c++) b[c] = Bs[kk][tx + LS * c];
            for (int r = 0; r < RB; r++) for (int c = 0; c < RB; c++) acc[r][c] += a[r] * b[c];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    for (int r = 0; r < RB; r++) {
        int gi = row0 + ty + LS * r;
        if (gi >= M) continue;
        for (int c = 0; c < RB; c++) {
            int gj = col0 + tx + LS * c;
            if (gj >= N) continue;
            long at = (long)gi * ldc + gj;
            C[at] = beta == 0 ? alpha * acc[r][c] : alpha * acc[r][c] + beta * C[at];
        }
    }
}
