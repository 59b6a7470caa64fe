/**
 * exp2 and exp: reduce to a polynomial for 2^f on |f| <= 1/2 and scale by
 * 2^n through the exponent bits. The standard design (as in SLEEF and
 * glibc's vector expf): after the reduction the polynomial is all the
 * error there is, and 2^n is exact.
 *
 * - exp2(x): n = rint(x), f = x - n (exact), 2^x = p(f) * 2^n.
 * - exp(x): n = rint(x log2 e), r = x - n ln2 by Cody-Waite in two fused
 *   steps (ln2 = hi + lo as float32s: x - n hi is exact for |n| <= 150, the
 *   second step rounds once), e^x = p(r) * 2^n.
 *
 * 2^n is applied by ldexp (vscalefps on AVX-512, two exact-then-rounding
 * multiplies elsewhere), so results between float32's smallest subnormal
 * and largest normal come out of one final rounding; inputs are first clamped (exp2 to [-151, 129], exp to
 * [-104, 89]), past which the result is already 0 or +inf after rounding.
 */
import type { Design } from "./design.ts";
import { ALL_FLOATS, sampleRanges } from "./design.ts";
import type { Ops } from "./vocab.ts";
import { hornerOps } from "./vocab.ts";

const f32 = Math.fround;

/** p * 2^n for an integer-valued n in [-151, 129], rounded once (vocab.ts's ldexp). */
export function scale2n<V, M>(o: Ops<V, M>, p: V, n: V): V {
  return o.ldexp(p, n);
}

/** 2^x with `c` fitted to 2^f on [-1/2, 1/2]. */
export function exp2Body<V, M>(o: Ops<V, M>, x: V, c: readonly number[]): V {
  const xc = o.max(o.c(-151), o.min(o.c(129), x)); // constant first: a NaN x stays NaN
  const n = o.rint(xc);
  return scale2n(o, hornerOps(o, c, o.sub(xc, n)), n);
}

/** 2^(x + xlo) for a small correction xlo (|xlo| < 2^-10, or 0), as exp2Body otherwise. */
export function exp2SplitBody<V, M>(o: Ops<V, M>, x: V, xlo: V, c: readonly number[]): V {
  const xc = o.max(o.c(-151), o.min(o.c(129), x));
  const n = o.rint(xc);
  return scale2n(o, hornerOps(o, c, o.add(o.sub(xc, n), xlo)), n);
}

export const LN2_HI = f32(Math.LN2);
export const LN2_LO = f32(Math.LN2 - LN2_HI);

/** e^x with `c` fitted to e^r on |r| <= ln2/2 (with a margin for the rounding of x log2 e). */
export function expBody<V, M>(o: Ops<V, M>, x: V, c: readonly number[]): V {
  const xc = o.max(o.c(-104), o.min(o.c(89), x));
  const n = o.rint(o.mul(xc, o.c(f32(Math.LOG2E))));
  const r1 = o.fma(n, o.c(-LN2_HI), xc);
  const r = o.fma(n, o.c(-LN2_LO), r1);
  return scale2n(o, hornerOps(o, c, r), n);
}

/** The slot of exp2's polynomial: 2^f, relative error, on [-1/2, 1/2]. */
export const EXP2_SLOT = {
  name: "2^f",
  f: (t: number) => 2 ** t,
  weight: (t: number) => 2 ** -t,
  lo: -0.5,
  hi: 0.5,
  gain: 1,
};

/** e^r, relative error, on |r| <= ln2/2 widened by 1%. */
export const EXP_SLOT = {
  name: "e^r",
  f: Math.exp,
  weight: (t: number) => Math.exp(-t),
  lo: -Math.LN2 / 2 * 1.01,
  hi: Math.LN2 / 2 * 1.01,
  gain: 1,
};

const SPECIALS_EXP = "NaN -> NaN, +inf -> +inf, -inf -> +0; overflow -> +inf, underflow -> subnormals then +0";

export const EXP2: Design = {
  name: "exp2",
  arity: 1,
  tiers: [1, 4, 64, 4096],
  slots: [EXP2_SLOT],
  body: (o, [x], [c]) => exp2Body(o, x, c),
  reference: (x) => 2 ** x,
  referenceC: "exp2(a)",
  domain: "every float32",
  specials: SPECIALS_EXP,
  ranges: ALL_FLOATS,
  sample: (rand) => [rand() < 0.5 ? sampleRanges(ALL_FLOATS, rand) : f32(-152 + 282 * rand())],
};

export const EXP: Design = {
  name: "exp",
  arity: 1,
  tiers: [1, 4, 64, 4096],
  slots: [EXP_SLOT],
  body: (o, [x], [c]) => expBody(o, x, c),
  reference: Math.exp,
  referenceC: "exp(a)",
  domain: "every float32",
  specials: SPECIALS_EXP,
  ranges: ALL_FLOATS,
  sample: (rand) => [rand() < 0.5 ? sampleRanges(ALL_FLOATS, rand) : f32(-105 + 195 * rand())],
};
