/**
 * The optimizer, as one library call: search for faster equivalent forms of
 * a kernel, rank them by the Judge's predicted time, and take the fastest
 * one that passes the accuracy guard.
 *
 * Accuracy guard: every candidate is evaluated in the float32 model on
 * sampled inputs across each variable's whole range (ends included) and
 * compared with the float64 reference of the input. The error measure is
 * ulps with an absolute floor (`flooredUlps`), so outputs that are truly 0
 * or tiny are judged at the kernel's output scale rather than in ulps of 0.
 * A candidate may not have a larger max error than the input's own float32
 * kernel plus `maxUlp` (default 4); candidates that break it are dropped and
 * the next one (by predicted time) is taken, and the result says how many
 * were dropped.
 *
 * A kernel with derivatives `(d x e)` is compared with its derivative
 * written out by the textbook rules (what a user would code by hand); that
 * form is always a candidate, so the result never needs a `d`.
 *
 * Steps: every candidate the guided search reached says which rules led to
 * it, in order: a derivation rebuilt from the recorded rewrites
 * (derivation.ts) that leaves out the trajectory's detours, kept only when
 * replaying it gives the form exactly; else, for a state of the
 * trajectory, the path the search took. Forms its final extraction combined
 * from several states have only the rebuilt derivation. A `d` written out
 * at the end is the step `ELIMINATE_D`.
 *
 * Tidying: each candidate examined is first cleared of dead weight the
 * search may carry (`x * 1`, `x - 0`, `0 - x`... tidy.ts) and predicted
 * afresh; the tidy rules' names end its steps.
 *
 * Gathering: a form whose product or sum chains hold more than one constant
 * (`1.4427 * (1.6636 * log2 x)`, which the search need never line up) is
 * joined by the form with each chain's constants gathered into one
 * (constgather.ts), the input's form too; its steps end with
 * `gather-constants`. Gathering reassociates, so both forms compete: the
 * ranking and the accuracy guard choose, as for any candidate.
 * Saturation records no derivation, so its candidates have null steps.
 *
 * Approximate functions: when the objective is speed, the chosen form, the
 * input's and the cheapest accepted one are each offered the approximations
 * (approximate.ts) the guard's limit leaves room for; the one cheapest by
 * the static table becomes `approximated`, a proposal beside `best` (the
 * Judge has never seen an approximation, so it is not ranked with the
 * rest): a measured run times it like any alternative.
 */
import { eliminateDerivatives } from "../expr/derivative.ts";
import { evaluateBatch } from "../expr/evaluate.ts";
import { type Expr, hasDerivative } from "../expr/expr.ts";
import { type CostTable, staticCost } from "../expr/cost.ts";
import { withBoundaries } from "../expr/boundary.ts";
import { type Ranges, sampleInputs } from "../expr/sample.ts";
import { type ErrorStats, flooredErrorStats, outputFloor } from "../expr/ulp.ts";
import type { Network } from "../nnue/network.ts";
import { type FormJudge, RERANK_K } from "../nnue/asm_judge.ts";
import type { Rule } from "../rules/rule.ts";
import { saturateAndExtract } from "../egraph/saturate.ts";
import { derive, shortenPath } from "./derivation.ts";
import { makeTidy } from "./tidy.ts";
import { GATHER_CONSTANTS, gatherConstants } from "./constgather.ts";
import { DEFAULT_GUIDED, guidedSearch } from "./guided.ts";
import { accuracySearch, DEFAULT_ACCURACY_SEARCH } from "./accurate.ts";
import { type Front, frontOf, type FrontPick, insert, type ParetoPoint, pickPoint, pickText } from "./pareto.ts";
import { printFPCore } from "../expr/print.ts";
import type { Lowering } from "../expr/lowering.ts";
import { approximate, type Approximated } from "./approximate.ts";

export type SearchKind = "guided" | "saturate";

