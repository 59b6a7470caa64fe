/**
 * log2 and log: split x = 2^e * m with m in [sqrt(1/2), sqrt(2)) straight
 * from the bits, so t = m - 1 (exact) stays within [-0.293, 0.415], and
 * log(1 + t) = t + t^2 q1(t): the polynomial is a correction of at most a
 * fifth of the result, so its error shrinks that much, and near x = 1,
 * where the result goes to zero, the error stays relative. Each sum below
 * is arranged so that one final addition is the only rounding of the
 * result's size: plain float32 gets 2 ulp at binade edges of the result.
 *
 * - log2(x) = e + t/ln2 + t^2 q1(t), 1/ln2 = hi + lo, the product t hi
 *   split exactly by an fma and e + t hi by Fast2Sum, so one final
 *   addition rounds (as in log).
 * - log(x) = e ln2 + t + t^2 q1(t), q1 fitted to (log(1 + t)/t - 1)/t, with
 *   ln2 = hi + lo (hi to 16 bits, so e hi is exact) and the sum e hi + t
 *   split exactly into a rounded part and its error (Fast2Sum): the small
 *   terms join the error, and one final addition rounds.
 *
 * The loose tiers (64 and 4096 ulp) keep the plain form, log2 x = e +
 * t q(t) and log x = e ln2 + t q(t) with q fitted to log(1 + t)/t: fewer
 * operations, and their error is the polynomial's anyway.
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

/** 1/ln2 as float32 hi + lo. */
const INV_LN2_HI = f32(1 / Math.LN2);
const INV_LN2_LO = f32(1 / Math.LN2 - INV_LN2_HI);

/**
 * log2 x as an unevaluated sum hi + lo (hi is log2Body's float32 result, lo
 * the rest, itself accurate to about 2^-24 of a tenth of log2 x), for callers that keep more than a
 * float32 of it (pow); special x give hi = the special result, lo = 0.
 */
export function log2Split<V, M>(o: Ops<V, M>, x: V, c: readonly number[]): [V, V] {
  const [hi, lo] = log2HiLo(o, x, c);
  // Renormalize (Fast2Sum again, |hi| >= |lo|): s is log2Body's result, s + lo2 the pair, |lo2| <= ulp(s)/2.
  const s = o.add(hi, lo);
  const lo2 = o.sub(lo, o.sub(s, hi));
  const sp = specials(o, x, s);
  return [sp, o.select(o.eq(sp, s), lo2, o.c(0))];
}

/**
 * log2 x of a positive normal x as hi + lo before their final addition, so
 * that the addition is the only rounding of the result's size: log2 x =
 * e + t/ln2 + t (t q1(t)). p = t hi is rounded but its error perr comes
 * exactly from an fma, and |e| >= |p| unless e = 0, so e + p splits exactly
 * (Fast2Sum); the small terms join the errors.
 */
function log2HiLo<V, M>(o: Ops<V, M>, x: V, c: readonly number[]): [V, V] {
  const [e, t] = split(o, x);
  const tq = o.mul(t, hornerOps(o, c, t));
  const p = o.mul(t, o.c(INV_LN2_HI));
  const perr = o.fma(t, o.c(INV_LN2_HI), o.neg(p));
  const hi = o.add(e, p);
  const err = o.sub(p, o.sub(hi, e));
  return [hi, o.fma(t, tq, o.fma(t, o.c(INV_LN2_LO), o.add(err, perr)))];
}

/** log2 x: hi + lo, the one rounding of the result's size. */
export function log2Body<V, M>(o: Ops<V, M>, x: V, c: readonly number[]): V {
  const [hi, lo] = log2HiLo(o, x, c);
  return specials(o, x, o.add(hi, lo));
}

/** ln2 to 16 bits, so e * LN2_HI16 is exact for |e| <= 255, and the next 24 bits. */
const LN2_HI16 = Math.round(Math.LN2 * 2 ** 16) / 2 ** 16;
const LN2_LO16 = f32(Math.LN2 - LN2_HI16);

