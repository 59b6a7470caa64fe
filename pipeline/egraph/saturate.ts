/**
 * The saturation path as one call: put an expression in a fresh e-graph, run
 * the rules to a stop reason, extract the k cheapest trees, and choose the
 * one with the lowest static cost, never worse than the input's.
 *
 * Greedy and k-best extraction rank by tree cost; the static cost model
 * (`pipeline/expr/cost.ts`) counts shared subexpressions once, so the final
 * choice among the k trees is by static cost (ties: the smaller tree cost,
 * then extraction order). If no tree is cheaper than the input, the input
 * is the result (`improved` is false). An input with derivatives `(d x e)`
 * has them eliminated only if the derivative rules ran far enough; the
 * result says whether any `d` is left (each costs 1000 in the op table, so
 * extraction avoids them whenever it can).
 *
 * The e-graph's intervals come from `ranges`; a variable without a range is
 * unbounded there, so preconditions such as (> ?x 0) hold only when the
 * ranges prove them. Callers that sample accuracy over a default range
 * should pass that range here too.
 *
 * @example
 * const r = saturateAndExtract(parseInfix("x*1 + 0"), { rules: ALL_RULES });
 * printInfix(r.best); // "x"
 */
import { type CostTable, staticCost } from "../expr/cost.ts";
import { type Expr, hasDerivative } from "../expr/expr.ts";
import type { Interval } from "../expr/interval.ts";
import type { Rule } from "../rules/rule.ts";
import { EGraph } from "./egraph.ts";
import { Extractor } from "./extract.ts";
import { kBest, type Ranked } from "./kbest.ts";
import { DEFAULT_RUN, type RunOptions, type RunReport, runRules, type StopReason } from "./runner.ts";

export interface SaturateOptions extends Partial<RunOptions> {
  readonly rules: readonly Rule[];
  /** Input ranges, for the intervals that decide preconditions. */
  readonly ranges?: Readonly<Record<string, Interval>>;
  /** Trees to extract (default 10). */
  readonly k?: number;
  /** The static table extraction minimizes. */
  readonly costs: CostTable;
}

export interface SaturateResult {
  readonly input: Expr;
  /** The cheapest expression found by static cost, or the input. */
  readonly best: Expr;
  readonly inputCost: number;
  readonly bestCost: number;
  /** Whether `best` is cheaper than the input (otherwise it is the input). */
  readonly improved: boolean;
  /** Whether `best` still contains a derivative `(d x e)`. */
  readonly derivativesLeft: boolean;
  /** The k cheapest trees by tree cost, with their static costs. */
  readonly ranked: readonly Ranked[];
  /** The same trees as expressions (what a re-ranker consumes). */
  readonly extracted: readonly Expr[];
  readonly stopReason: StopReason;
  /** Rule applications over the run. */
  readonly applied: number;
  readonly report: RunReport;
  /** Merges of different exact constants (0 unless a rule is unsound). */
  readonly conflicts: number;
  /** Milliseconds spent extracting (after the run). */
  readonly extractMs: number;
}

export function saturateAndExtract(input: Expr, options: SaturateOptions): SaturateResult {
  const { rules, ranges, k = 10, ...run } = options;
  const g = new EGraph({ ranges: ranges ?? {} });
  const root = g.add(input);
  const report = runRules(g, rules, { ...DEFAULT_RUN, ...run });
  const t0 = performance.now();
  const ranked = kBest(g, root, k, new Extractor(g, options.costs.byKind));
  const extractMs = performance.now() - t0;
  const inputCost = staticCost(input, options.costs);
  let choice: Ranked | null = null;
  for (const r of ranked) {
    if (choice === null || r.staticCost < choice.staticCost) choice = r;
  }
  const improved = choice !== null && choice.staticCost < inputCost;
  const best = improved ? choice!.expr : input;
  return {
    input,
    best,
    inputCost,
    bestCost: improved ? choice!.staticCost : inputCost,
    improved,
    derivativesLeft: hasDerivative(best),
    ranked,
    extracted: ranked.map((r) => r.expr),
    stopReason: report.stopReason,
    applied: report.iterations.reduce((s, it) => s + it.applied, 0),
    report,
    conflicts: g.conflicts,
    extractMs,
  };
}
