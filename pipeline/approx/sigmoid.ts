/**
 * The logistic sigmoid 1 / (1 + e^-x) over every float32, as
 * e / (1 + e) for x < 0 and 1 / (1 + e) for x >= 0 with e = e^-|x| (from
 * exp.ts). Taking e^-|x| keeps e in [0, 1]: it never overflows, and for
 * very negative x the result is e^x / (1 + e^x), relative-accurate down to
 * the subnormals, where 1 / (1 + e^-x) would overflow to 1/inf = 0 before
 * x = -88.7. One division either way.
 */
import type { Design } from "./design.ts";
import { ALL_FLOATS, sampleRanges } from "./design.ts";
import { EXP_SLOT, expBody } from "./exp.ts";

const f32 = Math.fround;

export const SIGMOID: Design = {
  name: "sigmoid",
  arity: 1,
  tiers: [2, 4, 64, 4096],
  slots: [EXP_SLOT],
  body: (o, [x], [ec]) => {
    const e = expBody(o, o.neg(o.abs(x)), ec);
    return o.div(o.select(o.lt(x, o.c(0)), e, o.c(1)), o.add(o.c(1), e));
  },
  reference: (x) => 1 / (1 + Math.exp(-x)),
  referenceC: "1.0 / (1.0 + exp(-a))",
  domain: "every float32",
  specials: "NaN -> NaN, +inf -> 1, -inf -> +0; tiny results keep relative accuracy down to the subnormals",
  ranges: ALL_FLOATS,
  sample: (rand) => [rand() < 0.4 ? sampleRanges(ALL_FLOATS, rand) : f32((rand() * 2 - 1) * 110)],
};
