/**
 * Stage `unfuse` (backward generation, after Lample and Charton): take an
 * expression already in optimized form and apply random reverse rewrites
 * (unfusing fmas, distributing, splitting rsqrt, expanding into pow...) so
 * that the pair (unfused, optimized) gives the search a known target and
 * the networks a known gain. Each step is a sound rule, so the pair is equal
 * in value; `steps` lists the rules in the order applied.
 */
import { type Expr } from "../expr/expr.ts";
import { parseExpr } from "../expr/fpcore.ts";
import { printFPCore } from "../expr/print.ts";
import { Rng } from "../expr/random.ts";
import type { Ranges } from "../expr/sample.ts";
import { postorder } from "../expr/expr.ts";
import { unfusingRules } from "../rules/cost.ts";
import type { Rule } from "../rules/rule.ts";
import { candidatesAt, NodeFacts, RuleIndex } from "./candidates.ts";
import { replaceNode } from "./rewrite.ts";
import type { ExpressionRecord } from "../records/schema.ts";
import { fnv1a32 } from "../base/hash.ts";

export interface Unfused {
  readonly expr: Expr;
  /** Rule names in the order applied (may be fewer than asked if nothing matched). */
  readonly steps: readonly string[];
}

/**
 * Applies up to `steps` random unfusing rewrites. A rewrite is chosen
 * uniformly among all (site, rule) matches whose preconditions hold over
 * `ranges`, so every step keeps the value on the input domain.
 */
export function unfuse(e: Expr, steps: number, rng: Rng, ranges: Ranges, rules: readonly Rule[]): Unfused {
  const index = new RuleIndex(unfusingRules(rules));
  const facts = new NodeFacts(ranges);
  const applied: string[] = [];
  let cur = e;
  for (let i = 0; i < steps; i++) {
    const all = postorder(cur).flatMap((n) => candidatesAt(n, index, facts));
    if (all.length === 0) break;
    const c = rng.pick(all);
    cur = replaceNode(cur, c.site, c.result);
    applied.push(c.rule.name);
  }
  return { expr: cur, steps: applied };
}

/** The unfused record: `expr` becomes the unfused form, `optimized` keeps the original. */
export function unfuseRecord(
  rec: ExpressionRecord,
  steps: number,
  seed: number,
  rules: readonly Rule[],
): ExpressionRecord & { optimized: string; steps: string[] } {
  const e = parseExpr(rec.expr, rec.vars);
  // Per-record seed: a record unfuses the same way wherever it sits in a stream.
  const rng = new Rng(seed ^ fnv1a32(rec.id));
  const u = unfuse(e, steps, rng, rec.ranges ?? {}, rules);
  return { ...rec, expr: printFPCore(u.expr), optimized: rec.expr, steps: [...u.steps] };
}
