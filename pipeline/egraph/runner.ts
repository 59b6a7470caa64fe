/**
 * Equality saturation (egg's run.rs): apply a rule set to an e-graph,
 * iteration after iteration, until nothing changes or a limit is reached.
 *
 * One iteration searches every (unbanned) rule on the rebuilt graph, then
 * applies all the matches, then rebuilds once. The run stops with
 *   "saturated"   an iteration changed nothing and no rule was banned;
 *   "node-limit"  the graph has more live e-nodes than `nodeLimit`;
 *   "iter-limit"  `iterLimit` iterations ran;
 *   "time-limit"  `timeLimitMs` passed.
 * Node and time limits are also checked while matches are being applied
 * (egg checks only between iterations, which lets one iteration overshoot
 * the node limit many times over), so a run ends close to its limits.
 *
 * Approximate rules (`approx` set) are left out unless `allowApprox`:
 * default off, because saturation treats every rule as an equality, and an
 * approximation merged into a class also feeds constant folding and the
 * intervals that decide other rules' preconditions. Searches that allow
 * them must check accuracy on the extracted result (the optimizer's ulp
 * check does).
 *
 * @example
 * const g = new EGraph({ ranges: { x: [0, 1] } });
 * const root = g.add(expr);
 * const report = runRules(g, rules, { nodeLimit: 100_000, timeLimitMs: 10_000 });
 * report.stopReason; // "saturated" | "node-limit" | "iter-limit" | "time-limit"
 */
import type { Rule } from "../rules/rule.ts";
import type { EGraph } from "./egraph.ts";
import type { Matches } from "./ematch.ts";
import { applyMatches, compileRule, type Rewrite, searchRule } from "./rewrite.ts";
import {
  type BackoffOptions,
  BackoffScheduler,
  DEFAULT_BACKOFF,
  type Scheduler,
  SimpleScheduler,
} from "./scheduler.ts";

export type StopReason = "saturated" | "node-limit" | "iter-limit" | "time-limit";

export interface RunOptions {
  readonly nodeLimit: number;
  readonly iterLimit: number;
  readonly timeLimitMs: number;
  /** Whether rules with an `approx` bound take part (default false). */
  readonly allowApprox: boolean;
  readonly scheduler: "backoff" | "simple";
  readonly backoff: BackoffOptions;
}

/** egg's defaults: 10,000 nodes, 30 iterations, 5 seconds. */
export const DEFAULT_RUN: RunOptions = {
  nodeLimit: 10_000,
  iterLimit: 30,
  timeLimitMs: 5_000,
  allowApprox: false,
  scheduler: "backoff",
  backoff: DEFAULT_BACKOFF,
};

export interface IterationStats {
  readonly iteration: number;
  /** Live e-nodes and classes after the iteration's rebuild. */
  readonly nodes: number;
  readonly classes: number;
  /** Matches to apply: those of the rules that were not banned. */
  readonly matches: number;
  /** Matches found by searches, also those of rules banned for too many. */
  readonly found: number;
  /** Nodes visited by searches (the matcher's work). */
  readonly steps: number;
  /** Matches whose precondition held and whose right side was added. */
  readonly applied: number;
  /** Unions by rule applications that merged two classes. */
  readonly unions: number;
  /** Unions found by rebuilding (congruence and constant folding). */
  readonly rebuildUnions: number;
  /** Rules banned during the iteration. */
  readonly banned: number;
  readonly searchMs: number;
  readonly applyMs: number;
  readonly rebuildMs: number;
  readonly ms: number;
}

export interface RunReport {
  readonly stopReason: StopReason;
  readonly iterations: readonly IterationStats[];
  readonly nodes: number;
  readonly classes: number;
  readonly ms: number;
  /** Rules that took part, and approximate rules left out. */
  readonly rules: number;
  readonly skippedApprox: number;
  /** Totals over the run, for throughput figures. */
  readonly matches: number;
  readonly found: number;
  readonly steps: number;
  readonly searchMs: number;
}

/** Runs the rules on `g` (which may hold several roots) until a stop reason. */
export function runRules(g: EGraph, rules: readonly (Rule | Rewrite)[], options: Partial<RunOptions> = {}): RunReport {
  const o: RunOptions = { ...DEFAULT_RUN, ...options };
  const all = rules.map((r) => ("rule" in r ? r : compileRule(r)));
  const rewrites = all.filter((rw) => o.allowApprox || rw.rule.approx === null);
  const scheduler: Scheduler = o.scheduler === "simple" ? new SimpleScheduler() : new BackoffScheduler(o.backoff);
  const start = performance.now();
  const deadline = start + o.timeLimitMs;
  const iterations: IterationStats[] = [];
  let stopReason: StopReason | null = null;
  let totalMatches = 0, totalFound = 0, totalSteps = 0, totalSearchMs = 0;
  if (!g.isClean) g.rebuild();
  for (let iter = 0; stopReason === null; iter++) {
    if (iter >= o.iterLimit) {
      stopReason = "iter-limit";
      break;
    }
    const t0 = performance.now();
    const before = g.version;
    const toApply: [Rewrite, Matches][] = [];
    let matches = 0, found = 0, steps = 0;
    for (let i = 0; i < rewrites.length; i++) {
      const rw = rewrites[i];
      const m = scheduler.search(iter, i, (limits) => {
        const r = searchRule(g, rw, { ...limits, deadline });
        found += r.count;
        steps += r.steps;
        return r;
      });
      if (m !== null && m.count > 0) {
        toApply.push([rw, m]);
        matches += m.count;
      }
      if (performance.now() > deadline) break;
    }
    const t1 = performance.now();
    let applied = 0, unions = 0;
    const stop = () => g.nodeCount > o.nodeLimit || performance.now() > deadline;
    for (const [rw, m] of toApply) {
      const r = applyMatches(g, rw, m, stop);
      applied += r.applied;
      unions += r.unions;
      if (r.stopped) break;
    }
    const t2 = performance.now();
    const rebuildUnions = g.rebuild();
    const t3 = performance.now();
    totalMatches += matches;
    totalFound += found;
    totalSteps += steps;
    totalSearchMs += t1 - t0;
    iterations.push({
      iteration: iter,
      nodes: g.nodeCount,
      classes: g.classCount,
      matches,
      found,
      steps,
      applied,
      unions,
      rebuildUnions,
      banned: scheduler.banned(iter),
      searchMs: t1 - t0,
      applyMs: t2 - t1,
      rebuildMs: t3 - t2,
      ms: t3 - t0,
    });
    if (g.nodeCount > o.nodeLimit) stopReason = "node-limit";
    else if (t3 > deadline) stopReason = "time-limit";
    else if (g.version === before && scheduler.canStop(iter)) stopReason = "saturated";
  }
  return {
    stopReason: stopReason!,
    iterations,
    nodes: g.nodeCount,
    classes: g.classCount,
    ms: performance.now() - start,
    rules: rewrites.length,
    skippedApprox: all.length - rewrites.length,
    matches: totalMatches,
    found: totalFound,
    steps: totalSteps,
    searchMs: totalSearchMs,
  };
}
