/**
 * Accuracy of a compiled kernel: its float32 outputs against the float64
 * reference evaluation of the same expression on the same sampled inputs,
 * in ulps (pipeline/expr/ulp.ts).
 */
import { evaluateBatch } from "../expr/evaluate.ts";
import type { Expr } from "../expr/expr.ts";
import { type ErrorStats, errorStats } from "../expr/ulp.ts";

/** Error of `outputs` against the float64 value of `e` at `inputs` (one column per var). */
export function kernelAccuracy(
  e: Expr,
  vars: readonly string[],
  inputs: readonly Float32Array[],
  outputs: Float32Array,
): ErrorStats {
  let reference = evaluateBatch(e, vars, inputs, 64);
  // Without variables the evaluator gives one value; the kernel wrote it n times.
  if (reference.length !== outputs.length) reference = new Float64Array(outputs.length).fill(reference[0]);
  return errorStats(outputs, reference);
}
