/**
 * Loop B: train the Guide on the Judge's verdicts about search outcomes.
 *
 * Random and backward-generated (BWD) expressions are searched with the
 * current Guide (with extra exploration, so the data shows more than the
 * Guide already prefers). Every applied rewrite leads to a state s_t; its
 * training target is the gain still reachable from that state: the best
 * cost within a horizon of H further rewrites of the same continuous path,
 * minus the cost of the state itself:
 *
 *   G_t = min_{0 <= k <= H} C(s_{t+k}) - C(s_t)      (<= 0)
 *
 * C is the search's objective: the static table by default, the Judge with
 * `objective: "judge"` (see guided.ts for why the table drives the search
 * while the trained Judge's corrections are not monotone; the Judge then
 * scores the states and picks the final form among the best of them).
 *
 * This is an undiscounted max-return over a short horizon rather than the
 * immediate improvement J(s_t) - J(s_{t+1}), because the rewrites that matter
 * most are the ones that make things worse first (unfusing, distributing)
 * and enable a bigger gain later; a discount inside a horizon of a few steps
 * would only shrink that credit. The search ranks a candidate by
 * C(after) + Guide(after), so an untrained Guide (output 0) is best-first
 * on C, and training teaches it lookahead.
 *
 * The embedding is shared with the Judge and frozen by default (Loop A owns
 * it); `tuneEmbeddings` trains it too.
 */
import { endOfJob, type Expr } from "../expr/expr.ts";
import { randomFusedExpr } from "../expr/fused.ts";
import { DEFAULT_GEN, randomExpr, Rng } from "../expr/random.ts";
import type { Network } from "../nnue/network.ts";
import { type EpochReport, fitLoss, GUIDE_TRAINING, type Sample, splitByGroup, trainNetwork } from "../nnue/train.ts";
import type { Rule } from "../rules/rule.ts";
import { unfuse } from "./unfuse.ts";
import { guidedSearch, type Step } from "./guided.ts";
import type { CostTable } from "../expr/cost.ts";

export interface TrainGuideOptions {
  readonly rules: readonly Rule[];
  /** The static table the searches descend (the weights' profile's, for our code). */
  readonly costs: CostTable;
  /** Expressions searched per round (half random, half BWD). */
  readonly expressions: number;
  readonly horizon: number;
  /** Rewrites per search. */
  readonly budget: number;
  /** Milliseconds per search. */
  readonly timeMs: number;
  /** Exploration while collecting data. */
  readonly epsilon: number;
  readonly epochs: number;
  readonly tuneEmbeddings: boolean;
  readonly validationFraction: number;
  readonly seed: number;
}

export const DEFAULT_TRAIN_GUIDE: Omit<TrainGuideOptions, "rules" | "costs"> = {
  expressions: 200,
  horizon: 8,
  budget: 150,
  timeMs: 1000,
  epsilon: 0.2,
  epochs: 6,
  tuneEmbeddings: false,
  validationFraction: 0.2,
  seed: 1,
};

/**
 * Guide samples of one trajectory: features of each state, target G_t in
 * the units of the search objective (the static table, or the Judge).
 */
export function guideSamples(
  trajectory: readonly Step[],
  horizon: number,
  group: number,
  objective: "static" | "judge" = "static",
): Sample[] {
  const value = (s: Step) => (objective === "judge" ? s.judge : s.cost);
  const out: Sample[] = [];
  for (let t = 0; t < trajectory.length; t++) {
    const s = trajectory[t];
    if (s.features === undefined) throw new Error("guideSamples needs a trajectory recorded with features");
    let g = value(s);
    for (let k = 1; k <= horizon && t + k < trajectory.length; k++) {
      const next = trajectory[t + k];
      if (next.segment !== s.segment) break;
      g = Math.min(g, value(next));
    }
    out.push({ features: s.features, target: g - value(s), group });
  }
  return out;
}

export interface ExprTask {
  readonly expr: Expr;
  readonly ranges: Readonly<Record<string, readonly [number, number]>>;
  readonly kind: "random" | "bwd";
}

/** The expressions of one round: half random, half BWD (fused, then unfused 1-10 steps). */
export function roundExpressions(n: number, seed: number, rules: readonly Rule[]): ExprTask[] {
  const rng = new Rng(seed);
  const vars = ["x", "y", "z"];
  const range = DEFAULT_GEN.range;
  const ranges = Object.fromEntries(vars.map((v) => [v, range] as const));
  return Array.from({ length: n }, (_, i): ExprTask => {
    if (i % 2 === 0) return { expr: randomExpr(rng, { size: 4 + rng.int(12), vars, range }), ranges, kind: "random" };
    const fused = randomFusedExpr(rng, { vars, range, depth: 1 + rng.int(2) });
    return { expr: unfuse(fused, 1 + rng.int(10), rng, ranges, rules).expr, ranges, kind: "bwd" };
  });
}

export interface RoundReport {
  readonly samples: number;
  readonly validationBefore: number;
  readonly validationAfter: number;
  readonly epochs: readonly EpochReport[];
  readonly searchMs: number;
  readonly trainMs: number;
}

/**
 * One round of Loop B: search `expressions` with the current network,
 * collect samples, train the Guide head (and the embedding if asked).
 */
export async function trainGuideRound(
  nw: Network,
  options: Partial<TrainGuideOptions> & Pick<TrainGuideOptions, "rules" | "costs">,
  round: number,
  progress: (done: number, total: number) => void = () => {},
): Promise<RoundReport> {
  const o = { ...DEFAULT_TRAIN_GUIDE, ...options };
  const t0 = performance.now();
  const tasks = roundExpressions(o.expressions, o.seed * 1000003 + round, o.rules);
  const samples: Sample[] = [];
  for (const [i, t] of tasks.entries()) {
    // The nodes of earlier searches go once the job ends (endOfJob); the
    // samples keep only feature indices.
    if (i > 0) await endOfJob();
    const r = guidedSearch(t.expr, nw, {
      rules: o.rules,
      costs: o.costs,
      ranges: t.ranges,
      budget: o.budget,
      timeMs: o.timeMs,
      epsilon: o.epsilon,
      seed: o.seed + i,
      record: true,
    });
    samples.push(...guideSamples(r.trajectory, o.horizon, round * 100000 + i));
    progress(i + 1, tasks.length);
  }
  const t1 = performance.now();
  const { train, validation } = splitByGroup(samples, o.validationFraction, o.seed + round);
  // Lookahead gains generalize across expressions only weakly (a sweep over
  // 50k samples: lr 3e-5..1e-4 with batches of 256 lowers validation loss
  // steadily; 3e-4 and up overfits within a few epochs), so learn slowly.
  const opts = {
    ...GUIDE_TRAINING,
    lrHead: 1e-4,
    batchSize: 256,
    trainEmbedding: o.tuneEmbeddings,
    epochs: o.epochs,
    seed: o.seed + round,
  };
  const before = fitLoss(nw, validation, opts);
  const epochs = train.length > 0 ? trainNetwork(nw, train, validation, opts) : [];
  return {
    samples: samples.length,
    validationBefore: before,
    validationAfter: validation.length > 0 ? fitLoss(nw, validation, opts) : NaN,
    epochs,
    searchMs: t1 - t0,
    trainMs: performance.now() - t1,
  };
}
