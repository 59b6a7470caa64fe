/** Float32 batch evaluation in C, through the library's bytecode interpreter. */
import { type Expr } from "../expr/expr.ts";
import { toBytecode } from "../expr/bytecode.ts";
import { kopt } from "./lib.ts";

/**
 * Values of `e` at `n` points in float32, computed in C. `columns[i]` holds
 * variable `vars[i]` (rounded to float32 on the way in).
 */
export function evaluateBatchC(
  e: Expr,
  vars: readonly string[],
  columns: readonly ArrayLike<number>[],
): Float32Array {
  const n = columns.length > 0 ? columns[0].length : 1;
  const bc = toBytecode(e, vars);
  const inputs = new Float32Array(Math.max(1, vars.length * n));
  columns.forEach((c, i) => inputs.set(c, i * n));
  const out = new Float32Array(n);
  const rc = kopt().kopt_eval_f32(
    bc.code,
    bc.ninstr,
    bc.consts.length > 0 ? bc.consts : new Float32Array(1),
    inputs,
    vars.length,
    out,
    BigInt(n),
  );
  if (rc !== 0) throw new Error("kopt_eval_f32 refused the program");
  return out;
}
