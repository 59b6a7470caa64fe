/**
 * The operations an approximation is written in, once, for both of its
 * forms: `eval32.ts` runs them in TypeScript as float32 (what the optimizer's
 * evaluators and tests use) and `emit_c.ts` prints them as C calls to
 * per-ISA helpers (`kap_add`, `kap_fma`, ...). Writing each approximation
 * once against this interface is what makes the two forms agree bit for
 * bit: every op here has one float32 meaning, which each ISA's helper
 * implements exactly (tests/approx/ compare them on random inputs).
 *
 * `V` is a float32 value (one lane), `M` a lane mask.
 *
 * The semantics that matter at the edges:
 * - min(a, b) is `a < b ? a : b` and max(a, b) is `a > b ? a : b`: x86's
 *   minps/maxps exactly. A NaN in `b` passes through, a NaN in `a` does not,
 *   so a clamp is written min(constant, x) to keep a NaN input NaN.
 * - rint rounds to the nearest integer, ties to even (the default rounding
 *   mode); floor rounds down. Both keep -0, ±inf and NaN.
 * - pow2i(n) is 2^n for an integer-valued n in [-126, 127] (built from the
 *   exponent bits); anything else gives an unspecified value, which the
 *   approximations only let through where the result is NaN anyway.
 * - ldexp(p, n) is p * 2^n rounded once (to a subnormal or to ±inf where it
 *   lands there), for an integer-valued n in [-151, 129] and a normal p in
 *   [1/2, 2): AVX-512 has it as one instruction (vscalefps); the others
 *   multiply by 2^floor(n/2) (exact) and then by the rest, the one rounding.
 * - logExp(x) and logMant(x) split a positive normal x as 2^e * m with m in
 *   [sqrt(1/2), sqrt(2)) (e = (bits(x) - bits(sqrt(1/2))) >> 23, arithmetic
 *   shift; m's bits are x's minus e << 23). Other inputs: unspecified.
 * - rsqrtSeed(x) is the float with bits 0x5f3759df - (bits(x) >> 1), a
 *   3.5%-accurate 1/sqrt(x) for positive normal x.
 * - Comparisons are IEEE's ordered ones (false on NaN) except nge(a, b),
 *   which is !(a >= b) (true on NaN).
 */

export interface Ops<V, M> {
  /** A constant; `x` must be a float32 value (or ±inf, NaN). */
  c(x: number): V;
  add(a: V, b: V): V;
  sub(a: V, b: V): V;
  mul(a: V, b: V): V;
  div(a: V, b: V): V;
  /** a * b + c, rounded once. */
  fma(a: V, b: V, c: V): V;
  neg(a: V): V;
  abs(a: V): V;
  /** |a| with the sign bit of b. */
  copysign(a: V, b: V): V;
  min(a: V, b: V): V;
  max(a: V, b: V): V;
  rint(a: V): V;
  floor(a: V): V;
  pow2i(n: V): V;
  ldexp(p: V, n: V): V;
  logExp(x: V): V;
  logMant(x: V): V;
  rsqrtSeed(x: V): V;
  lt(a: V, b: V): M;
  gt(a: V, b: V): M;
  eq(a: V, b: V): M;
  nge(a: V, b: V): M;
  isnan(a: V): M;
  or(a: M, b: M): M;
  /** m ? a : b, per lane. */
  select(m: M, a: V, b: V): V;
}

/**
 * c[0] + c[1] x + ... + c[n] x^n by Horner's rule with one fused
 * multiply-add per coefficient: n roundings, each relative to a partial
 * sum, which for these decreasing-coefficient polynomials on small reduced
 * intervals keeps the evaluation error under half an ulp of the result
 * plus a fraction of one.
 */
export function hornerOps<V, M>(o: Ops<V, M>, c: readonly number[], x: V): V {
  let r = o.c(c[c.length - 1]);
  for (let k = c.length - 2; k >= 0; k--) r = o.fma(r, x, o.c(c[k]));
  return r;
}