/** Candidates after the chosen one whose accuracy is still measured (for reports). */
const REPORTED_AFTER_BEST = 20;
/**
 * Samples (the first ones: every range's ends, then random points) on which
 * every candidate is screened before its full accuracy check. A max error
 * over a subset never exceeds the max over the whole set, so a candidate the
 * screen rejects is rejected; the full check runs only on the survivors.
 * Searches return hundreds of forms, and the accurate ones can be far down
 * the Judge's list (behind families of one inaccurate rewrite).
 */
const SCREEN_SAMPLES = 256;
/** Rejected candidates kept in `candidates` (for reports; all are counted in `dropped`). */
const REPORTED_DROPPED = 20;

export interface OptimizeOptions {
  readonly search: SearchKind;
  readonly rules: readonly Rule[];
  /** The static table of the target and of the code that will run (pipeline/target/cost_tables.ts). */
  readonly costs: CostTable;
  /** Rewrites the guided search may apply. */
  readonly budget: number;
  /** Search time limit, milliseconds. */
  readonly timeMs: number;
  /** Allowed increase of max error over the input's float32 kernel, in floored ulps. */
  readonly maxUlp: number;
  /** Sampled inputs for the accuracy guard. */
  readonly samples: number;
  readonly seed: number;
  /** Trees extracted for the Judge to rank. */
  readonly k: number;
  /** What orders the candidates: the Judge's predicted time, or the static cost table. */
  readonly rank: "judge" | "static";
  /** Saturation limits (search = "saturate"). */
  readonly nodeLimit: number;
  readonly iterLimit: number;
  /**
   * What the returned form is best at: speed (the fastest predicted form
   * within the guard), or accuracy (the least max error among the forms
   * predicted at most ACCURACY_SLOWDOWN slower than the input; an accuracy
   * search runs after the guided one, for as long again).
   */
  readonly objective?: "speed" | "accuracy";
  /** A point of the Pareto front to return instead (`optimize --pick`). */
  readonly pick?: FrontPick;
  /**
   * Offer approximate functions (`approximated`); only our SIMD code has
   * them, so a search for plain C under the user's compiler turns this off.
   */
  readonly approximate?: boolean;
  /**
   * A Judge of finished forms that re-orders the first `k` forms of the
   * in-search Judge's order (rank "judge" only): the compiled-code Judge,
   * which reads what the compiler made of each form (nnue/asm_judge.ts).
   */
  readonly finalJudge?: FormJudge;
}

export const DEFAULT_OPTIMIZE: Omit<OptimizeOptions, "rules" | "costs"> = {
  search: "guided",
  budget: DEFAULT_GUIDED.budget,
  timeMs: DEFAULT_GUIDED.timeMs,
  maxUlp: 4,
  samples: 10_000,
  seed: 1,
  k: 10,
  rank: "judge",
  nodeLimit: 100_000,
  iterLimit: 30,
  objective: "speed",
};

/** `objective: "accuracy"` takes forms predicted at most this much slower than the input. */
export const ACCURACY_SLOWDOWN = 0.05;
/**
 * Within the allowed time, a form counts as most accurate when its max
 * error is within this many ulps of the least (the fastest such form is
 * taken): a fraction of an ulp is not worth a slower form.
 */
export const ACCURACY_SLACK_ULP = 1;

export interface Ranked {
  readonly expr: Expr;
  readonly predictedNs: number;
  /** The final Judge's prediction, for the forms it re-ranked and had a figure for. */
  readonly finalNs?: number;
  readonly staticCost: number;
  /** Against the float64 reference; for a candidate the screen rejected, on the screening samples only. */
  readonly error: ErrorStats;
  readonly accepted: boolean;
  /**
   * Rules applied to reach it, in order: derived for the chosen form, its
   * alternatives (alternativeCandidates) and the baseline (null otherwise,
   * and in saturation).
   */
  readonly steps: readonly string[] | null;
  /**
   * Whether the steps reach this form exactly; false when they reach the
   * closest form a replay of the search's rewrites gets to, and the e-graph's
   * extraction did the rest (derivation.ts).
   */
  readonly stepsComplete: boolean;
}

