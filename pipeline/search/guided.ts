/**
 * Guided best-first search: the optimizer's answer to having far more
 * rules than equality saturation can handle.
 *
 * The state is one expression (a hash-consed DAG tracked by a FeatureDag)
 * and its network accumulator. A heap holds rewrite candidates (site,
 * rule). A candidate is scored from the accumulator *after* the rewrite,
 * computed as a feature delta from the current one, so every candidate gets
 * its own score: the objective of that state (the static cost table by
 * default, or the Judge) plus the Guide's predicted lookahead gain (<= 0:
 * how much cheaper a state a few rewrites further can be; see
 * nnue/guide_init.ts); the priority is minus that sum. An untrained Guide
 * (output 0) makes the search best-first on the objective. The loop
 * pops the best candidate, or with probability epsilon a random one, applies
 * it with an incremental accumulator update, and scans the neighbourhood of
 * the change for newly enabled rewrites.
 *
 * Scores go stale when the state changes under a waiting candidate. Stale
 * candidates are rescored lazily, in batches, when they reach the top of
 * the heap (the CELF trick): the popped candidate is always scored against
 * the current state.
 *
 * Every applied rewrite is also recorded as a union in an e-graph that
 * holds only what the search chose, so the final extraction can combine
 * the best parts of different states. The result lists the k trees it
 * extracts and the best states visited, best by the objective first; the
 * optimizer lets the Judge pick among the best of them.
 */
import { type Expr } from "../expr/expr.ts";
import { Rng } from "../expr/random.ts";
import type { Ranges } from "../expr/sample.ts";
import { type CostTable, staticCost } from "../expr/cost.ts";
import { EGraph } from "../egraph/egraph.ts";
import { kBest } from "../egraph/kbest.ts";
import { Extractor } from "../egraph/extract.ts";
import { runRules } from "../egraph/runner.ts";
import { FeatureDag, type RewriteDelta } from "../nnue/feature_dag.ts";
import type { Network } from "../nnue/network.ts";
import { selfFeature } from "../nnue/features.ts";
import { kindCosts } from "../nnue/latency_init.ts";
import type { Rule } from "../rules/rule.ts";
import { type Candidate, candidatesAt, NodeFacts, RuleIndex } from "./candidates.ts";
import { MaxHeap } from "./heap.ts";
import { neighbourhood } from "./rewrite.ts";

export interface GuidedOptions {
  readonly rules: readonly Rule[];
  readonly ranges: Ranges;
  /** The static table the search descends (the target's, for the code that will run). */
  readonly costs: CostTable;
  /** Most rewrites to apply. */
  readonly budget: number;
  /** Wall-time limit in milliseconds. */
  readonly timeMs: number;
  /** Probability of applying a random waiting candidate instead of the best. */
  readonly epsilon: number;
  /** Radius of the scan for newly enabled rewrites around a change. */
  readonly radius: number;
  /** Trees extracted at the end for the Judge to choose from. */
  readonly k: number;
  readonly seed: number;
  /** Also apply rules that hold only approximately. */
  readonly allowApprox: boolean;
  /** Keep the features of every state (for training the Guide). */
  readonly record: boolean;
  /** Stale candidates rescored together when they reach the top. */
  readonly rescoreBatch: number;
  /** Visited states returned as choices (besides the k extracted trees). */
  readonly maxStates: number;
  /**
   * What the search descends: the static cost table or the Judge, plus the
   * Guide's lookahead gain either way. The table by default: the trained
   * Judge's corrections are not monotone (adding a `+ 0` can lower its
   * prediction), and a search driven by it is rewarded for junk; the Judge
   * re-ranks the statically competitive forms at the end instead.
   */
  readonly objective: "static" | "judge";
  /**
   * Share of the time kept for the polish: a short saturation of the e-graph
   * of chosen rewrites (which holds every visited form) before extraction.
   * It finds the neutral reassociations and cancellations a tree search
   * walks past, and stays small because it starts from the forms the search
   * chose rather than from everything every rule allows.
   */
  readonly polishShare: number;
  /**
   * Rewrites without a new best state before the search jumps back to one of
   * the best states seen (0: never). The trajectory explores; restarts keep
   * the budget near the promising states.
   */
  readonly patience: number;
}

