/**
 * Variants from the search itself, for calibration's later rounds (active
 * learning): the Judge is used on the forms the optimizer shortlists (the
 * first forms of its order, `OptimizeResult.shortlist`), which are close
 * to each other in speed and unlike the random rule walks of the first
 * round. This stage runs `optimize` on each kernel with the network being
 * trained and emits the shortlist as variant records, so the next training
 * sees exactly the choices the Judge gets wrong in use.
 *
 * Each round's forms of a kernel form their own group (`of` = `k@searchN`):
 * they are timed in one harness run, so they compare like with like; the
 * split by kernel puts the group on kernel `k`'s side (judge_data.ts
 * `kernelOf`).
 */
import { REFERENCE_COSTS, staticCost } from "../expr/cost.ts";
import { parseExpr } from "../expr/fpcore.ts";
import { printFPCore } from "../expr/print.ts";
import type { Network } from "../nnue/network.ts";
import { mapRecords } from "../records/jsonl.ts";
import { ErrorRecord, type ExpressionRecord, type JsonObject } from "../records/schema.ts";
import { ALL_RULES } from "../rules/all.ts";
import type { CostTable } from "../expr/cost.ts";
import { optimize } from "../search/optimizer.ts";
import { jobRanges } from "../search/jobs.ts";
import { commutativeKey } from "../search/variants.ts";

export interface SearchVariantOptions {
  /** The round, in the group ids (`k@search<round>`). */
  readonly round: number;
  /**
   * Rewrites the search applies per kernel: a budget, not a time limit, so
   * that a round gives the same shortlists on a rerun (and the benchmark
   * cache answers them).
   */
  readonly budget: number;
  /** The target's table for our code (what optimize searches with). */
  readonly costs: CostTable;
  readonly seed: number;
}

/** The shortlist of one kernel as variant records (none when it holds fewer than two distinct forms). */
export function searchVariantRecords(
  rec: ExpressionRecord,
  nw: Network,
  o: SearchVariantOptions,
): JsonObject[] {
  const input = parseExpr(rec.expr, rec.vars);
  const ranges = jobRanges(rec);
  const r = optimize(input, rec.vars, ranges, nw, {
    rules: ALL_RULES,
    costs: o.costs,
    budget: o.budget,
    // The budget ends the search; the time limit is a guard only.
    timeMs: 60_000,
    seed: o.seed,
    approximate: false,
    samples: 1000,
  });
  // Forms that differ only in operand order compile alike: one of each.
  const seen = new Set<string>();
  const forms = r.shortlist.filter((e) => {
    const k = commutativeKey(e);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  if (forms.length < 2) return [];
  const of = `${rec.id}@search${o.round}`;
  const { id: _id, expr: _expr, optimized: _o, steps: _s, ...rest } = rec;
  return forms.map((e, k) => ({
    ...rest,
    id: `${of}#v${k}`,
    of,
    expr: printFPCore(e),
    how: `search:${k}`,
    static_cost: staticCost(e, REFERENCE_COSTS),
  }));
}

/** The stage as a stream: a kernel in, its shortlist out; a record with an error passes, a failure becomes one. */
export function searchVariantsStage(
  nw: Network,
  o: SearchVariantOptions,
): TransformStream<ExpressionRecord, JsonObject> {
  return mapRecords((rec: ExpressionRecord): JsonObject[] => {
    const failed = ErrorRecord.safeParse(rec);
    if (failed.success) return [failed.data];
    try {
      return searchVariantRecords(rec, nw, o);
    } catch (e) {
      return [{ ...rec, error: { stage: "search-variants", message: (e as Error).message } }];
    }
  });
}
