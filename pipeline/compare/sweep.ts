/**
 * Search quality against the number of rules, for guided search and for
 * saturation: each method runs with the first N rules of the domain
 * round-robin order (rulesRoundRobin: every prefix spans the domains) on a
 * few kernels, with the same time limit; the chosen forms of every method
 * and rule count are then timed in ONE harness run against our code of the
 * original. Quality is the measured speedup over the original (and the
 * Judge's predicted one). Saturation's e-graph grows with the rules until
 * it stops at its node limit before reaching the good forms; the guided
 * search is meant to keep improving.
 */
import type { PlanOptions } from "../kernel/timing_plan.ts";
import type { Network } from "../nnue/network.ts";
import { rulesRoundRobin } from "../rules/all.ts";
import { jobRanges, optimizeJob, type SearchSettings } from "../search/jobs.ts";
import { type Job } from "../records/job.ts";
import { measureKernels, OPTIMIZED, ORIGINAL } from "./measured.ts";
import type { SweepPoint } from "./results.ts";

export const DEFAULT_SWEEP_RULES: readonly number[] = [10, 25, 50, 100, 200, 0];

export interface SweepOptions {
  readonly settings: Omit<SearchSettings, "search" | "rank" | "rules">;
  /** Rule counts; 0 means every exact rule. */
  readonly counts: readonly number[];
  readonly plan: Omit<PlanOptions, "progress">;
  readonly progress?: (message: string) => void;
}

/** Every `step`-th of `xs`, `n` of them (all if n >= length). */
export function spread<T>(xs: readonly T[], n: number): T[] {
  if (n <= 0 || n >= xs.length) return [...xs];
  return Array.from({ length: n }, (_, i) => xs[Math.floor((i * xs.length) / n)]);
}

export async function runSweep(jobs: readonly Job[], nw: Network, o: SweepOptions): Promise<SweepPoint[]> {
  const all = rulesRoundRobin();
  const counts = [...new Set(o.counts.map((c) => (c <= 0 || c > all.length ? all.length : c)))].sort((a, b) => a - b);
  const runs: {
    method: "guided" | "saturate";
    rules: number;
    job: Job;
    timeMs: number;
    pred: number;
    expr: Job["expr"];
  }[] = [];
  for (const count of counts) {
    for (const method of ["guided", "saturate"] as const) {
      o.progress?.(`sweep: ${method} with ${count} rules on ${jobs.length} kernels`);
      for (const job of jobs) {
        const r = optimizeJob(job, {
          ...o.settings,
          search: method,
          rank: method === "guided" ? "judge" : "static",
          rules: all.slice(0, count),
        }, nw);
        runs.push({
          method,
          rules: count,
          job,
          timeMs: r.search.timeMs,
          pred: r.baseline.predictedNs / r.best.predictedNs,
          expr: r.best.expr,
        });
      }
    }
  }
  // One group per kernel: the original and every chosen form, each built once.
  const measured = await measureKernels(
    jobs.map((job) => ({
      vars: job.vars,
      ranges: jobRanges(job),
      original: job.expr,
      optimized: job.expr,
      extra: runs.filter((x) => x.job === job).map((x) => ({ label: `${x.method}/${x.rules}`, expr: x.expr })),
    })),
    { ...o.plan, maxUlp: o.settings.maxUlp, peers: [], progress: o.progress },
  );
  return runs.map((x) => {
    const m = measured[jobs.indexOf(x.job)];
    const base = m.cells[ORIGINAL], c = m.cells[`${x.method}/${x.rules}`] ?? m.cells[OPTIMIZED];
    return {
      method: x.method,
      rules: x.rules,
      id: x.job.id,
      timeMs: x.timeMs,
      predictedSpeedup: x.pred,
      measuredSpeedup: base?.ok && c?.ok ? base.ratio / c.ratio : null,
    };
  });
}
