package clipvr.tensor.ops;

/** Row reductions provided by every backend. */
public enum ReduceOp { SUM, MAX, MIN }
