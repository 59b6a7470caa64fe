/**
 * 1/sqrt(x) without a Newton step: the classic bit-trick seed
 * y0 = bits 0x5f3759df - (bits(x) >> 1) (3.5% accurate, and the same bits
 * on every ISA, unlike vrsqrt14ps / vrsqrtps / FRSQRTE), then one
 * polynomial correction: with u = x y0^2 - 1 (one product rounded, then a
 * fused step) in [-0.068, 0.0695] for every float32,
 * 1/sqrt(x) = y0 (1 + u)^-1/2 = y0 + y0 u Q(u), Q fitted to
 * ((1 + u)^-1/2 - 1) / u. The correction is at most 3.5% of the result,
 * so Q needs only ~1/14 of the result's relative accuracy (its `gain`).
 * Subnormal x is scaled by 2^24 (and the result by 2^12).
 */
import type { Design } from "./design.ts";
import { ALL_FLOATS, sampleRanges } from "./design.ts";
import { hornerOps } from "./vocab.ts";

const f32 = Math.fround;

/** Range of u = x y0^2 - 1 over every float32 mantissa (computed in float32 as the body does), widened. */
export const U_LO = -0.068, U_HI = 0.0695;

function q(u: number): number {
  return Math.abs(u) < 1e-5 ? -0.5 + 0.375 * u : (1 / Math.sqrt(1 + u) - 1) / u;
}

export const RSQRT: Design = {
  name: "rsqrt",
  arity: 1,
  tiers: [1, 4, 64, 4096],
  slots: [{ name: "((1+u)^-1/2 - 1)/u", f: q, weight: (u) => -1 / q(u), lo: U_LO, hi: U_HI, gain: 0.07 }],
  body: (o, [x], [c]) => {
    const tiny = o.lt(x, o.c(2 ** -126));
    const xs = o.select(tiny, o.mul(x, o.c(2 ** 24)), x);
    const y0 = o.rsqrtSeed(xs);
    const u = o.fma(o.mul(xs, y0), y0, o.c(-1));
    let r = o.fma(y0, o.mul(u, hornerOps(o, c, u)), y0);
    r = o.mul(r, o.select(tiny, o.c(2 ** 12), o.c(1)));
    r = o.select(o.eq(x, o.c(Infinity)), o.c(0), r);
    r = o.select(o.eq(x, o.c(0)), o.copysign(o.c(Infinity), x), r);
    return o.select(o.nge(x, o.c(0)), o.c(NaN), r);
  },
  reference: (x) => 1 / Math.sqrt(x),
  referenceC: "1.0 / sqrt(a)",
  domain: "every float32",
  specials: "+inf -> +0, +0 -> +inf, -0 -> -inf, x < 0 -> NaN, NaN -> NaN",
  ranges: ALL_FLOATS,
  sample: (rand) => [rand() < 0.5 ? sampleRanges(ALL_FLOATS, rand) : f32(2 ** (-149 + 277 * rand()))],
};