export const DEFAULT_GUIDED: Omit<GuidedOptions, "rules" | "ranges" | "costs"> = {
  budget: 5000,
  timeMs: 2000,
  epsilon: 0.05,
  radius: 2,
  k: 10,
  seed: 1,
  allowApprox: false,
  record: false,
  rescoreBatch: 16,
  maxStates: 400,
  objective: "static",
  polishShare: 0.25,
  patience: 40,
};

/** One applied rewrite. */
export interface Step {
  readonly rule: string;
  /** The node rewritten (every occurrence of it) and what replaced it: a concrete equation, for derivations. */
  readonly site: Expr;
  readonly result: Expr;
  /** Score (Judge + Guide) of the state the rewrite led to, when it was chosen. */
  readonly score: number;
  /** Judge output (cost units) of the state after the rewrite. */
  readonly judge: number;
  /** Static cost of the state after the rewrite. */
  readonly cost: number;
  /** Whether the rewrite was an exploration move. */
  readonly random: boolean;
  /** Milliseconds since the search started. */
  readonly atMs: number;
  /** Restarts before this step: steps of one segment form a continuous path. */
  readonly segment: number;
  /** Features of the state after the rewrite (only with `record`). */
  readonly features?: Int32Array;
}

export interface Choice {
  readonly expr: Expr;
  /** Judge output in cost units. */
  readonly judge: number;
  readonly cost: number;
  /** How it was found: a state of the trajectory or an extraction. */
  readonly from: "state" | "extraction";
  /** Rules applied from the input to this state (states only). */
  readonly steps?: readonly string[];
  /** The same path as indices into the trajectory (states only). */
  readonly path?: readonly number[];
}

export interface GuidedResult {
  /** The best choice by the objective (never worse than the input). */
  readonly best: Choice;
  /**
   * The k extracted trees and the best distinct states visited (up to
   * `maxStates`), best by the objective first: a caller that must reject
   * some (the accuracy guard) walks down this list.
   */
  readonly choices: readonly Choice[];
  readonly input: Choice;
  readonly trajectory: readonly Step[];
  readonly stats: {
    readonly applied: number;
    readonly candidatesScored: number;
    readonly rescored: number;
    readonly timeMs: number;
    /** Milliseconds until the best state was reached. */
    readonly timeToBestMs: number;
    readonly heapPeak: number;
    readonly restarts: number;
    readonly stopped: "budget" | "time" | "exhausted";
  };
}

interface Waiting {
  readonly c: Candidate;
  /** DAG version the score was computed at. */
  version: number;
  score: number;
}