export function logBody<V, M>(o: Ops<V, M>, x: V, c: readonly number[]): V {
  const [e, t] = split(o, x);
  // log x = e ln2 + t + t (t q1(t)). s = e ln2_hi is exact and |s| >= |t| unless e = 0, so hi = s + t has
  // its rounding error err exactly (Fast2Sum); the small terms are added to err, and hi + lo is the one
  // rounding that counts: about half an ulp plus the polynomial's share.
  const tq = o.mul(t, hornerOps(o, c, t));
  const s = o.mul(e, o.c(LN2_HI16));
  const hi = o.add(s, t);
  const err = o.sub(t, o.sub(hi, s));
  const lo = o.fma(t, tq, o.fma(e, o.c(LN2_LO16), err));
  return specials(o, x, o.add(hi, lo));
}

const T_LO = f32(Math.SQRT1_2) - 1, T_HI = f32(Math.SQRT2) - 1;

/** log(1 + t) / t, accurate near t = 0. */
function log1pOverT(t: number): number {
  return Math.abs(t) < 1e-5 ? 1 - t / 2 + t * t / 3 : Math.log1p(t) / t;
}

/** (log2(1 + t)/t - 1/ln2)/t, accurate near t = 0; |t q1| is at most a fifth of log2(1 + t)/t, hence the gain. */
function q1log2(t: number): number {
  const d = Math.abs(t) < 1e-3 ? -0.5 + t / 3 - t * t / 4 + t * t * t / 5 : (log1pOverT(t) - 1) / t;
  return d / Math.LN2;
}

export const LOG2_SLOT = {
  name: "(log2(1+t)/t - 1/ln2)/t",
  f: q1log2,
  weight: (t: number) => -1 / q1log2(t),
  lo: T_LO,
  hi: T_HI,
  gain: 0.2,
};

/** (log(1 + t)/t - 1)/t, accurate near t = 0. */
function q1(t: number): number {
  return Math.abs(t) < 1e-3 ? -0.5 + t / 3 - t * t / 4 + t * t * t / 5 : (log1pOverT(t) - 1) / t;
}

/** |t q1(t)| is at most a fifth of log(1 + t)/t on the interval: q1's error reaches the result that much smaller. */
const LOG_SLOT = {
  name: "(log(1+t)/t - 1)/t",
  f: q1,
  weight: (t: number) => -1 / q1(t),
  lo: T_LO,
  hi: T_HI,
  gain: 0.2,
};

/** The plain forms of the loose tiers: e + t q(t), e ln2 + t q(t). */
function log2PlainBody<V, M>(o: Ops<V, M>, x: V, c: readonly number[]): V {
  const [e, t] = split(o, x);
  return specials(o, x, o.fma(t, hornerOps(o, c, t), e));
}

function logPlainBody<V, M>(o: Ops<V, M>, x: V, c: readonly number[]): V {
  const [e, t] = split(o, x);
  return specials(o, x, o.fma(e, o.c(LN2_HI), o.fma(t, hornerOps(o, c, t), o.mul(e, o.c(LN2_LO)))));
}

const LOG2_Q_SLOT = {
  name: "log2(1+t)/t",
  f: (t: number) => log1pOverT(t) / Math.LN2,
  weight: (t: number) => Math.LN2 / log1pOverT(t),
  lo: T_LO,
  hi: T_HI,
  gain: 1,
};
const LOG_Q_SLOT = {
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
  tiers: [1, 4],
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
  tiers: [1, 4],
  slots: [LOG_SLOT],
  body: (o, [x], [c]) => logBody(o, x, c),
  reference: Math.log,
  referenceC: "log(a)",
  domain: "every float32",
  specials: SPECIALS_LOG,
  ranges: ALL_FLOATS,
  sample: sampleLog,
};

/** The loose tiers of log2: the plain form. */
export const LOG2_PLAIN: Design = {
  ...LOG2,
  tiers: [64, 4096],
  slots: [LOG2_Q_SLOT],
  body: (o, [x], [c]) => log2PlainBody(o, x, c),
};

/** The loose tiers of log: the plain form. */
export const LOG_PLAIN: Design = {
  ...LOG,
  tiers: [64, 4096],
  slots: [LOG_Q_SLOT],
  body: (o, [x], [c]) => logPlainBody(o, x, c),
};
