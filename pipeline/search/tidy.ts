/**
 * Tidying a form: the exact rules that only remove structure (the right side
 * is smaller than the left and is a bare hole or constant, or the left side
 * holds a 0, 1 or -1, or it folds a negation away: `x * 1 => x`,
 * `x - 0 => x`, `(fma 0 a b) => b`, `(fma a b 0) => a * b`, `0 - x => -x`,
 * `-(-x) => x`, `a + -b => a - b`, `x - x => 0` where it holds...), and ops
 * on constants whose value is exact, applied greedily, the cheapest result
 * by the static cost table first (fewer nodes on a tie), until none lowers
 * either. Every step is recorded.
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
import { type Const, dagSize, type Expr, num, postorder } from "../expr/expr.ts";
import type { OpName } from "../expr/ops.ts";
import { foldExact } from "../egraph/exactfold.ts";
import type { Ranges } from "../expr/sample.ts";
import type { Pattern } from "../rules/pattern.ts";
import type { Rule } from "../rules/rule.ts";
import { candidatesAt, NodeFacts, RuleIndex } from "./candidates.ts";
import { replaceNode } from "./rewrite.ts";

const size = (p: Pattern): number => (p.tag === "app" ? 1 + p.args.reduce((s, a) => s + size(a), 0) : 1);
const neutral = (p: Pattern): boolean =>
  p.tag === "const" ? p.value === 0 || p.value === 1 || p.value === -1 : p.tag === "app" && p.args.some(neutral);

const negs = (p: Pattern): number =>
  p.tag === "app" ? (p.op === "neg" ? 1 : 0) + p.args.reduce((s, a) => s + negs(a), 0) : 0;

/** Ops as instructions: the fused multiply-adds are one instruction with sign variants. */
const FUSED: ReadonlySet<OpName> = new Set<OpName>(["fma", "fms", "fnma"]);
const ops = (p: Pattern, out = new Set<string>()): Set<string> => {
  if (p.tag === "app") {
    out.add(FUSED.has(p.op) ? "fma" : p.op);
    p.args.forEach((a) => ops(a, out));
  }
  return out;
};
/**
 * Whether a rule brings in an op its left side does not have: a choice of
 * instructions, not dead weight. A `-` is not one: it is the add and the
 * negation it replaces (`a + -b => a - b`).
 */
const newOps = (r: Rule): boolean => {
  const before = ops(r.lhs);
  return [...ops(r.rhs)].some((op) => !before.has(op) && op !== "-");
};

/** The exact rules that remove structure (see the module comment). */
export function tidyRules(rules: readonly Rule[]): Rule[] {
  return rules.filter((r) =>
    r.approx === null && size(r.rhs) < size(r.lhs) &&
    (r.rhs.tag !== "app" || neutral(r.lhs) || (negs(r.rhs) < negs(r.lhs) && !newOps(r)))
  );
}

export interface Tidied {
  readonly expr: Expr;
  readonly steps: readonly string[];
}

/** The step that replaces an op on constants by its value (`(neg 0.5)`: -0.5). */
export const FOLD_STEP = "fold-constant";

/**
 * The constant an op on constants computes, when float64 gives it exactly
 * (egraph/exactfold.ts): rounding that once to float32 is what the kernel's
 * float32 op computes, so folding is exact for the kernel too.
 */
function foldConstants(n: Expr): Expr | null {
  if (n.tag !== "app" || n.args.length === 0) return null;
  const args = n.args.filter((a): a is Const => a.tag === "const");
  if (args.length !== n.args.length) return null;
  const v = foldExact(n.op, args.map((a) => a.value));
  return v === null ? null : num(v);
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
      const moves: [site: Expr, result: Expr, rule: string][] = [];
      for (const n of postorder(cur.expr)) {
        const folded = foldConstants(n);
        if (folded !== null) moves.push([n, folded, FOLD_STEP]);
        for (const c of candidatesAt(n, index, facts)) moves.push([c.site, c.result, c.rule.name]);
      }
      let next: typeof cur | null = null;
      for (const [site, result, rule] of moves) {
        const x = replaceNode(cur.expr, site, result);
        const cand = { expr: x, cost: staticCost(x, costs), size: dagSize(x), rule };
        if (better(cand, next ?? cur)) next = cand;
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
