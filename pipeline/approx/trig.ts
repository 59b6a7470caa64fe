/**
 * sin and cos on a bounded domain, |x| <= 16384: Cody-Waite reduction by
 * pi/2, then polynomials for sin and cos on |r| <= pi/4 and the quadrant.
 *
 * k = rint(x * 2/pi); r = x - k pi/2 with pi/2 = P1 + P2 + P3 (float32s,
 * about 72 bits together), subtracted in three fused steps: the first is
 * exact for |k| < 2^23, the other two round once each relative to r. With
 * |k| <= 10,431 the part of pi/2 left out costs k 2^-77, far below any r a
 * float32 x in the domain leaves. Beyond the domain the reduction loses
 * accuracy (no Payne-Hanek): results there are finite but unbounded in
 * error, so the domain is part of the declared bound.
 *
 * sin r = r S(r^2) and cos r = C(r^2), S and C fitted with relative error
 * on r^2 <= (pi/4 * 1.01)^2 (the margin covers the rounding of x * 2/pi).
 * Quadrant q = k mod 4 (from floors of k, exact): sin x = sin r, cos r,
 * -sin r, -cos r for q = 0..3; cos x is sin x with k + 1.
 */
import type { Design } from "./design.ts";
import { absAtMost, sampleRanges } from "./design.ts";
import type { Ops } from "./vocab.ts";
import { hornerOps } from "./vocab.ts";

const f32 = Math.fround;

/** pi/2 as float64 hi + lo (lo = pi/2 - hi, to double precision). */
const HALF_PI_HI = Math.PI / 2, HALF_PI_LO = 6.123233995736766e-17;
export const P1 = f32(HALF_PI_HI);
export const P2 = f32(HALF_PI_HI - P1 + HALF_PI_LO);
export const P3 = f32((HALF_PI_HI - P1 - P2) + HALF_PI_LO);

export const TRIG_BOUND = 16384;

const R_MAX = Math.PI / 4 * 1.01;

function sinc(t: number): number {
  return Math.abs(t) < 1e-4 ? 1 - t * t / 6 : Math.sin(t) / t;
}

const SIN_SLOT = {
  name: "sin(r)/r in r^2",
  f: (s: number) => sinc(Math.sqrt(s)),
  weight: (s: number) => 1 / sinc(Math.sqrt(s)),
  lo: 0,
  hi: R_MAX * R_MAX,
  gain: 1,
};
const COS_SLOT = {
  name: "cos(r) in r^2",
  f: (s: number) => Math.cos(Math.sqrt(s)),
  weight: (s: number) => 1 / Math.cos(Math.sqrt(s)),
  lo: 0,
  hi: R_MAX * R_MAX,
  gain: 1,
};

/** sin(x) (shift 0) or cos(x) (shift 1) from the quadrant k + shift. */
function trigBody<V, M>(o: Ops<V, M>, x: V, sc: readonly number[], cc: readonly number[], shift: number): V {
  const k = o.rint(o.mul(x, o.c(f32(2 / Math.PI))));
  let r = o.fma(k, o.c(-P1), x);
  r = o.fma(k, o.c(-P2), r);
  r = o.fma(k, o.c(-P3), r);
  const s = o.mul(r, r);
  const sinr = o.mul(r, hornerOps(o, sc, s));
  const cosr = hornerOps(o, cc, s);
  const q = shift === 0 ? k : o.add(k, o.c(shift));
  const half = o.floor(o.mul(q, o.c(0.5)));
  const odd = o.sub(q, o.mul(half, o.c(2))); // q mod 2
  const neg = o.sub(half, o.mul(o.floor(o.mul(half, o.c(0.5))), o.c(2))); // floor(q/2) mod 2
  const v = o.select(o.eq(odd, o.c(1)), cosr, sinr);
  return o.select(o.eq(neg, o.c(1)), o.neg(v), v);
}

const RANGES = absAtMost(TRIG_BOUND);
const SPECIALS_TRIG = `NaN, ±inf -> NaN; |x| > ${TRIG_BOUND}: finite, error not bounded`;

function sampleTrig(rand: () => number): number[] {
  return [rand() < 0.5 ? sampleRanges(RANGES, rand) : f32((rand() * 2 - 1) * TRIG_BOUND)];
}

export const SIN: Design = {
  name: "sin",
  arity: 1,
  tiers: [2, 4, 64, 4096],
  slots: [SIN_SLOT, COS_SLOT],
  body: (o, [x], [sc, cc]) => trigBody(o, x, sc, cc, 0),
  reference: Math.sin,
  referenceC: "sin(a)",
  domain: `|x| <= ${TRIG_BOUND}`,
  admits: ([[lo, hi]]) => lo >= -TRIG_BOUND && hi <= TRIG_BOUND,
  specials: SPECIALS_TRIG,
  ranges: RANGES,
  sample: sampleTrig,
};

export const COS: Design = {
  name: "cos",
  arity: 1,
  tiers: [2, 4, 64, 4096],
  slots: [SIN_SLOT, COS_SLOT],
  body: (o, [x], [sc, cc]) => trigBody(o, x, sc, cc, 1),
  reference: Math.cos,
  referenceC: "cos(a)",
  domain: `|x| <= ${TRIG_BOUND}`,
  admits: ([[lo, hi]]) => lo >= -TRIG_BOUND && hi <= TRIG_BOUND,
  specials: SPECIALS_TRIG,
  ranges: RANGES,
  sample: sampleTrig,
};
