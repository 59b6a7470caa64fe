/**
 * A job: one kernel to optimize, parsed, with its ranges and the record it
 * came from. `optimize` makes jobs of its inputs, `compare` of its corpus.
 */
import type { Expr } from "../expr/expr.ts";
import { parseExpr } from "../expr/fpcore.ts";
import type { Interval } from "../expr/interval.ts";

/** One kernel to optimize. */
export interface Job {
  readonly id: string;
  readonly expr: Expr;
  readonly vars: readonly string[];
  /** Ranges as given (a variable without one is sampled over DEFAULT_RANGE). */
  readonly ranges: Readonly<Record<string, Interval>>;
  /** FPCore `:name` and `:pre`, kept for `--emit fpcore`. */
  readonly name?: string;
  readonly pre?: string;
  /** The record it came from (JSONL input), passed through. */
  readonly record?: Record<string, unknown>;
}

/** The fields of an expression record (or of a compare row) a job is made of. */
export interface JobSource {
  readonly id: string;
  readonly expr: string;
  readonly vars: readonly string[];
  readonly ranges?: Readonly<Record<string, readonly [number, number]>>;
  readonly name?: string;
  readonly pre?: string;
}

/** One kernel to optimize from a record's fields; parse errors throw. */
export function jobOf(rec: JobSource): Job {
  return {
    id: rec.id,
    expr: parseExpr(rec.expr, rec.vars),
    vars: rec.vars,
    ranges: Object.fromEntries(Object.entries(rec.ranges ?? {}).map(([k, r]) => [k, [r[0], r[1]] as const])),
    ...(rec.name !== undefined ? { name: rec.name } : {}),
    ...(rec.pre !== undefined ? { pre: rec.pre } : {}),
  };
}
