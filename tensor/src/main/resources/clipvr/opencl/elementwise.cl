/* Elementwise kernels over strided views, one work-item per output element.
 * Op codes are the ordinals of clipvr.tensor.ops.UnaryOp / BinaryOp; the float64 definitions in those
 * enums (UnaryOp.apply, BinaryOp.apply) are the readable twins these are tested against.
 * An input operand is (buffer, offset, strides, host, value): host != 0 means a broadcast host scalar
 * passed by value (no transfer), and the buffer is then only a placeholder. */
#define OPERAND(x) __global const T* x, int x##off, int8 x##st8, int x##host, T x##val
#define READ(x, i) (x##host ? x##val : x[x##off + voff(i, rank, shape8, x##st8)])

inline T F(sigmoid)(T x) {
    if (x >= 0) return (T)1 / ((T)1 + exp(-x));
    T e = exp(x);
    return e / ((T)1 + e);
}

inline T F(unary_apply)(int op, T x) {
    const T SQRT_HALF = (T)0.70710678118654752440, INV_SQRT_2PI = (T)0.39894228040143267794;
    switch (op) {
        case 0: return -x;                                              /* NEG */
        case 1: return exp(x);                                          /* EXP */
        case 2: return log(x);                                          /* LOG */
        case 3: return sqrt(x);                                         /* SQRT */
        case 4: return fabs(x);                                         /* ABS */
        case 5: return x > 0 ? (T)1 : x < 0 ? (T)-1 : x;                /* SIGN */
        case 6: return x * x;                                           /* SQUARE */
        case 7: return (T)1 / x;                                        /* RECIPROCAL */
        case 8: return tanh(x);                                         /* TANH */
        case 9: return F(sigmoid)(x);                                   /* SIGMOID */
        case 10: return (x > 0 || isnan(x)) ? x : (T)0;                 /* RELU */
        case 11: return (T)0.5 * x * ((T)1 + erf(x * SQRT_HALF));       /* GELU */
        case 12: return x * F(sigmoid)((T)1.702 * x);                   /* QUICK_GELU */
        case 13: { T t = tanh(x); return (T)1 - t * t; }                /* TANH_GRAD */
        case 14: { T s = F(sigmoid)(x); return s * ((T)1 - s); }        /* SIGMOID_GRAD */
        case 15: return x > 0 ? (T)1 : (T)0;                            /* RELU_GRAD */
        case 16: return (T)0.5 * ((T)1 + erf(x * SQRT_HALF)) + x * INV_SQRT_2PI * exp((T)-0.5 * x * x); /* GELU_GRAD */
        case 17: { T s = F(sigmoid)((T)1.702 * x); return s + (T)1.702 * x * s * ((T)1 - s); }       /* QUICK_GELU_GRAD */
    }
    return NAN;
}

inline T F(binary_apply)(int op, T a, T b) {
    switch (op) {
        case 0: return a + b;                                           /* ADD */
        case 1: return a - b;                                           /* SUB */
        case 2: return a * b;                                           /* MUL */
        case 3: return a / b;                                           /* DIV */
        case 4: return pow(a, b);                                       /* POW */
        case 5: return (isnan(a) || isnan(b)) ? a + b : fmax(a, b);     /* MAX (NaN propagates, as Math.max) */
        case 6: return (isnan(a) || isnan(b)) ? a + b : fmin(a, b);     /* MIN */
        case 7: return a > b ? (T)1 : (T)0;                             /* GT */
        case 8: return a == b ? (T)1 : (T)0;                            /* EQ */
    }
    return NAN;
}

/* out = op(x) */
__kernel void F(unary)(int op, int n, int rank, int8 shape8, __global T* out, int outoff, int8 outst8, OPERAND(x)) {
    int i = get_global_id(0);
    if (i >= n) return;
    out[outoff + voff(i, rank, shape8, outst8)] = F(unary_apply)(op, READ(x, i));
}

/* out = op(a, b); out may alias a (in-place updates) since each element is read and written by one item */
__kernel void F(binary)(int op, int n, int rank, int8 shape8, __global T* out, int outoff, int8 outst8, OPERAND(a), OPERAND(b)) {
    int i = get_global_id(0);
    if (i >= n) return;
    out[outoff + voff(i, rank, shape8, outst8)] = F(binary_apply)(op, READ(a, i), READ(b, i));
}

/* out = c != 0 ? a : b */
__kernel void F(where)(int n, int rank, int8 shape8, __global T* out, int outoff, int8 outst8, OPERAND(c), OPERAND(a), OPERAND(b)) {
    int i = get_global_id(0);
    if (i >= n) return;
    out[outoff + voff(i, rank, shape8, outst8)] = READ(c, i) != 0 ? READ(a, i) : READ(b, i);
}

/* out = min(max(x, lo), hi), NaN stays NaN */
__kernel void F(clamp)(int n, int rank, int8 shape8, __global T* out, int outoff, int8 outst8, OPERAND(x), T lo, T hi) {
    int i = get_global_id(0);
    if (i >= n) return;
    T v = READ(x, i);
    out[outoff + voff(i, rank, shape8, outst8)] = isnan(v) ? v : fmin(fmax(v, lo), hi);
}

/* every element of the view out = v */
__kernel void F(fill)(int n, int rank, int8 shape8, __global T* out, int outoff, int8 outst8, T v) {
    int i = get_global_id(0);
    if (i >= n) return;
    out[outoff + voff(i, rank, shape8, outst8)] = v;
}
