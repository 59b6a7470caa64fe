/**
 * What a kernel's vector math calls see at run time: for each call, how
 * often a vector of its arguments holds a lane far from 0, non-finite, or
 * not positive. Vector math functions take a slow path (a scalar fallback
 * for the special lanes, a long argument reduction) for the whole vector
 * when one lane needs it, so the cost of a call depends on its arguments,
 * not only on its function: in the calibration data an `exp` whose
 * argument reaches 2^9 costs about 5 ns per element more than the same
 * call on small arguments, 20 times the call itself. The compiled code
 * cannot show it; the inputs the harness times on can.
 *
 * Arguments are computed in the float32 model on the harness's own inputs
 * (the kernel's ranges, the harness's seed), a vector being `lanes`
 * consecutive elements, as the kernel's loop takes them.
 */
import { type App, type Expr, postorder } from "../expr/expr.ts";
import { evaluateBatch } from "../expr/evaluate.ts";
import { OP_NAMES, type OpName, OPS } from "../expr/ops.ts";
import { type Ranges, sampleInputs } from "../expr/sample.ts";
import { INPUT_SEED } from "./measure.ts";

/** log2 of the magnitudes a vector's largest finite lane is counted at or above. */
const MAGNITUDES = [6, 9, 12, 16] as const;
const KINDS: readonly string[] = [...MAGNITUDES.map((m) => `>=2^${m}`), "nonfinite", "nonpositive"];
const CALLED: readonly OpName[] = OP_NAMES.filter((op) => OPS[op].libm !== null);

/** Feature names, `args:<op>:<kind>`, in the order of `callArgFeatures`' vector. */
export const CALL_ARG_FEATURES: readonly string[] = CALLED.flatMap((op) => KINDS.map((k) => `args:${op}:${k}`));
const BASE = new Map(CALLED.map((op, i) => [op, i * KINDS.length]));

/** Elements the arguments are sampled on: enough vectors that a fraction of 1/64 shows. */
export const CALL_ARG_SAMPLES = 2048;

/**
 * For each vector math op, summed over its calls (one per distinct node)
 * and their arguments: the fraction of vectors of `lanes` elements with a
 * lane of each kind.
 */
export function callArgFeatures(
  e: Expr,
  vars: readonly string[],
  ranges: Ranges | undefined,
  lanes: number,
): Float64Array {
  const x = new Float64Array(CALL_ARG_FEATURES.length);
  const calls = postorder(e).filter((n): n is App => n.tag === "app" && BASE.has(n.op));
  if (calls.length === 0) return x;
  const cols = sampleInputs(vars, ranges, CALL_ARG_SAMPLES, INPUT_SEED);
  const vectors = Math.floor(CALL_ARG_SAMPLES / lanes);
  for (const call of calls) {
    const base = BASE.get(call.op)!;
    for (const arg of call.args) {
      const v = evaluateBatch(arg, vars, cols, 32);
      for (let s = 0; s < vectors * lanes; s += lanes) {
        let largest = 0, nonfinite = false, nonpositive = false;
        for (let k = s; k < s + lanes; k++) {
          const a = v[k];
          if (!Number.isFinite(a)) nonfinite = true;
          else if (Math.abs(a) > largest) largest = Math.abs(a);
          if (!(a > 0)) nonpositive = true;
        }
        MAGNITUDES.forEach((m, i) => {
          if (largest >= 2 ** m) x[base + i] += 1 / vectors;
        });
        if (nonfinite) x[base + MAGNITUDES.length] += 1 / vectors;
        if (nonpositive) x[base + MAGNITUDES.length + 1] += 1 / vectors;
      }
    }
  }
  return x;
}
