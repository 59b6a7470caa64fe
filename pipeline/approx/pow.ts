/**
 * pow(x, y) = 2^(y log2 x) for x > 0, from log2.ts's and exp.ts's pieces.
 * The error of log2 x is multiplied by y, and an absolute error d in the
 * exponent t = y log2 x is a relative error of d ln2 in the result: with
 * |t| up to 150 (the whole range from underflow to overflow) one ulp of
 * log2 x becomes about 100 ulps of the result. So the tiers start where a
 * float32 log2 allows; tighter ones need log2 x in double-float (left for
 * later). The log2 polynomial is fitted tighter than the tier for this
 * reason (its `gain`).
 *
 * Not C's pow at the edges: x < 0 gives NaN even for integer y, and
 * 0^0, inf^0 and 1^inf give NaN (0 * inf in the exponent).
 */
import type { Design } from "./design.ts";
import { EXP2_SLOT, exp2Body } from "./exp.ts";
import { LOG2_SLOT, log2Body } from "./log.ts";

const f32 = Math.fround;

export const POW: Design = {
  name: "pow",
  arity: 2,
  tiers: [256, 4096],
  slots: [{ ...LOG2_SLOT, gain: 128 }, EXP2_SLOT],
  body: (o, [x, y], [lc, ec]) => exp2Body(o, o.mul(y, log2Body(o, x, lc)), ec),
  reference: Math.pow,
  referenceC: "pow(a, b)",
  domain: "x > 0 (subnormals included), y finite, y log2 x in [-160, 130] (results 0 to +inf)",
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