export interface OptimizeResult {
  readonly input: Expr;
  /** The input without derivatives: what the result is measured against. */
  readonly baseline: Ranked;
  readonly best: Ranked;
  /** Better-predicted candidates the accuracy guard dropped before `best`. */
  readonly dropped: number;
  readonly allowance: number;
  /**
   * The candidates whose accuracy was measured: fastest predicted first,
   * then the accepted one cheapest by static cost if it was not among them.
   */
  readonly candidates: readonly Ranked[];
  /**
   * The Pareto front of (time, max error) over every form reached (the
   * forms ranked, from both searches): time is the Judge's predicted ns
   * with rank "judge", the static cost with rank "static"; fastest first.
   */
  readonly front: Front<Ranked>;
  /** How `best` was chosen when not by speed: the objective or --pick, in words. */
  readonly picked: string | null;
  /**
   * A form with approximate functions in it, within the guard, cheaper by
   * the static table than `best`; null when the allowance leaves no room
   * for one, or the objective is not speed.
   */
  readonly approximated: Approximated | null;
  /**
   * The first forms of the final order, whatever their accuracy: what the
   * Judges had to tell apart (`finalJudge.k` of them, else RERANK_K).
   * Calibration measures them (stages/search_variants.ts): the Judge is
   * trained on the kind of forms it ranks in use.
   */
  readonly shortlist: readonly Expr[];
  readonly search: {
    readonly kind: SearchKind;
    readonly timeMs: number;
    /** When the chosen form was first reached (saturation: the whole run, it extracts at the end). */
    readonly timeToBestMs: number;
    readonly rewrites: number;
    readonly stopped: string;
  };
}

interface Found {
  readonly expr: Expr;
  /** Whether it is a state the search stood on (its path is exact), rather than an extraction. */
  readonly visited: boolean;
  /** Its rewrite steps, computed on demand (only the chosen form's are needed). */
  readonly steps: () => { readonly steps: readonly string[] | null; readonly complete: boolean };
}

function runSearch(input: Expr, ranges: Ranges, nw: Network, o: OptimizeOptions): {
  found: Found[];
  stats: OptimizeResult["search"];
} {
  const t0 = performance.now();
  if (o.search === "guided") {
    const r = guidedSearch(input, nw, {
      rules: o.rules,
      ranges,
      costs: o.costs,
      budget: o.budget,
      timeMs: o.timeMs,
      seed: o.seed,
      k: o.k,
    });
    return {
      // States: their path without detours; extracted forms: a derivation rebuilt from the recorded rewrites.
      found: r.choices.map((c): Found => ({
        expr: c.expr,
        visited: c.path !== undefined,
        steps: () => {
          const path = c.path === undefined ? null : shortenPath(input, r.trajectory, c.path, c.expr);
          const d = path === null ? derive(input, r.trajectory, c.expr) : { steps: path, complete: true };
          // A state whose path does not replay (it should) keeps the path the search reported.
          if (!d.complete && c.steps !== undefined) return { steps: c.steps, complete: true };
          return { steps: d.steps.map((k) => r.trajectory[k].rule), complete: d.complete };
        },
      })),
      stats: {
        kind: "guided",
        timeMs: performance.now() - t0,
        timeToBestMs: r.stats.timeToBestMs,
        rewrites: r.stats.applied,
        stopped: r.stats.stopped,
      },
    };
  }
  const r = saturateAndExtract(input, {
    rules: o.rules,
    ranges,
    costs: o.costs,
    nodeLimit: o.nodeLimit,
    iterLimit: o.iterLimit,
    timeLimitMs: o.timeMs,
    k: o.k,
  });
  return {
    found: r.extracted.map((e): Found => ({
      expr: e,
      visited: false,
      steps: () => ({ steps: null, complete: false }),
    })),
    stats: {
      kind: "saturate",
      timeMs: performance.now() - t0,
      timeToBestMs: performance.now() - t0,
      rewrites: r.applied,
      stopped: r.stopReason,
    },
  };
}

