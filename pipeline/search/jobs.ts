/**
 * The optimizer over a list of jobs, as `optimize` and `compare` run it:
 * the search settings, one kernel's search, kernel after kernel, and the
 * forms timed beside the chosen one.
 */
import type { Expr } from "../expr/expr.ts";
import { endOfJob } from "../expr/expr.ts";
import type { Interval } from "../expr/interval.ts";
import { rangeOf, type Ranges } from "../expr/sample.ts";
import type { Network } from "../nnue/network.ts";
import type { Job } from "../records/job.ts";
import {
  alternativeCandidates,
  ALTERNATIVES,
  DEFAULT_OPTIMIZE,
  optimize,
  type OptimizeOptions,
  type OptimizeResult,
} from "./optimizer.ts";

/** How `optimize` searches (the optimizer's options); shared with `compare`. */
export type SearchSettings = OptimizeOptions;

/** The optimizer's defaults, with 2 s of search. */
export const DEFAULT_SEARCH: Omit<SearchSettings, "rules" | "costs"> = { ...DEFAULT_OPTIMIZE, timeMs: 2000 };

/**
 * Every variable's range (DEFAULT_RANGE where none is given): searched,
 * sampled and timed alike; of a job, or of an expression record.
 */
export function jobRanges(
  job: { readonly vars: readonly string[]; readonly ranges?: Ranges },
): Record<string, Interval> {
  return Object.fromEntries(job.vars.map((v) => [v, rangeOf(job.ranges, v) as Interval]));
}

/** Optimizes one kernel with the given settings. */
export function optimizeJob(job: Job, s: SearchSettings, nw: Network): OptimizeResult {
  return optimize(job.expr, job.vars, jobRanges(job), nw, {
    rules: s.rules,
    costs: s.costs,
    search: s.search,
    rank: s.rank,
    budget: s.budget,
    timeMs: s.timeMs,
    maxUlp: s.maxUlp,
    samples: s.samples,
    seed: s.seed,
    k: s.k,
    nodeLimit: s.nodeLimit,
    iterLimit: s.iterLimit,
    ...(s.objective !== undefined ? { objective: s.objective } : {}),
    ...(s.pick !== undefined ? { pick: s.pick } : {}),
    ...(s.approximate !== undefined ? { approximate: s.approximate } : {}),
    ...(s.finalJudge !== undefined ? { finalJudge: s.finalJudge } : {}),
  });
}

/** What `searchJobs` found per kernel: the search's result, and saturation's when asked. */
export interface JobResults {
  readonly results: OptimizeResult[];
  readonly saturated: (OptimizeResult | undefined)[];
}

/**
 * Optimizes kernel after kernel and, with `alsoSaturate`, runs saturation
 * on each too (its choice is timed as an alternative: measuredAlternatives).
 *
 * Between kernels it lets the event loop turn (endOfJob), so that the
 * nodes of earlier kernels' searches can be collected.
 */
export async function searchJobs(
  jobs: readonly Job[],
  settings: SearchSettings,
  nw: Network,
  alsoSaturate: boolean,
  progress?: (i: number, job: Job) => void,
): Promise<JobResults> {
  const results: OptimizeResult[] = [], saturated: (OptimizeResult | undefined)[] = [];
  for (const [i, job] of jobs.entries()) {
    if (i > 0) await endOfJob();
    progress?.(i, job);
    results.push(optimizeJob(job, settings, nw));
    saturated.push(
      alsoSaturate ? optimizeJob(job, { ...settings, search: "saturate", rank: "static" }, nw) : undefined,
    );
  }
  return { results, saturated };
}

/**
 * Forms timed next to the Judge's pick (measured.ts `decide` may return one
 * that measures clearly faster): the next accepted candidates in the
 * Judge's order, the accepted one cheapest by the static cost table (a
 * second opinion where the Judge is wrong), and, when given, the form
 * saturation chose (a third opinion from another search: on kernels where
 * both models mislead the guided search, saturation's form can measure
 * faster); never the input itself.
 */
export function measuredAlternatives(r: OptimizeResult, saturated?: OptimizeResult, n = ALTERNATIVES): Expr[] {
  const picked = alternativeCandidates(r.candidates, r.best, r.baseline, n).map((c) => c.expr);
  const other = saturated?.best.expr;
  if (other !== undefined && other !== r.best.expr && other !== r.baseline.expr && !picked.includes(other)) {
    picked.push(other);
  }
  return picked;
}
