package clipvr.reprogram.train;

import clipvr.autograd.Var;
import clipvr.autograd.nn.Parameter;
import clipvr.autograd.optim.Adam;
import clipvr.autograd.optim.CosineAnnealingLR;
import clipvr.autograd.optim.LrScheduler;
import clipvr.autograd.optim.MultiStepLR;
import clipvr.autograd.optim.Optimizer;
import clipvr.autograd.optim.SGD;
import clipvr.reprogram.method.StateDict;
import clipvr.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;

/**
 * The optimisers and lr schedules of spec §1.6 and §5.5.
 * <ul>
 *   <li>CLIP VR family (VP, AR, AttrVR, DVP): one SGD (momentum 0.9, no weight decay) over all prompt parameters, lr 40,
 *       {@code CosineAnnealingLR(T_max = epochs × iterations per epoch)} stepped after every iteration. DVP's one optimiser
 *       and scheduler per prompt are identical, so one over all prompts is the same thing.</li>
 *   <li>SMM and its baselines: Adam (lr 0.01) for δ and Adam (mask lr 0.01) for the mask network, each with a
 *       {@code MultiStepLR} (milestones [0.5·E, 0.72·E], γ 0.1) stepped after every epoch.</li>
 * </ul>
 * State names: {@code optim.<group>.<optimizer key>} and {@code sched.<group>.<last_epoch|base_lr>}, groups
 * {@code sgd}, or {@code pattern} and {@code mask}.
 */
public final class Optimisation {
    private final List<String> names = new ArrayList<>();
    private final List<Optimizer> optimizers = new ArrayList<>();
    private final List<LrScheduler> schedulers = new ArrayList<>();
    private final boolean perIteration;

    private Optimisation(boolean perIteration) { this.perIteration = perIteration; }

    public static Optimisation build(TrainConfig c, Reprogrammer model, int iterationsPerEpoch) {
        if (c.optimizer().equals("sgd")) {
            Optimisation o = new Optimisation(true);
            SGD sgd = new SGD(bind(model.namedParameters()), c.lr(), c.momentum(), 0, c.weightDecay(), false);
            o.add("sgd", sgd, new CosineAnnealingLR(sgd, Math.max(1, c.epochs() * iterationsPerEpoch), 0.0));
            return o;
        }
        Optimisation o = new Optimisation(false);
        Adam pattern = new Adam(bind(model.patternParameters()), c.lr(), 0.9, 0.999, 1e-8, c.weightDecay(), false);
        o.add("pattern", pattern, new MultiStepLR(pattern, c.milestones(), c.gamma()));
        SequencedMap<String, Var> mask = model.maskParameters();
        if (!mask.isEmpty()) {
            Adam m = new Adam(bind(mask), c.maskLr(), 0.9, 0.999, 1e-8, c.weightDecay(), false);
            o.add("mask", m, new MultiStepLR(m, c.milestones(), c.maskGamma()));
        }
        return o;
    }

    /** Parameters that read and write the model's own Vars. */
    private static SequencedMap<String, Parameter> bind(SequencedMap<String, Var> vars) {
        SequencedMap<String, Parameter> out = new LinkedHashMap<>();
        vars.forEach((name, v) -> {
            Parameter p = new Parameter(name, v.data(), true);
            p.bind(v);
            out.put(name, p);
        });
        return out;
    }

    private void add(String name, Optimizer o, LrScheduler s) {
        names.add(name);
        optimizers.add(o);
        schedulers.add(s);
    }

    public void zeroGrad() { optimizers.forEach(Optimizer::zeroGrad); }

    /** One update of every optimiser, then the per-iteration schedules. */
    public void step() {
        optimizers.forEach(Optimizer::step);
        if (perIteration) schedulers.forEach(LrScheduler::step);
    }

    /** End of a training epoch: the per-epoch schedules. */
    public void endEpoch() {
        if (!perIteration) schedulers.forEach(LrScheduler::step);
    }

    /** Whether the schedules step per iteration (cosine) rather than per epoch (multi-step). */
    public boolean perIteration() { return perIteration; }

    /** The current lr of the first group (SGD, or SMM's δ). */
    public double lr() { return optimizers.getFirst().lr(); }

    /** Current lr per group name. */
    public Map<String, Double> lrs() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) m.put(names.get(i), optimizers.get(i).lr());
        return m;
    }

    public List<LrScheduler> schedulers() { return List.copyOf(schedulers); }

    public Map<String, Tensor> state() {
        Map<String, Tensor> s = StateDict.create();
        for (int i = 0; i < names.size(); i++) {
            StateDict.putAll(s, "optim." + names.get(i), optimizers.get(i).state());
            StateDict.putAll(s, "sched." + names.get(i), schedulers.get(i).state());
        }
        return s;
    }

    public void load(Map<String, Tensor> state) {
        for (int i = 0; i < names.size(); i++) {
            optimizers.get(i).loadState(StateDict.sub(state, "optim." + names.get(i)));
            schedulers.get(i).loadState(StateDict.sub(state, "sched." + names.get(i)));
        }
    }
}