/** Runs the guided search from `input` with network `nw`. */
export function guidedSearch(
  input: Expr,
  nw: Network,
  options: Partial<GuidedOptions> & Pick<GuidedOptions, "rules" | "ranges" | "costs">,
): GuidedResult {
  const o: GuidedOptions = { ...DEFAULT_GUIDED, ...options };
  const t0 = performance.now();
  const elapsed = () => performance.now() - t0;
  const rng = new Rng(o.seed);
  const rules = o.allowApprox ? o.rules : o.rules.filter((r) => r.approx === null);
  const index = new RuleIndex(rules);
  const facts = new NodeFacts(o.ranges);
  let dag = new FeatureDag(nw.fs, input);
  let acc = nw.accumulator(input);
  const judgeNow = () => nw.net.eval("judge", acc)[0];

  let heap = new MaxHeap<Waiting>();
  let queued = new Set<number>();
  const key = (c: Candidate) => c.site.id * 4096 + c.ruleIndex;
  let scored = 0, rescored = 0, heapPeak = 0;

  const selfCost = selfFeatureCosts(nw, o.costs);
  let costNow = staticCost(input, o.costs);
  /** Objective (table or Judge) plus Guide gain of the state after each delta. */
  const scoreOf = (deltas: readonly RewriteDelta[]): Float32Array => {
    const gain = nw.scoreDeltas("guide", acc, deltas);
    if (o.objective === "judge") {
      const judge = nw.scoreDeltas("judge", acc, deltas);
      for (let i = 0; i < gain.length; i++) gain[i] += judge[i];
    } else {
      for (let i = 0; i < gain.length; i++) gain[i] += costNow + staticDelta(deltas[i], selfCost);
    }
    return gain;
  };

  /** Scores candidates against the current state and queues them. */
  const enqueue = (cands: readonly Candidate[]) => {
    if (cands.length === 0) return;
    const deltas = cands.map((c) => dag.rewrite(c.site, c.result));
    const scores = scoreOf(deltas);
    scored += cands.length;
    cands.forEach((c, i) => {
      heap.push({ c, version: dag.version, score: scores[i] }, priority(c, scores[i]));
      queued.add(key(c));
    });
    heapPeak = Math.max(heapPeak, heap.size);
  };

  const scan = (nodes: Iterable<Expr>) => {
    const fresh: Candidate[] = [];
    for (const n of nodes) {
      for (const c of candidatesAt(n, index, facts)) if (!queued.has(key(c))) fresh.push(c);
    }
    enqueue(fresh);
  };

  /** The best waiting candidate, scored against the current state, or null. */
  const popBest = (): Waiting | null => {
    for (;;) {
      const top = heap.pop();
      if (top === undefined) return null;
      if (!dag.has(top.c.site)) {
        queued.delete(key(top.c));
        continue;
      }
      if (top.version === dag.version) return top;
      // Rescore this and the next few stale tops together, then look again.
      const stale = [top];
      while (stale.length < o.rescoreBatch && heap.size > 0) {
        const w = heap.pop()!;
        if (!dag.has(w.c.site)) queued.delete(key(w.c));
        else if (w.version === dag.version) {
          heap.push(w, priority(w.c, w.score));
          break;
        } else stale.push(w);
      }
      const deltas = stale.map((w) => dag.rewrite(w.c.site, w.c.result));
      const scores = scoreOf(deltas);
      rescored += stale.length;
      stale.forEach((w, i) => {
        w.version = dag.version;
        w.score = scores[i];
        heap.push(w, priority(w.c, w.score));
      });
    }
  };

  const popRandom = (): Waiting | null => {
    while (heap.size > 0) {
      const w = heap.popAt(rng.int(heap.size))!;
      if (dag.has(w.c.site)) return w;
      queued.delete(key(w.c));
    }
    return null;
  };

  // The e-graph of chosen rewrites, for the final extraction.
  const egraph = new EGraph({ ranges: o.ranges as Record<string, [number, number]> });
  const rootClass = egraph.add(input);

  const inputChoice: Choice = {
    expr: input,
    judge: judgeNow(),
    cost: staticCost(input, o.costs),
    from: "state",
    steps: [],
    path: [],
  };
  const visited = new Set<Expr>([input]);
  const trajectory: Step[] = [];
  const stepNames: string[] = [];
  const states: Choice[] = [inputChoice];
  let best = inputChoice;
  let timeToBest = 0;
  let stopped: GuidedResult["stats"]["stopped"] = "exhausted";
  let sinceBest = 0, restarts = 0, bestAt = 0;
  // Restarts in a row that led to no new state: the reachable space is spent.
  let idleRestarts = 0, appliedAtJump = 0;
  const stepsOf = new Map<Expr, readonly string[]>([[input, []]]);
  const pathIdx: number[] = [];
  const pathOf = new Map<Expr, readonly number[]>([[input, []]]);

  /** Makes `from` the current state, with a fresh heap of its candidates. */
  const jumpTo = (from: Choice) => {
    dag = new FeatureDag(nw.fs, from.expr);
    acc = nw.accumulator(from.expr);
    costNow = from.cost;
    heap = new MaxHeap<Waiting>();
    queued = new Set<number>();
    stepNames.length = 0;
    stepNames.push(...(stepsOf.get(from.expr) ?? []));
    pathIdx.length = 0;
    pathIdx.push(...(pathOf.get(from.expr) ?? []));
    scan(dag.nodes());
  };

  scan(dag.nodes());
  while (true) {
    if (trajectory.length >= o.budget) {
      stopped = "budget";
      break;
    }
    if (elapsed() >= o.timeMs * (1 - o.polishShare)) {
      stopped = "time";
      break;
    }
    if (trajectory.length - bestAt > STALL_STEPS) {
      stopped = "exhausted";
      break;
    }
    if (o.patience > 0 && sinceBest >= o.patience) {
      idleRestarts = trajectory.length === appliedAtJump ? idleRestarts + 1 : 0;
      if (idleRestarts >= MAX_IDLE_RESTARTS) break;
      // Back to the best state, or now and then to another good one, or
      // (when the neighbourhood of the best ones is spent) anywhere visited.
      const ranked = [...states].sort(byObjective(o.objective));
      const r = rng.next();
      const pool = idleRestarts > 0 ? ranked.length : r < 0.5 ? 1 : r < 0.8 ? 20 : ranked.length;
      jumpTo(ranked[rng.int(Math.min(pool, ranked.length))]);
      restarts++;
      sinceBest = 0;
      appliedAtJump = trajectory.length;
    }
    const explore = rng.next() < o.epsilon;
    const w = explore ? popRandom() : popBest();
    if (w === null) {
      // Nothing left here: a restart from another good state may still have somewhere to go.
      if (o.patience > 0 && states.length > 1) {
        sinceBest = o.patience;
        continue;
      }
      break;
    }
    queued.delete(key(w.c));
    const delta: RewriteDelta = dag.rewrite(w.c.site, w.c.result);
    const after = delta.after;
    if (visited.has(after)) continue;
    const fresh = absentNodes(w.c.result, dag);
    dag.commit(delta);
    nw.applyDelta(acc, delta);
    visited.add(after);
    egraph.union(egraph.add(w.c.site), egraph.add(w.c.result));

    const judge = judgeNow();
    const cost = staticCost(after, o.costs);
    costNow = cost;
    stepNames.push(w.c.rule.name);
    pathIdx.push(trajectory.length);
    trajectory.push({
      rule: w.c.rule.name,
      site: w.c.site,
      result: w.c.result,
      score: w.score,
      judge,
      cost,
      random: explore,
      atMs: elapsed(),
      segment: restarts,
      ...(o.record ? { features: nw.features(after) } : {}),
    });
    const state: Choice = { expr: after, judge, cost, from: "state", steps: [...stepNames], path: [...pathIdx] };
    states.push(state);
    stepsOf.set(after, state.steps!);
    pathOf.set(after, state.path!);
    sinceBest++;
    if (better(state, best, o.objective)) {
      best = state;
      timeToBest = elapsed();
      sinceBest = 0;
      bestAt = trajectory.length;
    }
    // Newly enabled rewrites: around the change, and everywhere inside the new part.
    scan(neighbourhood(w.c.result, o.radius, (e) => dag.parentsOf(e), fresh));
  }

  // Final choice: the k best trees of the chosen-rewrites e-graph (polished
  // by a short saturation), plus the best states of the trajectory, ranked
  // by the Judge.
  egraph.rebuild();
  const polishMs = Math.max(0, o.timeMs - elapsed());
  if (o.polishShare > 0 && polishMs > 0) {
    runRules(egraph, rules, {
      timeLimitMs: polishMs,
      nodeLimit: Math.max(POLISH_MIN_NODES, 4 * egraph.nodeCount),
      iterLimit: POLISH_ITERATIONS,
    });
  }
  const extracted = kBest(egraph, egraph.find(rootClass), o.k, new Extractor(egraph, o.costs.byKind)).map((r) =>
    r.expr
  );
  const pool = new Map<number, Expr>();
  for (const e of extracted) pool.set(e.id, e);
  const topStates = [...states].sort(byObjective(o.objective)).slice(0, o.maxStates);
  const judged = nw.judgeCosts([...pool.values()]);
  const choices: Choice[] = [...topStates];
  [...pool.values()].forEach((e, i) => {
    if (!topStates.some((s) => s.expr === e)) {
      choices.push({ expr: e, judge: judged[i], cost: staticCost(e, o.costs), from: "extraction" });
    }
  });
  // The input is among the states, so the first choice is never worse than it.
  choices.sort(byObjective(o.objective));
  return {
    best: choices[0],
    choices,
    input: inputChoice,
    trajectory,
    stats: {
      applied: trajectory.length,
      candidatesScored: scored,
      rescored,
      timeMs: elapsed(),
      timeToBestMs: timeToBest,
      heapPeak,
      restarts,
      stopped,
    },
  };
}