/** The step that writes out the derivatives `(d x e)` left in a form (textbook rules). */
export const ELIMINATE_D = "eliminate-derivatives";

/**
 * How much faster the Judge must predict a form before its word beats the
 * static table's. Measured on the calibration's 200 held-out kernels
 * (pairs of variants whose times differ by 1% or more): where the Judge
 * predicts a gap under 10% it orders the pair right 49% of the time, the
 * table 62% on the same pairs (a tie counted wrong); from 10% up the Judge
 * is as good or better (74% vs 72% at 10-20%, 89% vs 86% at 20-50%).
 */
export const JUDGE_MARGIN = 0.1;

/**
 * Candidates in the Judge's order, where it can tell them apart: sorted by
 * predicted time, then cut into runs whose predictions lie within `margin`
 * of the run's fastest, each run ordered by static cost (then prediction).
 * A form thus comes before a cheaper one only when the Judge predicts it
 * faster by more than the margin.
 */
export function judgeOrder<T extends { readonly ns: number; readonly cost: number }>(
  xs: readonly T[],
  margin: number,
): T[] {
  const byNs = [...xs].sort((a, b) => a.ns - b.ns || a.cost - b.cost);
  const out: T[] = [];
  for (let i = 0; i < byNs.length;) {
    let j = i;
    while (j < byNs.length && byNs[j].ns <= byNs[i].ns * (1 + margin)) j++;
    out.push(...byNs.slice(i, j).sort((a, b) => a.cost - b.cost || a.ns - b.ns));
    i = j;
  }
  return out;
}

/**
 * The first `judge.k` forms of `order` re-ordered by `judge`'s predictions
 * (forms it has no figure for after the others, in their order), the rest
 * as they were: the final Judge ranks what the in-search Judge shortlisted.
 */
export function reranked<T extends { readonly e: Expr }>(
  order: readonly T[],
  judge: FormJudge,
  vars: readonly string[],
  ranges: Ranges,
): (T & { readonly finalNs?: number })[] {
  const head = order.slice(0, judge.k);
  const ns = judge.predictNs(head.map((c) => c.e), vars, ranges);
  const key = (i: number) => ns[i] ?? Infinity;
  const idx = head.map((_, i) => i).sort((a, b) => key(a) - key(b) || a - b);
  return [
    ...idx.map((i) => (ns[i] === null ? head[i] : { ...head[i], finalNs: ns[i]! })),
    ...order.slice(judge.k),
  ];
}

/** A form's steps followed by `more` (no steps stay no steps). */
function stepsThen(steps: Found["steps"], more: readonly string[]): Found["steps"] {
  return () => {
    const d = steps();
    return { steps: d.steps === null ? null : [...d.steps, ...more], complete: d.complete };
  };
}

/** Adds `f` to the pool unless its form is there already from a visited state, or `f` is no visited state either. */
function keepBest(pool: Map<Expr, Found>, f: Found): void {
  const had = pool.get(f.expr);
  if (had === undefined || (!had.visited && f.visited)) pool.set(f.expr, f);
}

/**
 * What the accuracy guard measures a form of `input` by: the sampled inputs
 * (both sides of every condition's boundary too, boundary.ts: where a
 * conditional's error lives), the float64 reference, the output floor, and
 * a form's floored error against that reference, in float32 (with its
 * lowering, if any). A form passes when its max error is at most the
 * baseline's plus the allowance.
 */
