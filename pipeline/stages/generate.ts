/**
 * Stage `generate`: seeded random expressions as expression records.
 * With `fused`, the op mix includes the fused ops (fma, fms, fnma, rsqrt,
 * mulrsqrt, recip), i.e. expressions already in optimized form.
 */
import { freeVars } from "../expr/expr.ts";
import { printFPCore } from "../expr/print.ts";
import { DEFAULT_GEN, DEFAULT_MIX, FUSED_MIX, randomExpr, Rng } from "../expr/random.ts";
import type { ExpressionRecord } from "./schema.ts";

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
    const e = randomExpr(rng, { size: o.size, vars, mix: o.fused ? FUSED_MIX : DEFAULT_MIX, range });
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
