/**
 * pow(x, y) = 2^(y log2 x) for x > 0, from log2.ts's and exp.ts's pieces.
 * An absolute error d in the exponent t = y log2 x is a relative error of
 * d ln2 in the result, and |t| reaches 150 (underflow to overflow), so
 * log2 x is kept as hi + lo (log2Split) and y times it as T + Tlo (the
 * product's error exact from an fma): 2^(T + Tlo) with n = rint(T) and
 * the polynomial at (T - n) + Tlo. What is left is the rounding of log2's
 * lo part (about 2^-24 of a tenth of log2 x), times |t| ln2: tens of ulps
 * at the extremes of t, hence the tiers; 1-4 ulp would need log2's
 * correction term in double-float too.
 *
 * Not C's pow at the edges: x < 0 gives NaN even for integer y, and
 * 0^0, inf^0 and 1^inf give NaN (0 * inf in the exponent).
 */
import type { Design } from "./design.ts";
import { EXP2_SLOT, exp2SplitBody } from "./exp.ts";
import { LOG2_SLOT, log2Split } from "./log.ts";

const f32 = Math.fround;

export const POW: Design = {
  name: "pow",
  arity: 2,
  tiers: [64, 256, 4096],
  slots: [{ ...LOG2_SLOT, gain: LOG2_SLOT.gain * 104 }, EXP2_SLOT],
  body: (o, [x, y], [lc, ec]) => {
    const [h, l] = log2Split(o, x, lc);
    const t = o.mul(y, h);
    const tlo = o.fma(y, l, o.fma(y, h, o.neg(t)));
    // Where t is out of range (or ±inf, NaN) the result is 0, inf or NaN already: no correction.
    return exp2SplitBody(o, t, o.select(o.lt(o.abs(t), o.c(256)), tlo, o.c(0)), ec);
  },
  reference: Math.pow,
  referenceC: "pow(a, b)",
  domain: "x > 0 (subnormals included), y finite, y log2 x in [-160, 130] (results 0 to +inf)",
  admits: ([[xlo, xhi], [ylo, yhi]]) => {
    if (!(xlo > 0) || !Number.isFinite(xhi) || !Number.isFinite(ylo) || !Number.isFinite(yhi)) return false;
    // y log2 x over the box is extreme at its corners (a product of two monotone factors).
    const ts = [xlo, xhi].flatMap((x) => [ylo, yhi].map((y) => y * Math.log2(x)));
    return Math.min(...ts) >= -160 && Math.max(...ts) <= 130;
  },
  specials: "x < 0 -> NaN; x = 0: y > 0 -> 0, y < 0 -> +inf; x = +inf: y > 0 -> +inf, y < 0 -> 0; " +
    "0^0, inf^0, 1^inf -> NaN; NaN in either -> NaN",
  sampleC: `{
    uint32_t xb = 1u + (uint32_t)(r1 % 0x7f7fffffu);
    memcpy(&a, &xb, sizeof a);
    double t = -160.0 + 290.0 * (double)(r2 >> 11) * 0x1p-53;
    double l = log2((double)a);
    b = l == 0.0 ? (float)(t / 8.0) : (float)(t / l);
  }`,
  sample: (rand) => {
    const x = f32(2 ** (-149 + 277 * rand()));
    const l = Math.log2(x);
    const t = -160 + 290 * rand();
    return [x, l === 0 ? f32(t / 8) : f32(t / l)];
  },
};