export function guardMeasure(
  input: Expr,
  vars: readonly string[],
  ranges: Ranges,
  samples: number,
  seed: number,
): {
  readonly cols: Float32Array[];
  readonly reference: Float64Array;
  readonly floor: number;
  readonly errorOf: (e: Expr, l?: Lowering) => ErrorStats;
} {
  const cols = withBoundaries(input, vars, ranges, sampleInputs(vars, ranges, samples, seed));
  const reference = evaluateBatch(input, vars, cols, 64);
  const floor = outputFloor(reference);
  const errorOf = (e: Expr, l?: Lowering) => flooredErrorStats(evaluateBatch(e, vars, cols, 32, l), reference, floor);
  return { cols, reference, floor, errorOf };
}

/** Optimizes one kernel. */
export function optimize(
  input: Expr,
  vars: readonly string[],
  ranges: Ranges,
  nw: Network,
  options: Partial<OptimizeOptions> & Pick<OptimizeOptions, "rules" | "costs">,
): OptimizeResult {
  const o: OptimizeOptions = { ...DEFAULT_OPTIMIZE, ...options };
  const baselineExpr = eliminateDerivatives(input);
  const { found, stats } = runSearch(input, ranges, nw, o);
  const { cols, reference, floor, errorOf } = guardMeasure(input, vars, ranges, o.samples, o.seed);
  const screenN = Math.min(SCREEN_SAMPLES, o.samples);
  const screenCols = cols.map((c) => c.subarray(0, screenN));
  const screenRef = reference.length === o.samples ? reference.subarray(0, screenN) : reference;
  // The error on the screening samples; memoized per form (a lowered form is screened once, unmemoized).
  const screenError = (e: Expr, l?: Lowering) =>
    flooredErrorStats(evaluateBatch(e, vars, screenCols, 32, l).subarray(0, screenRef.length), screenRef, floor);
  const screened = new Map<Expr, ErrorStats>();
  const screenOf = (e: Expr) => {
    let s = screened.get(e);
    if (s === undefined) {
      s = screenError(e);
      screened.set(e, s);
    }
    return s;
  };
  const accurate = o.objective === "accuracy"
    ? accurateForms(baselineExpr, input, ranges, vars, screenCols, screenOf, nw, o)
    : [];

  // Candidates without derivatives and tidied of dead weight (tidy.ts),
  // deduplicated; the baseline competes as given, so a Judge that prefers
  // the untidied input keeps it.
  const baseSteps = { steps: baselineExpr === input ? [] : [ELIMINATE_D], complete: true };
  const baseFound: Found = { expr: baselineExpr, visited: true, steps: () => baseSteps };
  const tidy = makeTidy(o.rules, ranges, o.costs);
  const tidiedPool = new Map<Expr, Found>([[baselineExpr, baseFound]]);
  // Each form's constants gathered (constgather.ts), beside the form.
  const addGathered = (f: Found) => {
    const g = gatherConstants(f.expr, o.costs);
    if (g !== f.expr) keepBest(tidiedPool, { expr: g, visited: false, steps: stepsThen(f.steps, [GATHER_CONSTANTS]) });
  };
  addGathered(baseFound);
  for (const f of [...found, ...accurate]) {
    const e = hasDerivative(f.expr) ? eliminateDerivatives(f.expr) : f.expr;
    if (e === baselineExpr) continue;
    const t = tidy(e);
    const more = [...(e === f.expr ? [] : [ELIMINATE_D]), ...t.steps];
    const tidied: Found = {
      expr: t.expr,
      // Writing out derivatives keeps a state's path exact; tidying makes it a derivation.
      visited: f.visited && t.expr === e,
      steps: more.length === 0 ? f.steps : stepsThen(f.steps, more),
    };
    keepBest(tidiedPool, tidied);
    addGathered(tidied);
  }
  const exprs = [...tidiedPool.keys()];
  const ns = nw.predictNs(exprs);

  const baseError = errorOf(baselineExpr);
  const limit = baseError.maxUlp + o.maxUlp;

  // Fastest predicted first, forms within JUDGE_MARGIN of each other by the
  // table (judgeOrder); or cheapest by the table, the Judge breaking ties.
  const scored = exprs.map((e, i) => ({ e, ns: ns[i], cost: staticCost(e, o.costs) }));
  const judged = o.rank === "judge"
    ? judgeOrder(scored, JUDGE_MARGIN)
    : scored.sort((a, b) => a.cost - b.cost || a.ns - b.ns);
  const order: (typeof judged[number] & { readonly finalNs?: number })[] =
    o.rank === "judge" && o.finalJudge !== undefined ? reranked(judged, o.finalJudge, vars, ranges) : judged;
  // Every candidate is screened on a few samples; full accuracy checks go
  // down the list until one passes the guard, then for a few more (reports).
  const candidates: Ranked[] = [];
  let best: Ranked | null = null, dropped = 0, afterBest = 0;
  for (const c of order) {
    if (best !== null && afterBest >= REPORTED_AFTER_BEST && c.e !== baselineExpr) continue;
    let error = c.e === baselineExpr ? baseError : null;
    if (error === null) {
      const screened = screenOf(c.e);
      error = screened.maxUlp > limit ? screened : errorOf(c.e);
    }
    const accepted = error.maxUlp <= limit;
    const r: Ranked = {
      expr: c.e,
      predictedNs: c.ns,
      ...(c.finalNs !== undefined ? { finalNs: c.finalNs } : {}),
      staticCost: c.cost,
      error,
      accepted,
      // Steps are derived for the chosen form and its alternatives only, below.
      steps: c.e === baselineExpr ? baseSteps.steps : null,
      stepsComplete: c.e === baselineExpr,
    };
    if (best === null) {
      if (accepted) best = r;
      else if (++dropped > REPORTED_DROPPED && c.e !== baselineExpr) continue;
    } else afterBest++;
    candidates.push(r);
  }
  // A second opinion: the accepted form cheapest by the static cost table
  // (where the Judge errs, e.g. on forms unlike its training data).
  let cheapest = candidates.filter((c) => c.accepted).reduce<Ranked | null>(
    (a, c) => (a === null || c.staticCost < a.staticCost ? c : a),
    null,
  );
  const byCost = order.filter((c) => cheapest === null || c.cost < cheapest.staticCost)
    .sort((a, b) => a.cost - b.cost || a.ns - b.ns);
  for (const c of byCost) {
    if (candidates.some((x) => x.expr === c.e) || screenOf(c.e).maxUlp > limit) continue;
    const error = errorOf(c.e);
    if (error.maxUlp > limit) continue;
    cheapest = {
      expr: c.e,
      predictedNs: c.ns,
      staticCost: c.cost,
      error,
      accepted: true,
      steps: null,
      stepsComplete: false,
    };
    candidates.push(cheapest);
    break;
  }
  const baseline = candidates.find((c) => c.expr === baselineExpr)!;
  // The Pareto front over every form ranked, fastest first: a form enters
  // only with less error than every faster one, so one whose screen error
  // (a lower bound of its max) is no lower is skipped unchecked.
  const timeOf = (c: { ns: number; cost: number }) => o.rank === "judge" ? c.ns : c.cost;
  const known = new Map(candidates.map((c) => [c.expr, c]));
  let front: Front<Ranked> = frontOf([]);
  let minErr = Infinity;
  const byTime = [...order].sort((a, b) => timeOf(a) - timeOf(b) || a.cost - b.cost);
  for (const c of byTime) {
    let r = known.get(c.e);
    if (r !== undefined && r.error.n < baseError.n) {
      // A candidate the screen rejected has its screen error only: measure it in full.
      if (r.error.maxUlp >= minErr) continue;
      const full: Ranked = { ...r, error: errorOf(r.expr) };
      candidates[candidates.indexOf(r)] = full;
      known.set(r.expr, full);
      r = full;
    } else if (r === undefined) {
      if (screenOf(c.e).maxUlp >= minErr) continue;
      const error = errorOf(c.e);
      r = {
        expr: c.e,
        predictedNs: c.ns,
        staticCost: c.cost,
        error,
        accepted: error.maxUlp <= limit,
        steps: null,
        stepsComplete: false,
      };
    }
    if (r.error.maxUlp >= minErr) continue;
    minErr = r.error.maxUlp;
    front = insert(front, paretoPoint(r, timeOf({ ns: r.predictedNs, cost: r.staticCost })));
  }
  let picked: string | null = null;
  let chosen = best ?? baseline;
  const choice = o.pick !== undefined
    ? pickOnFront(front, o.pick, limit)
    : o.objective === "accuracy"
    ? mostAccurate(front, timeOf({ ns: baseline.predictedNs, cost: baseline.staticCost }), baseline.error.maxUlp)
    : null;
  if (choice !== null) {
    chosen = known.get(choice.expr) ?? choice;
    if (!candidates.includes(chosen)) candidates.push(chosen);
    picked = o.pick !== undefined
      ? `--pick ${pickText(o.pick)}: point ${front.findIndex((p) => p.item === choice) + 1} of ${front.length} ` +
        `on the front`
      : `objective accuracy: the least max error (within ${ACCURACY_SLACK_ULP} ulp) among forms predicted at most ` +
        `${ACCURACY_SLOWDOWN * 100}% slower than the input`;
  }
  let approximated: Approximated | null = null;
  if (picked === null && o.objective !== "accuracy" && o.approximate !== false) {
    for (const c of new Set([chosen, baseline, cheapest ?? chosen])) {
      const a = approximate(
        c.expr,
        ranges,
        o.costs,
        limit,
        o.maxUlp,
        (l) => errorOf(c.expr, l),
        (l) => screenError(c.expr, l),
      );
      if (a !== null && a.staticCost < (approximated?.staticCost ?? chosen.staticCost)) approximated = a;
    }
  }
  // Derivations for the forms a measured run may return (the best and its
  // alternatives), now: deriving on demand later would keep the search's
  // whole trajectory alive for as long as the result is.
  const derived = new Set([chosen, ...alternativeCandidates(candidates, chosen, baseline, ALTERNATIVES)]);
  const withSteps = candidates.map((c): Ranked => {
    if (c === baseline || !derived.has(c)) return c;
    const d = tidiedPool.get(c.expr)!.steps();
    return { ...c, steps: d.steps, stepsComplete: d.complete };
  });
  return {
    input,
    baseline,
    best: withSteps[candidates.indexOf(chosen)],
    dropped: picked === null ? dropped : 0,
    allowance: o.maxUlp,
    candidates: withSteps,
    front: frontOf(front.map((p) => ({ ...p, item: withSteps[candidates.indexOf(p.item)] ?? p.item }))),
    picked,
    approximated,
    shortlist: order.slice(0, o.finalJudge?.k ?? RERANK_K).map((c) => c.e),
    search: stats,
  };
}

