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

/** Forms with identical error statistics expanded at most this many times (see the loop). */
const SAME_ERROR_EXPANSIONS = 2;

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
  const heap = new MaxHeap<{ f: AccurateForm; score: number; detour: boolean }>();
  const seen = new Map<Expr, AccurateForm>();
  let evaluated = 0;
  /**
   * A form worse than the one it came from may lead somewhere better in one
   * more step (log(e^x) -> x costs accuracy until e^x - 1 -> expm1(x)): it
   * is queued at its parent's score once (a detour); a detour's own worse
   * children are queued at their own score.
   */
  const visit = (expr: Expr, steps: readonly string[], parent: { score: number; detour: boolean } | null) => {
    if (seen.has(expr)) return;
    const f: AccurateForm = { expr, error: o.errorOf(expr), steps };
    evaluated++;
    seen.set(expr, f);
    const own = score(f.error);
    const detour = parent !== null && !parent.detour && own > parent.score;
    const at = detour ? parent.score : own;
    heap.push({ f, score: own, detour }, -at - 1e-6 * staticCost(expr, o.costs));
  };
  for (const s of seeds) visit(s, [], null);
  const expanded = new Map<string, number>();
  while (heap.size > 0 && evaluated < o.budget && performance.now() - t0 < o.timeMs) {
    const top = heap.pop()!;
    const cur = top.f;
    // Forms with exactly the same errors are mostly rearrangements that
    // compute the same values (a + b and b + a): expanding every one of them
    // would spend the budget before any worse-then-better path is tried.
    const sig = `${cur.error.maxUlp}/${cur.error.meanUlp}/${cur.error.meanBits}`;
    const times = expanded.get(sig) ?? 0;
    if (times >= SAME_ERROR_EXPANSIONS) continue;
    expanded.set(sig, times + 1);
    for (const site of hotSites(cur.expr, o)) {
      for (const c of candidatesAt(site, index, facts)) {
        const next = replaceNode(cur.expr, c.site, c.result);
        if (seen.has(next) || staticCost(next, o.costs) > o.costCap) continue;
        visit(next, [...cur.steps, c.rule.name], top);
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
