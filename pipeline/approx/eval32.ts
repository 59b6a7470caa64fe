/**
 * The float32 meaning of the approximation vocabulary (`vocab.ts`), in
 * TypeScript: every result is rounded to float32 (Math.fround), fused
 * multiply-adds are exact (`fmaf32`), and the bit-level ops (pow2i, the
 * log split, the rsqrt seed) work on the float32 bits. The C helpers of
 * every ISA must give these same bits; tests/approx/ check that they do.
 */
import { fmaf32 } from "../expr/ops.ts";
import type { Ops } from "./vocab.ts";

const F = new Float32Array(1);
const I = new Int32Array(F.buffer);

function bitsOf(x: number): number {
  F[0] = x;
  return I[0];
}

function fromBits(i: number): number {
  I[0] = i | 0;
  return F[0];
}

const f = Math.fround;

/** Round to nearest integer, ties to even; keeps -0, ±inf, NaN. */
export function rint32(a: number): number {
  if (!Number.isFinite(a) || Math.abs(a) >= 2 ** 23) return a;
  let r = Math.round(a); // ties toward +inf, keeps the sign of a zero
  if (r - a === 0.5 && r % 2 !== 0) r -= 1;
  return r === 0 ? (a < 0 || Object.is(a, -0) ? -0 : 0) : r;
}

/** Bits of sqrt(1/2) as a float32: the centre of the log split. */
export const SQRT_HALF_BITS = 0x3f3504f3;
export const RSQRT_MAGIC = 0x5f3759df;

export const EVAL32: Ops<number, boolean> = {
  c: (x) => {
    if (f(x) !== x && !Number.isNaN(x)) throw new Error(`approx constant ${x} is not a float32`);
    return x;
  },
  add: (a, b) => f(a + b),
  sub: (a, b) => f(a - b),
  mul: (a, b) => f(a * b),
  div: (a, b) => f(a / b),
  fma: (a, b, c) => fmaf32(a, b, c),
  neg: (a) => -a,
  abs: (a) => Math.abs(a),
  copysign: (a, b) => (b < 0 || Object.is(b, -0) ? -Math.abs(a) : Math.abs(a)),
  min: (a, b) => (a < b ? a : b),
  max: (a, b) => (a > b ? a : b),
  rint: rint32,
  floor: Math.floor,
  pow2i: (n) => 2 ** n,
  ldexp: (p, n) => f(p * 2 ** n), // exact in float64 for these n, then rounded once
  logExp: (x) => (bitsOf(x) - SQRT_HALF_BITS) >> 23,
  logMant: (x) => fromBits(bitsOf(x) - (((bitsOf(x) - SQRT_HALF_BITS) >> 23) << 23)),
  rsqrtSeed: (x) => fromBits(RSQRT_MAGIC - (bitsOf(x) >>> 1)),
  lt: (a, b) => a < b,
  gt: (a, b) => a > b,
  eq: (a, b) => a === b,
  nge: (a, b) => !(a >= b),
  isnan: (a) => Number.isNaN(a),
  or: (a, b) => a || b,
  select: (m, a, b) => (m ? a : b),
};
