/**
 * tanh over every float32, in two pieces computed side by side and
 * selected per lane (no branches in vector code):
 * - |x| < 0.7: tanh x = x P(x^2), P fitted to tanh(t)/t with relative
 *   error: near zero the result is x's size and must be relative.
 * - |x| >= 0.7: tanh|x| = 1 - 2 / (1 + e^(2|x|)), with e^ from exp.ts.
 *   The result is at least 0.6 there, so the subtraction cancels nothing
 *   that matters, and a relative error of e in e^(2|x|) costs at most e/2
 *   of the result. (At a 0.55 split the result is just above 0.5, where
 *   the three roundings are each half an ulp of 1 and the result's ulp
 *   halves: 2 ulp, measured; at 0.7 every float32 is within 1.) Large |x| saturates by itself: e^(2|x|) overflows to
 *   +inf and 2/inf = 0.
 * The sign is put back with copysign, so tanh(-x) = -tanh(x) exactly.
 */
import type { Design } from "./design.ts";
import { ALL_FLOATS, sampleRanges } from "./design.ts";
import { EXP_SLOT, expBody } from "./exp.ts";
import type { Ops } from "./vocab.ts";
import { hornerOps } from "./vocab.ts";

const f32 = Math.fround;
export const TANH_SPLIT = f32(0.7);

function tanhOverT(t: number): number {
  return Math.abs(t) < 1e-4 ? 1 - t * t / 3 : Math.tanh(t) / t;
}

const SMALL_SLOT = {
  name: "tanh(x)/x in x^2",
  f: (s: number) => tanhOverT(Math.sqrt(s)),
  weight: (s: number) => 1 / tanhOverT(Math.sqrt(s)),
  lo: 0,
  hi: TANH_SPLIT * TANH_SPLIT,
  gain: 1,
};

function tanhBody<V, M>(o: Ops<V, M>, x: V, pc: readonly number[], ec: readonly number[]): V {
  const a = o.abs(x);
  const small = o.mul(a, hornerOps(o, pc, o.mul(a, a)));
  const e = expBody(o, o.add(a, a), ec);
  const big = o.sub(o.c(1), o.div(o.c(2), o.add(o.c(1), e)));
  return o.copysign(o.select(o.lt(a, o.c(TANH_SPLIT)), small, big), x);
}

export const TANH: Design = {
  name: "tanh",
  arity: 1,
  tiers: [1, 4, 64, 4096],
  slots: [SMALL_SLOT, EXP_SLOT],
  body: (o, [x], [pc, ec]) => tanhBody(o, x, pc, ec),
  reference: Math.tanh,
  referenceC: "tanh(a)",
  domain: "every float32",
  specials: "NaN -> NaN, ±inf -> ±1, ±0 -> ±0; saturates to ±1 where float32 rounds to it",
  ranges: ALL_FLOATS,
  sample: (rand) => [rand() < 0.4 ? sampleRanges(ALL_FLOATS, rand) : f32((rand() * 2 - 1) * 10)],
};
