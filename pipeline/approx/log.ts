/**
 * log2 and log: split x = 2^e * m with m in [sqrt(1/2), sqrt(2)) straight
 * from the bits, so t = m - 1 (exact) stays within [-0.293, 0.415], and
 * log2(1 + t) = t * q(t) with q fitted to log2(1 + t) / t. Writing it as t
 * times a polynomial keeps the error relative near x = 1, where the result
 * goes to zero; away from 1 the exponent dominates and the polynomial's
 * error shrinks relative to it.
 *
 * - log2(x) = e + t q(t): one fused step.
 * - log(x) = e ln2 + t q(t), q fitted to log(1 + t) / t, with ln2 = hi + lo
 *   as float32s (two fused steps).
 *
 * Subnormal x is scaled by 2^23 first (and 23 taken from e).
 */
import type { Design } from "./design.ts";
import { ALL_FLOATS, sampleRanges } from "./design.ts";
import { LN2_HI, LN2_LO } from "./exp.ts";
import type { Ops } from "./vocab.ts";
import { hornerOps } from "./vocab.ts";

const f32 = Math.fround;

/** The exponent e (as a float) and t = m - 1 of a positive x, subnormals included. */
function split<V, M>(o: Ops<V, M>, x: V): [V, V] {
  const tiny = o.lt(x, o.c(2 ** -126));
  const xs = o.select(tiny, o.mul(x, o.c(2 ** 23)), x);
  const e = o.add(o.logExp(xs), o.select(tiny, o.c(-23), o.c(0)));
  return [e, o.sub(o.logMant(xs), o.c(1))];
}

/** +inf -> +inf, ±0 -> -inf, negative or NaN -> NaN. */
function specials<V, M>(o: Ops<V, M>, x: V, r: V): V {
  r = o.select(o.eq(x, o.c(Infinity)), o.c(Infinity), r);
  r = o.select(o.eq(x, o.c(0)), o.c(-Infinity), r);
  return o.select(o.nge(x, o.c(0)), o.c(NaN), r);
}

export function log2Body<V, M>(o: Ops<V, M>, x: V, c: readonly number[]): V {
  const [e, t] = split(o, x);
  return specials(o, x, o.fma(t, hornerOps(o, c, t), e));
}

export function logBody<V, M>(o: Ops<V, M>, x: V, c: readonly number[]): V {
  const [e, t] = split(o, x);
  const small = o.fma(t, hornerOps(o, c, t), o.mul(e, o.c(LN2_LO)));
  return specials(o, x, o.fma(e, o.c(LN2_HI), small));
}

const T_LO = f32(Math.SQRT1_2) - 1, T_HI = f32(Math.SQRT2) - 1;

/** log(1 + t) / t, accurate near t = 0. */
function log1pOverT(t: number): number {
  return Math.abs(t) < 1e-5 ? 1 - t / 2 + t * t / 3 : Math.log1p(t) / t;
}

export const LOG2_SLOT = {
  name: "log2(1+t)/t",
  f: (t: number) => log1pOverT(t) / Math.LN2,
  weight: (t: number) => Math.LN2 / log1pOverT(t),
  lo: T_LO,
  hi: T_HI,
  gain: 1,
};

const LOG_SLOT = {
  name: "log(1+t)/t",
  f: log1pOverT,
  weight: (t: number) => 1 / log1pOverT(t),
  lo: T_LO,
  hi: T_HI,
  gain: 1,
};

const SPECIALS_LOG = "+inf -> +inf, ±0 -> -inf, x < 0 -> NaN, NaN -> NaN";

function sampleLog(rand: () => number): number[] {
  const u = rand();
  if (u < 0.4) return [sampleRanges(ALL_FLOATS, rand)];
  if (u < 0.7) return [sampleRanges([[0, 0x7f800000]], rand)];
  return [f32(0.5 + 1.5 * rand())];
}

export const LOG2: Design = {
  name: "log2",
  arity: 1,
  // 1 ulp would need 1/ln2 as hi + lo (its float32 rounding alone is 0.3 ulp near x = 1): left for later.
  tiers: [2, 4, 64, 4096],
  slots: [LOG2_SLOT],
  body: (o, [x], [c]) => log2Body(o, x, c),
  reference: Math.log2,
  referenceC: "log2(a)",
  domain: "every float32",
  specials: SPECIALS_LOG,
  ranges: ALL_FLOATS,
  sample: sampleLog,
};

export const LOG: Design = {
  name: "log",
  arity: 1,
  // 1 ulp fails exhaustively (2 ulp at x = 0x3f477c19, log x just below -0.25, where the ulp halves): q's
  // last Horner step and the product t q round twice. t + t^2 q1(t) (one final rounding) is the way to 1 ulp.
  tiers: [2, 4, 64, 4096],
  slots: [LOG_SLOT],
  body: (o, [x], [c]) => logBody(o, x, c),
  reference: Math.log,
  referenceC: "log(a)",
  domain: "every float32",
  specials: SPECIALS_LOG,
  ranges: ALL_FLOATS,
  sample: sampleLog,
};
