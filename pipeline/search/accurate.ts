/**
 * Accuracy search: best-first on error instead of on cost. The guided
 * search descends the cost table, so it walks past forms that are more
 * accurate at the same speed (`(e^x - 1) / log(e^x)` never reaches
 * `expm1(x) / x`: the step `log(e^x) -> x` makes the form much less
 * accurate before `e^x - 1 -> expm1(x)` makes it accurate again, and the
 * cheaper `exp2` form wins on cost). This search keeps the forms ordered
 * by their error on the screening samples and rewrites each where its
 * error is made (local_error.ts: the few nodes with the most local error,
 * and their parents), in the spirit of Herbie's main loop. Forms much
 * slower than the input are not followed (a static-cost cap), since the
 * caller wants accuracy at no loss of speed.
 */
import { staticCost } from "../expr/cost.ts";
import type { CostTable } from "../expr/cost.ts";
import { type Expr, postorder } from "../expr/expr.ts";
import type { Ranges } from "../expr/sample.ts";
import type { ErrorStats } from "../expr/ulp.ts";
import type { Rule } from "../rules/rule.ts";
import { candidatesAt, NodeFacts, RuleIndex } from "./candidates.ts";
import { MaxHeap } from "./heap.ts";
import { localErrors } from "./local_error.ts";
import { parentIndex, replaceNode } from "./rewrite.ts";

export interface AccuracySearchOptions {
  readonly rules: readonly Rule[];
  readonly ranges: Ranges;
  readonly costs: CostTable;
  readonly vars: readonly string[];
  /** The screening samples (one column per var), for local error. */
  readonly columns: readonly ArrayLike<number>[];
  /** A form's error on the screening samples (the caller memoizes). */
  readonly errorOf: (e: Expr) => ErrorStats;
  readonly timeMs: number;
  /** Most forms evaluated. */
  readonly budget: number;
  /** Forms costlier than this (static table) are not kept or followed. */
  readonly costCap: number;
  /** Nodes with the most local error rewritten per state (with their parents). */
  readonly hot: number;
  /** Forms returned: the most accurate ones. */
  readonly keep: number;
}

export const DEFAULT_ACCURACY_SEARCH = { budget: 20_000, hot: 3, keep: 200, costRatio: 1.5 } as const;

export interface AccurateForm {
  readonly expr: Expr;
  readonly error: ErrorStats;
  /** Rules applied from its seed, in order. */
  readonly steps: readonly string[];
}

/** Lower is better: bits of the max error plus mean bits (the mean tells apart forms of equal max). */
function score(s: ErrorStats): number {
  return Math.log2(1 + s.maxUlp) + s.meanBits;
}

/** Best-first on error from `seeds`; returns the `keep` most accurate forms reached (seeds included). */
export function accuracySearch(seeds: readonly Expr[], o: AccuracySearchOptions): AccurateForm[] {
  const t0 = performance.now();
  const index = new RuleIndex(o.rules.filter((r) => r.approx === null));
  const facts = new NodeFacts(o.ranges);
  const heap = new MaxHeap<AccurateForm>();
  const seen = new Map<Expr, AccurateForm>();
  let evaluated = 0;
  const visit = (expr: Expr, steps: readonly string[]) => {
    if (seen.has(expr)) return;
    const f: AccurateForm = { expr, error: o.errorOf(expr), steps };
    evaluated++;
    seen.set(expr, f);
    heap.push(f, -score(f.error) - 1e-6 * staticCost(expr, o.costs));
  };
  for (const s of seeds) visit(s, []);
  while (heap.size > 0 && evaluated < o.budget && performance.now() - t0 < o.timeMs) {
    const cur = heap.pop()!;
    for (const site of hotSites(cur.expr, o)) {
      for (const c of candidatesAt(site, index, facts)) {
        const next = replaceNode(cur.expr, c.site, c.result);
        if (seen.has(next) || staticCost(next, o.costs) > o.costCap) continue;
        visit(next, [...cur.steps, c.rule.name]);
        if (evaluated >= o.budget) break;
      }
    }
  }
  return [...seen.values()].sort((a, b) => score(a.error) - score(b.error)).slice(0, o.keep);
}

/** The `hot` operation nodes with the most local error, and their parents (a rule rooted there sees them). */
function hotSites(e: Expr, o: AccuracySearchOptions): Expr[] {
  const local = localErrors(e, o.vars, o.columns);
  const ops = postorder(e).filter((n) => n.tag === "app" && local.has(n.id));
  // Most local error first; on a tie the node nearer the root (later in post-order).
  const ranked = ops.map((n, i) => ({ n, i, bits: local.get(n.id)! }))
    .sort((a, b) => b.bits - a.bits || b.i - a.i)
    .slice(0, o.hot)
    .map((x) => x.n);
  const parents = parentIndex(e);
  const out = new Map<number, Expr>();
  for (const n of ranked) {
    out.set(n.id, n);
    for (const p of parents.get(n.id) ?? []) out.set(p.id, p);
  }
  return [...out.values()];
}
