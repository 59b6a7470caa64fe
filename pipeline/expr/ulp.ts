/**
 * Accuracy measures for float32 results against the float64 reference.
 *
 * `ulpDistance` counts the float32 values between the result and the
 * reference rounded to float32 (0 means correctly rounded). It is the
 * integer distance of the two values on the ordered float32 line, so it is
 * defined across zero and for infinities. Two NaNs are 0 apart; a NaN and a
 * number are `MAX_ULPS` apart.
 *
 * `bitsOfError` is Herbie's measure, log2(1 + ulps): 0 for exact, 32 for
 * entirely wrong; averaging it is meaningful where averaging ulps is not.
 */
import { f32 } from "./ops.ts";

export const MAX_ULPS = 2 ** 32;

const F = new Float32Array(1);
const I = new Int32Array(F.buffer);

/** Position of a float32 on the ordered line (monotone, -0 == +0). */
export function ordinal32(x: number): number {
  F[0] = x;
  const i = I[0];
  // Negative floats have the sign bit: map them below zero, mirrored.
  return i < 0 ? 0 - (i & 0x7fffffff) : i;
}

/** ulps between float32 `result` and the float64 `reference`. */
export function ulpDistance(result: number, reference: number): number {
  const a = Number.isNaN(result), b = Number.isNaN(reference);
  if (a || b) return a && b ? 0 : MAX_ULPS;
  return Math.abs(ordinal32(result) - ordinal32(f32(reference)));
}

export function bitsOfError(result: number, reference: number): number {
  return Math.log2(1 + ulpDistance(result, reference));
}

export interface ErrorStats {
  readonly maxUlp: number;
  readonly meanUlp: number;
  readonly meanBits: number;
  readonly n: number;
}

/** Error of a batch of float32 results against float64 references. */
export function errorStats(
  results: ArrayLike<number>,
  references: ArrayLike<number>,
): ErrorStats {
  let max = 0, sum = 0, bits = 0;
  const n = results.length;
  for (let k = 0; k < n; k++) {
    const u = ulpDistance(results[k], references[k]);
    if (u > max) max = u;
    sum += u;
    bits += Math.log2(1 + u);
  }
  return {
    maxUlp: max,
    meanUlp: n > 0 ? sum / n : 0,
    meanBits: n > 0 ? bits / n : 0,
    n,
  };
}