function paretoPoint(r: Ranked, time: number): ParetoPoint<Ranked> {
  return { time, error: r.error.maxUlp, key: printFPCore(r.expr), item: r };
}

/** `--pick`: fastest is the fastest point within the guard; accurate and ulp<=N ignore the guard (they say the bound). */
function pickOnFront(front: Front<Ranked>, pick: FrontPick, limit: number): Ranked | null {
  if (pick.kind === "fastest") return front.find((p) => p.error <= limit)?.item ?? null;
  return pickPoint(front, pick)?.item ?? null;
}

/**
 * The accuracy objective's choice: among the front's points predicted at
 * most ACCURACY_SLOWDOWN slower than the input, the fastest whose max error
 * is within ACCURACY_SLACK_ULP of the least there and no more than the
 * input's.
 */
export function mostAccurate<T>(front: Front<T>, baseTime: number, baseError: number): T | null {
  const fast = front.filter((p) => p.time <= baseTime * (1 + ACCURACY_SLOWDOWN));
  if (fast.length === 0) return null;
  const least = Math.min(...fast.map((p) => p.error));
  const bound = Math.min(least + ACCURACY_SLACK_ULP, Math.max(least, baseError));
  return fast.find((p) => p.error <= bound)?.item ?? null;
}

/**
 * The accuracy search's forms (accurate.ts), from the input and the guided
 * search's best few, as found forms whose steps are their path from the
 * input (its derivatives written out first).
 */
