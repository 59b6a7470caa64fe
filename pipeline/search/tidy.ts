/**
 * Tidying a form: the exact rules that only remove structure (the right side
 * is smaller than the left and is a bare hole or constant, or the left side
 * holds a 0, 1 or -1: `x * 1 => x`, `x - 0 => x`, `(fma 0 a b) => b`,
 * `(fma a b 0) => a * b`, `0 - x => -x`, `-(-x) => x`, `x - x => 0` where it
 * holds...) applied greedily, the cheapest result by the static cost table
 * first (fewer nodes on a tie), until none lowers either. Every step is
 * recorded.
 *
 * Why: a search guided by a learned cost model wanders into forms that
 * carry such dead weight when the model mispredicts them (a network trained
 * on real kernels never saw `x * 1`). The dead weight is never worth its
 * cost in compiled code, and removing it is exact (the rules are checked).
 *
 * @example
 * tidy(parseExpr("(+ (* x 1) 0)"), ALL_RULES, {}, REFERENCE_COSTS).steps;   // ["mul-one", "add-zero"]
 */
import { type CostTable, staticCost } from "../expr/cost.ts";
import { dagSize, type Expr, postorder } from "../expr/expr.ts";
import type { Ranges } from "../expr/sample.ts";
import type { Pattern } from "../rules/pattern.ts";
import type { Rule } from "../rules/rule.ts";
import { candidatesAt, NodeFacts, RuleIndex } from "./candidates.ts";
import { replaceNode } from "./rewrite.ts";

const size = (p: Pattern): number => (p.tag === "app" ? 1 + p.args.reduce((s, a) => s + size(a), 0) : 1);
const neutral = (p: Pattern): boolean =>
  p.tag === "const" ? p.value === 0 || p.value === 1 || p.value === -1 : p.tag === "app" && p.args.some(neutral);

/** The exact rules that remove structure (see the module comment). */
export function tidyRules(rules: readonly Rule[]): Rule[] {
  return rules.filter((r) => r.approx === null && size(r.rhs) < size(r.lhs) && (r.rhs.tag !== "app" || neutral(r.lhs)));
}

export interface Tidied {
  readonly expr: Expr;
  readonly steps: readonly string[];
}

/** Most steps; each removes at least one node, so forms of this size never need more. */
const MAX_STEPS = 500;

/**
 * A tidier for many forms of one kernel: the rule index and the node facts
 * (intervals, per hash-consed node) are built once and shared, since the
 * optimizer tidies hundreds of forms that share most of their subtrees.
 */
export function makeTidy(rules: readonly Rule[], ranges: Ranges, costs: CostTable): (e: Expr) => Tidied {
  const index = new RuleIndex(tidyRules(rules));
  const facts = new NodeFacts(ranges);
  // Lower static cost first, fewer nodes on a tie (fms a b 0 costs what a * b does).
  const better = (a: { cost: number; size: number }, b: { cost: number; size: number }) =>
    a.cost < b.cost - 1e-9 || (Math.abs(a.cost - b.cost) <= 1e-9 && a.size < b.size);
  return (e) => {
    let cur = { expr: e, cost: staticCost(e, costs), size: dagSize(e), rule: "" };
    const steps: string[] = [];
    for (let i = 0; i < MAX_STEPS; i++) {
      let next: typeof cur | null = null;
      for (const n of postorder(cur.expr)) {
        for (const c of candidatesAt(n, index, facts)) {
          const x = replaceNode(cur.expr, c.site, c.result);
          const cand = { expr: x, cost: staticCost(x, costs), size: dagSize(x), rule: c.rule.name };
          if (better(cand, next ?? cur)) next = cand;
        }
      }
      if (next === null) break;
      cur = next;
      steps.push(next.rule);
    }
    return { expr: cur.expr, steps };
  };
}

/** Tidies one form (see `makeTidy` for many). */
export function tidy(e: Expr, rules: readonly Rule[], ranges: Ranges, costs: CostTable): Tidied {
  return makeTidy(rules, ranges, costs)(e);
}
