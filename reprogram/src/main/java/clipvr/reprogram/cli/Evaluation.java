package clipvr.reprogram.cli;

import clipvr.reprogram.data.Dataset;

import java.util.ArrayList;
import java.util.List;

/** Helpers shared by evaluation commands. */
final class Evaluation {
    private Evaluation() {}

    /**
     * Dataset indices interleaved class by class (the first of each class, then the second, ...), so that
     * {@code --limit N} evaluates a class-balanced subset; all indices when limit is null.
     */
    static int[] balancedOrder(Dataset ds, Integer limit) {
        int c = ds.numClasses();
        List<List<Integer>> byClass = new ArrayList<>();
        for (int k = 0; k < c; k++) byClass.add(new ArrayList<>());
        for (int i = 0; i < ds.size(); i++) byClass.get(ds.label(i)).add(i);
        int n = limit == null ? ds.size() : Math.min(limit, ds.size());
        int[] out = new int[n];
        int at = 0;
        for (int round = 0; at < n; round++)
            for (int k = 0; k < c && at < n; k++)
                if (round < byClass.get(k).size()) out[at++] = byClass.get(k).get(round);
        return out;
    }
}
