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

/** Spacing of float32 values at |x| (the ulp of x as a float32). */
export function ulp32(x: number): number {
  const a = Math.abs(Math.fround(x));
  if (!Number.isFinite(a)) return NaN;
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

/**
 * Error in ulps with an absolute floor: |result - reference| measured in
 * units of max(ulp32(reference), floor). Plain ulps explode where the true
 * result is zero or tiny (x - x computed as 1e-9 is a billion ulps from 0);
 * the floor says how small an output still counts at full relative
 * precision. NaN against a number is `MAX_ULPS`, two NaNs are 0 apart.
 */
export function flooredUlps(result: number, reference: number, floor: number): number {
  const a = Number.isNaN(result), b = Number.isNaN(reference);
  if (a || b) return a && b ? 0 : MAX_ULPS;
  // A reference beyond float32's range rounds to infinity: only that is exact.
  const r = Math.fround(reference);
  if (!Number.isFinite(r) || !Number.isFinite(result)) return result === r ? 0 : MAX_ULPS;
  return Math.min(MAX_ULPS, Math.abs(result - r) / Math.max(ulp32(r), floor));
}

/**
 * The floor for a kernel's outputs: the ulp of its largest finite reference
 * output scaled down by 2^-20, i.e. outputs a million times smaller than the
 * kernel's largest are judged at that absolute precision. References beyond
 * float32's range do not count.
 */
export function outputFloor(references: ArrayLike<number>): number {
  let max = 0;
  for (let k = 0; k < references.length; k++) {
    const x = Math.abs(Math.fround(references[k]));
    if (Number.isFinite(x) && x > max) max = x;
  }
  return max === 0 ? 2 ** -149 : Math.max(2 ** -149, ulp32(max) * 2 ** -20);
}

/** Floored-ulp statistics of a batch (see `flooredUlps`). */
export function flooredErrorStats(
  results: ArrayLike<number>,
  references: ArrayLike<number>,
  floor = outputFloor(references),
): ErrorStats {
  let max = 0, sum = 0, bits = 0;
  const n = results.length;
  for (let k = 0; k < n; k++) {
    const u = flooredUlps(results[k], references[k], floor);
    if (u > max) max = u;
    sum += u;
    bits += Math.log2(1 + u);
  }
  return { maxUlp: max, meanUlp: n > 0 ? sum / n : 0, meanBits: n > 0 ? bits / n : 0, n };
}
