/** Search inputs the search tests share: random expressions, and unfused ones with a known faster form. */
import type { Expr } from "../../pipeline/expr/expr.ts";
import { randomFusedExpr } from "../../pipeline/expr/fused.ts";
import { DEFAULT_MIX, randomExpr, type Rng } from "../../pipeline/expr/random.ts";
import { ALL_RULES } from "../../pipeline/rules/all.ts";
import { unfuse } from "../../pipeline/search/unfuse.ts";

export const VARS = ["x", "y", "z"];
export const RANGES = { x: [0.5, 4], y: [0.5, 4], z: [0.5, 4] } as const;

/** Input `i` of a test run: a random expression when i is even, an unfused random fused one when odd. */
export function searchInput(rng: Rng, i: number): Expr {
  return i % 2 === 0
    ? randomExpr(rng, { size: 10, vars: VARS, mix: DEFAULT_MIX, range: [0.5, 4] })
    : unfuse(randomFusedExpr(rng, { vars: VARS }), 5, rng, RANGES, ALL_RULES).expr;
}