function accurateForms(
  baselineExpr: Expr,
  input: Expr,
  ranges: Ranges,
  vars: readonly string[],
  screenCols: readonly Float32Array[],
  screenOf: (e: Expr) => ErrorStats,
  nw: Network,
  o: OptimizeOptions,
): Found[] {
  const prefix = baselineExpr === input ? [] : [ELIMINATE_D];
  const forms = accuracySearch([baselineExpr], {
    rules: o.rules,
    ranges,
    costs: o.costs,
    vars,
    columns: screenCols,
    errorOf: screenOf,
    timeMs: o.timeMs,
    budget: DEFAULT_ACCURACY_SEARCH.budget,
    costCap: staticCost(baselineExpr, o.costs) * DEFAULT_ACCURACY_SEARCH.costRatio,
    hot: DEFAULT_ACCURACY_SEARCH.hot,
    keep: DEFAULT_ACCURACY_SEARCH.keep,
  });
  const found = forms.map((f): Found => {
    const steps = { steps: [...prefix, ...f.steps], complete: true };
    return { expr: f.expr, visited: true, steps: () => steps };
  });
  // Accurate, then fast: the guided search from the most accurate forms that
  // beat the input finds their cheaper equals (log1p(exp x) -> log1p(exp2(x
  // log2 e)), keeping the accurate step), which the accuracy search, ordered
  // by error alone, need not visit. A quarter of the time each.
  const base = screenOf(baselineExpr).maxUlp;
  const seeds = forms.filter((f) => f.error.maxUlp <= base / 2).slice(0, FAST_FROM_ACCURATE);
  for (const seed of seeds) {
    const r = guidedSearch(seed.expr, nw, {
      rules: o.rules,
      ranges,
      costs: o.costs,
      budget: o.budget,
      timeMs: o.timeMs / 4,
      seed: o.seed,
      k: o.k,
    });
    for (const c of r.choices) {
      found.push({
        expr: c.expr,
        visited: c.path !== undefined,
        steps: () => {
          const path = c.path === undefined ? null : shortenPath(seed.expr, r.trajectory, c.path, c.expr);
          const d = path === null ? derive(seed.expr, r.trajectory, c.expr) : { steps: path, complete: true };
          return {
            steps: [...prefix, ...seed.steps, ...d.steps.map((k) => r.trajectory[k].rule)],
            complete: d.complete,
          };
        },
      });
    }
  }
  return found;
}

/** Accurate forms the guided search starts from again, for their cheaper equals. */
const FAST_FROM_ACCURATE = 2;

/** Accepted candidates timed next to the best with --measure, so derived here too. */
export const ALTERNATIVES = 3;

/**
 * The alternatives to `best` among `candidates`: the next accepted ones in
 * the ranking (up to n - 1) and the accepted one cheapest by the static
 * table (a second opinion where the Judge errs); never best or baseline.
 */
export function alternativeCandidates(
  candidates: readonly Ranked[],
  best: Ranked,
  baseline: Ranked,
  n: number,
): Ranked[] {
  const ok = candidates.filter((c) => c.accepted && c.expr !== best.expr && c.expr !== baseline.expr);
  if (ok.length === 0 || n <= 0) return [];
  const cheapest = ok.reduce((a, b) => (b.staticCost < a.staticCost ? b : a));
  return [...ok.filter((c) => c !== cheapest).slice(0, n - 1), cheapest];
}
