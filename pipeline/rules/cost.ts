/**
 * Static cost of a rule's sides: the op-table cost of the ops a pattern
 * builds (holes cost nothing: they are the same on both sides). A rule
 * whose right side costs more than its left, or that splits a fused op at no
 * cost, is an "unfusing" rule: what backward data generation applies.
 */
import { OPS } from "../expr/ops.ts";
import type { Pattern } from "./pattern.ts";
import type { Rule } from "./rule.ts";

export function patternCost(p: Pattern): number {
  if (p.tag !== "app") return 0;
  return OPS[p.op].throughput + p.args.reduce((s, a) => s + patternCost(a), 0);
}

/** Cost added by applying the rule once (negative: it saves). */
export function ruleCostDelta(r: Rule): number {
  return patternCost(r.rhs) - patternCost(r.lhs);
}

/**
 * Domains whose costlier rewrites are the "unfusing" of BWD generation:
 * unfusing fmas, distributing, expanding powers and splitting rsqrt/recip.
 * (Newton-step and trig/exp identities also cost more, but they are not
 * what an optimizer undoes: they would only make monsters.)
 */
const UNFUSING_DOMAINS = new Set(["algebra", "fma", "strength", "rsqrt", "vector"]);

/**
 * The reverse rewrites of BWD generation: rules that make an expression
 * costlier, and those that split a fused op into the ops it costs (an fma
 * into a multiply and an add: no dearer by the table on this machine, see
 * ops.ts, but the form the fused original was made to avoid).
 */
export function unfusingRules(rules: readonly Rule[]): readonly Rule[] {
  return rules.filter((r) => {
    if (!UNFUSING_DOMAINS.has(r.domain) || r.approx !== null || usesDerivative(r)) return false;
    const delta = ruleCostDelta(r);
    return delta > 0 || (delta === 0 && fusedOps(r.lhs) > fusedOps(r.rhs));
  });
}

/** Fused ops (fma, rsqrt...) a pattern builds. */
function fusedOps(p: Pattern): number {
  if (p.tag !== "app") return 0;
  return (OPS[p.op].class === "fused" ? 1 : 0) + p.args.reduce((s, a) => s + fusedOps(a), 0);
}

function usesDerivative(r: Rule): boolean {
  const walk = (p: Pattern): boolean => p.tag === "app" && (p.op === "d" || p.args.some(walk));
  return walk(r.lhs) || walk(r.rhs);
}
