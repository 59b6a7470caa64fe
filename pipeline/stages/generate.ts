/**
 * Stage `generate`: seeded random expressions as expression records.
 * With `fused`, expressions are built from optimized shapes (Horner and dot
 * products as fma chains, mulrsqrt/rsqrt normalization, factored forms;
 * see `expr/fused.ts`): the start of backward data generation.
 */
import { freeVars } from "../expr/expr.ts";
import { printFPCore } from "../expr/print.ts";
import { DEFAULT_GEN, DEFAULT_MIX, randomExpr, Rng } from "../expr/random.ts";
import { randomFusedExpr } from "../expr/fused.ts";
import type { ExpressionRecord } from "../records/schema.ts";

export interface GenerateOptions {
  readonly count: number;
  readonly seed: number;
  readonly fused: boolean;
  /** Target number of ops per expression. */
  readonly size: number;
  readonly varCount: number;
}

export const GENERATE_DEFAULTS: GenerateOptions = {
  count: 10,
  seed: 1,
  fused: false,
  size: DEFAULT_GEN.size,
  varCount: 3,
};

const VAR_NAMES = ["x", "y", "z", "w", "u", "v", "s", "t"];

/** The records, one per expression, ids `gen-<seed>-<i>`. */
export function* generateRecords(o: GenerateOptions): Generator<ExpressionRecord> {
  const rng = new Rng(o.seed);
  const vars = VAR_NAMES.slice(0, o.varCount);
  const range = DEFAULT_GEN.range;
  for (let i = 0; i < o.count; i++) {
    // For fused shapes, `size` sets how deeply shapes nest (about 6 ops per level).
    const e = o.fused
      ? randomFusedExpr(rng, { vars, range, depth: Math.max(1, Math.round(o.size / 6)) })
      : randomExpr(rng, { size: o.size, vars, mix: DEFAULT_MIX, range });
    const used = freeVars(e);
    const ordered = vars.filter((n) => used.includes(n));
    yield {
      id: `gen-${o.seed}-${i}`,
      expr: printFPCore(e),
      vars: ordered,
      ranges: Object.fromEntries(ordered.map((n) => [n, [range[0], range[1]] as [number, number]])),
      source: `generate --seed ${o.seed}${o.fused ? " --fused" : ""}`,
      tags: o.fused ? ["random", "fused"] : ["random"],
    };
  }
}