/** The polish may grow the e-graph to 4x its size, and at least this many e-nodes. */
const POLISH_MIN_NODES = 20_000;
const POLISH_ITERATIONS = 8;

/**
 * Rewrites without a new best before the search stops: by then restarts
 * have revisited the good states many times (patience 40), and what is left
 * is exploration of forms worse than the best.
 */
const STALL_STEPS = 1500;

/** Restarts in a row without a new state before the search calls the space spent. */
const MAX_IDLE_RESTARTS = 20;

/**
 * Pushing a derivative `(d x e)` inward first. Each step duplicates the `d`
 * (d of a sum is a sum of d's), so by cost every step is uphill until the
 * d's reach the leaves and vanish: a cost-guided search would never start.
 * Elimination steps therefore outrank everything else; the primal
 * simplifications they skip are still found afterwards, on the derivative,
 * and by the polish, whose e-graph holds the original form too.
 */
const DERIVATIVE_FIRST = 1e9;

function priority(c: Candidate, score: number): number {
  const r = c.rule.lhs;
  return -score + (r.tag === "app" && r.op === "d" ? DERIVATIVE_FIRST : 0);
}

/** Order of choices under an objective, the other measure breaking ties. */
function byObjective(objective: GuidedOptions["objective"]): (a: Choice, b: Choice) => number {
  return objective === "judge"
    ? (a, b) => a.judge - b.judge || a.cost - b.cost
    : (a, b) => a.cost - b.cost || a.judge - b.judge;
}

function better(a: Choice, b: Choice, objective: GuidedOptions["objective"]): boolean {
  return byObjective(objective)(a, b) < 0;
}

/** Static cost of each kind's self feature (one per unique node): a delta's cost change. */
function selfFeatureCosts(nw: Network, table: CostTable): Map<number, number> {
  const costs = kindCosts(table);
  return new Map([...costs.keys()].map((k) => [selfFeature(nw.fs, k), costs[k]]));
}

/** Change of static cost made by a feature delta: its added and removed self features. */
function staticDelta(d: RewriteDelta, selfCost: ReadonlyMap<number, number>): number {
  let s = 0;
  for (const f of d.added) s += selfCost.get(f) ?? 0;
  for (const f of d.removed) s -= selfCost.get(f) ?? 0;
  return s;
}

/** Ids of the nodes of `e` not yet in the DAG: the part a rewrite creates. */
function absentNodes(e: Expr, dag: FeatureDag): Set<number> {
  const out = new Set<number>();
  const stack = [e];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (out.has(n.id) || dag.has(n)) continue;
    out.add(n.id);
    if (n.tag === "app") stack.push(...n.args);
  }
  return out;
}
