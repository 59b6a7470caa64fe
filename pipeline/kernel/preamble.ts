/**
 * The C preamble every SIMD kernel is compiled with: one small inline
 * function per op, written with explicit vector intrinsics, for each
 * instruction set (AVX-512 and AVX2 on x86-64, NEON (Advanced SIMD) on
 * aarch64). Kernels call only these (`kop_*`), so the ISAs share one code
 * generator and differ only here.
 *
 * Semantics are those of the float32 evaluator (pipeline/expr/evaluate.ts)
 * bit for bit for the exact ops (+ - * / neg fabs copysign fmin fmax floor
 * sqrt fma fms fnma recip, and the comparisons, connectives and select), given -ffp-contract=off so that no multiply and
 * add are fused unless the expression says fma. On x86 three need care:
 * - fmin/fmax: `vminps a,b` returns b when either operand is NaN and when
 *   both are zeros of either sign. The model is C's fmin (a NaN operand
 *   yields the other one) with -0 < +0 (JavaScript's Math.min), so after the
 *   min a NaN b is replaced by a, and equal operands by a|b (a&b for max),
 *   which picks -0 from {-0, +0}: 5 extra instructions.
 * - copysign: the model's NaN has no sign (JavaScript cannot see it), so a
 *   NaN sign source counts as positive; the NaNs the hardware makes
 *   (0/0, inf-inf) have the sign bit set, so NaN lanes of the sign source
 *   are cleared first: 2 extra instructions.
 * - recip is a true division (correctly rounded), not vrcp14ps.
 *
 * Approximate ops:
 * - rsqrt: vrsqrt14ps (relative error < 2^-14) plus one Newton step done
 *   with FMAs; x = ±0 and +inf keep the hardware's exact ±inf and 0.
 *   Measured over every positive float32 (subnormals included): at most
 *   1 ulp from the correctly rounded 1/sqrt(x). AVX2 has only the 12-bit
 *   vrsqrtps, which also flushes subnormal inputs, so the AVX2 version
 *   scales those by 2^24 first; measured at most 2 ulp on normal inputs.
 *   mulrsqrt(a, b) is a * rsqrt(b): at most 2 ulp.
 * - transcendentals: glibc's libmvec through the x86-64 vector function ABI
 *   (`_ZGVeN16v_expf` for 16 lanes, `_ZGVdN8v_expf` for 8), linked with
 *   -lmvec. glibc documents up to 4 ulp for these; tests/kernel/ measure.
 *   Except pow, which is SLEEF's (`Sleef_powf16_u10avx512f`, 1 ulp):
 *   libmvec's powf sends every lane with a base <= 0 to a scalar fallback,
 *   4.6x slower (8.5 vs 1.85 ns per element) for negative bases and 1.8x
 *   with a quarter zeros, a cost that depends on the data and that no cost
 *   model of the expression can see; SLEEF's takes 2.3 ns for any base.
 *
 * NEON (4 lanes of float32x4_t, arm_neon.h; aarch64 Linux, flush-to-zero
 * off as Linux starts every process):
 * - The exact ops are single instructions where the AVX versions need
 *   fix-ups: FMINNM/FMAXNM (vminnmq_f32) already are C's fmin/fmax with
 *   -0 < +0 (a quiet NaN operand yields the other one; a signalling NaN,
 *   which no op makes and the model cannot express, yields NaN). fma, fms
 *   and fnma are FMLA/FMLS (vfmaq_f32(c, a, b) = c + a*b, one rounding;
 *   fms negates c first, exactly, so a*b - c keeps the model's sign of an
 *   exact zero). floor is FRINTM, recip a true division. copysign takes
 *   the sign bit of b only where b is not NaN, as on x86.
 * - The tail: NEON has no masked loads or stores, so `km` is the count r
 *   of remaining lanes; kop_loadm copies r floats into a zeroed local
 *   vector and kop_storem writes back only r, so nothing past the end of a
 *   column is read or written.
 * - rsqrt: FRSQRTE (8-bit estimate, architecturally defined, subnormal
 *   inputs included), one Newton step with FRSQRTS (y (3 - x y y) / 2),
 *   then one Newton step with FMAs as on AVX-512; x = ±0 and +inf keep the
 *   estimate's exact ±inf and +0. Measured over every float32 in [1, 4)
 *   and every positive subnormal (which covers every positive float32:
 *   rsqrt(4x) = rsqrt(x)/2 exactly, estimate included): at most 1 ulp.
 *   mulrsqrt(a, b) = a * rsqrt(b): at most 2 ulp.
 * - transcendentals: glibc 2.36 has no aarch64 libmvec, so every one is
 *   SLEEF's Advanced SIMD function (`Sleef_expf4_u10advsimd`, documented
 *   at 1.0 ulp; hypot `Sleef_hypotf4_u05advsimd`, 0.5001 ulp), linked with
 *   -lsleef. Measured maxima: see ulpBound.
 */

import type { Isa } from "../target/target.ts";
import { OP_NAMES, OPS } from "../expr/ops.ts";

/** Vector math functions by op, from the op table: [C name of the scalar function, arity]. */
export const VECTOR_MATH: Readonly<Record<string, readonly [string, 1 | 2]>> = Object.fromEntries(
  OP_NAMES.flatMap((op) => {
    const { libm, arity } = OPS[op];
    if (libm === null) return [];
    if (arity === 3) throw new Error(`${op}: vector math of three operands has no wrapper`);
    return [[op, [libm, arity] as const]];
  }),
);

/** Ops whose kernel equals the float32 evaluator bit for bit (the op table's `exact`). */
export const EXACT_OPS: readonly string[] = OP_NAMES.filter((op) => OPS[op].exact);

/**
 * The documented error bound of each approximate op, in ulps from the
 * float32 evaluator's correctly rounded value, for the op applied to exact
 * inputs. Measured maxima over 65,536 wide random inputs per op (AVX-512 /
 * AVX2): rsqrt 1 / 2 (every positive float32 checked for AVX-512),
 * mulrsqrt 1 / 2, libmvec log 4, tan, asin, atan2 3, cbrt 2 / 3, the others
 * 1-2; glibc documents up to 4 ulp for its vector functions, so 4 is the
 * bound for all of them; SLEEF's u10 pow is documented (and measured) at 1.
 * NEON, measured under qemu-user over 196,608 wide random inputs per op
 * (random float32 bits, ±e^[-100, 100], [-3, 3], ±[0.01, 90], specials):
 * rsqrt 1 (every positive float32, see above), mulrsqrt 2, cbrt 0, every
 * other SLEEF function 1, within SLEEF's documented 1.0 ulp (u10) and
 * 0.5001 ulp (hypot, u05), so 1 is their bound; sinh, cosh and log1p only
 * with the fix-ups of NEON_FIXUPS (SLEEF alone gives +inf near the top of
 * their range).
 */
export function ulpBound(op: string, isa: Isa): number {
  if (op === "rsqrt") return isa === "avx2" ? 2 : 1;
  if (op === "mulrsqrt") return 2;
  if (op in VECTOR_MATH && usesSleef(isa, op)) return 1;
  if (op in VECTOR_MATH) return 4;
  if (EXACT_OPS.includes(op)) return 0;
  throw new Error(`no ulp bound for ${op}`);
}

/** Ops taken from SLEEF rather than libmvec on x86-64 (see above for why); on NEON every one is SLEEF's. */
export const SLEEF_OPS: ReadonlySet<string> = new Set(["pow"]);

/** True when `op`'s vector function on `isa` is SLEEF's. */
function usesSleef(isa: Isa, op: string): boolean {
  return isa === "neon" || SLEEF_OPS.has(op);
}

/**
 * The vector function an op calls: libmvec's vector-ABI name
 * (`_ZGVeN16v_expf`) or SLEEF's (`Sleef_powf16_u10avx512f`,
 * `Sleef_expf4_u10advsimd`, `Sleef_hypotf4_u05advsimd`).
 */
export function vectorMathSymbol(isa: Isa, op: string): string {
  const [scalar, arity] = VECTOR_MATH[op];
  if (isa === "neon") return `Sleef_${scalar}4_${op === "hypot" ? "u05" : "u10"}advsimd`;
  if (SLEEF_OPS.has(op)) return isa === "avx512" ? `Sleef_${scalar}16_u10avx512f` : `Sleef_${scalar}8_u10avx2`;
  const prefix = isa === "avx512" ? "_ZGVeN16" : "_ZGVdN8";
  return `${prefix}${"v".repeat(arity)}_${scalar}`;
}

function mvecWrappers(isa: Isa): string {
  return Object.entries(VECTOR_MATH).map(([op, [, arity]]) => {
    const sym = vectorMathSymbol(isa, op);
    const params = arity === 1 ? "kv" : "kv, kv";
    const args = arity === 1 ? "kv a" : "kv a, kv b";
    const call = arity === 1 ? "a" : "a, b";
    const decl = `kv ${sym}(${params});\n`;
    if (isa === "neon" && op in NEON_FIXUPS) return decl + NEON_FIXUPS[op](sym);
    return `${decl}KOP kv kop_${op}(${args}) { return ${sym}(${call}); }`;
  }).join("\n");
}

/**
 * NEON wrappers around SLEEF functions whose documented domain ends before
 * float32's does, by symbol. Each calls SLEEF, then redoes the lanes out of
 * its domain, behind a branch on whether the vector has any (they are
 * rare): log1pf returns +inf above 1e38, where log(a) equals log1p(a) to far
 * below an ulp; sinhf and coshf return ±inf for |a| > 88.7, where e^|a|
 * overflows but the result (e^|a| / 2 there) stays finite up to 89.4: the
 * lanes with |a| > 88 take kop_halfexp64 (NEON preamble: e^|a| / 2 in
 * double precision, SLEEF's expd2, rounded once to float32).
 */
const NEON_FIXUPS: Readonly<Record<string, (sym: string) => string>> = {
  log1p: (sym) =>
    `kv ${vectorMathSymbol("neon", "log")}(kv);
KOP kv kop_log1p(kv a) {
  kv r = ${sym}(a);
  const uint32x4_t big = vcgtq_f32(a, vdupq_n_f32(1e38f));
  if (vmaxvq_u32(big) != 0) r = vbslq_f32(big, ${vectorMathSymbol("neon", "log")}(a), r);
  return r;
}`,
  sinh: (sym) =>
    `KOP kv kop_sinh(kv a) {
  kv r = ${sym}(a);
  const uint32x4_t big = vcagtq_f32(a, vdupq_n_f32(88.0f));
  if (vmaxvq_u32(big) != 0) r = vbslq_f32(big, vbslq_f32(vdupq_n_u32(0x80000000u), a, kop_halfexp64(a)), r);
  return r;
}`,
  cosh: (sym) =>
    `KOP kv kop_cosh(kv a) {
  kv r = ${sym}(a);
  const uint32x4_t big = vcagtq_f32(a, vdupq_n_f32(88.0f));
  if (vmaxvq_u32(big) != 0) r = vbslq_f32(big, kop_halfexp64(a), r);
  return r;
}`,
};

const X86_HEAD = `#include <immintrin.h>
#include <math.h>
#include <stddef.h>
#define KOP static inline __attribute__((always_inline))`;

const AVX512 = `${X86_HEAD}
typedef __m512 kv;
typedef __mmask16 km;
typedef __mmask16 kb;
enum { KL = 16 };
KOP kv kop_set1(float c) { return _mm512_set1_ps(c); }
KOP kv kop_load(const float *p) { return _mm512_loadu_ps(p); }
KOP void kop_store(float *p, kv x) { _mm512_storeu_ps(p, x); }
/* The tail: the first r lanes, the others zero and never stored. */
KOP km kop_mask(size_t r) { return (km)((1u << r) - 1u); }
KOP kv kop_loadm(const float *p, km m) { return _mm512_maskz_loadu_ps(m, p); }
KOP void kop_storem(float *p, km m, kv x) { _mm512_mask_storeu_ps(p, m, x); }
KOP __m512i kop_i(kv a) { return _mm512_castps_si512(a); }
KOP kv kop_f(__m512i a) { return _mm512_castsi512_ps(a); }
KOP kv kop_add(kv a, kv b) { return _mm512_add_ps(a, b); }
KOP kv kop_sub(kv a, kv b) { return _mm512_sub_ps(a, b); }
KOP kv kop_mul(kv a, kv b) { return _mm512_mul_ps(a, b); }
KOP kv kop_div(kv a, kv b) { return _mm512_div_ps(a, b); }
KOP kv kop_neg(kv a) { return kop_f(_mm512_xor_si512(kop_i(a), _mm512_set1_epi32((int)0x80000000u))); }
KOP kv kop_fabs(kv a) { return kop_f(_mm512_and_si512(kop_i(a), _mm512_set1_epi32(0x7fffffff))); }
KOP kv kop_copysign(kv a, kv b) {
  const __m512i s = _mm512_set1_epi32((int)0x80000000u);
  /* A NaN sign source counts as positive, as in the model. */
  const kv sb = _mm512_mask_mov_ps(b, _mm512_cmp_ps_mask(b, b, _CMP_UNORD_Q), _mm512_setzero_ps());
  return kop_f(_mm512_or_si512(_mm512_andnot_si512(s, kop_i(a)), _mm512_and_si512(s, kop_i(sb))));
}
KOP kv kop_fmin(kv a, kv b) {
  kv r = _mm512_min_ps(a, b);
  r = _mm512_mask_mov_ps(r, _mm512_cmp_ps_mask(b, b, _CMP_UNORD_Q), a);
  return _mm512_mask_mov_ps(r, _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ), kop_f(_mm512_or_si512(kop_i(a), kop_i(b))));
}
KOP kv kop_fmax(kv a, kv b) {
  kv r = _mm512_max_ps(a, b);
  r = _mm512_mask_mov_ps(r, _mm512_cmp_ps_mask(b, b, _CMP_UNORD_Q), a);
  return _mm512_mask_mov_ps(r, _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ), kop_f(_mm512_and_si512(kop_i(a), kop_i(b))));
}
KOP kv kop_floor(kv a) { return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC); }
KOP kv kop_sqrt(kv a) { return _mm512_sqrt_ps(a); }
KOP kv kop_fma(kv a, kv b, kv c) { return _mm512_fmadd_ps(a, b, c); }
KOP kv kop_fms(kv a, kv b, kv c) { return _mm512_fmsub_ps(a, b, c); }
KOP kv kop_fnma(kv a, kv b, kv c) { return _mm512_fnmadd_ps(a, b, c); }
KOP kv kop_recip(kv a) { return _mm512_div_ps(_mm512_set1_ps(1.0f), a); }
KOP kv kop_rsqrt(kv x) {
  const kv y = _mm512_rsqrt14_ps(x);
  /* Newton: e = 1 - x y^2 (fused, exact enough), y' = y + (y/2) e. */
  const kv e = _mm512_fnmadd_ps(_mm512_mul_ps(x, y), y, _mm512_set1_ps(1.0f));
  const kv r = _mm512_fmadd_ps(_mm512_mul_ps(y, _mm512_set1_ps(0.5f)), e, y);
  /* x = +0, -0, +inf: the estimate (+inf, -inf, +0) is exact; Newton would give NaN. */
  return _mm512_mask_mov_ps(r, _mm512_fpclass_ps_mask(x, 0x0e), y);
}
KOP kv kop_mulrsqrt(kv a, kv b) { return _mm512_mul_ps(a, kop_rsqrt(b)); }
/* Truth values are mask registers. Ordered compares are false on NaN, as in
 * the model; != is unordered (true on NaN), as C's != is. */
KOP kb kop_lt(kv a, kv b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
KOP kb kop_le(kv a, kv b) { return _mm512_cmp_ps_mask(a, b, _CMP_LE_OQ); }
KOP kb kop_eq(kv a, kv b) { return _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ); }
KOP kb kop_ne(kv a, kv b) { return _mm512_cmp_ps_mask(a, b, _CMP_NEQ_UQ); }
KOP kb kop_and(kb a, kb b) { return (kb)(a & b); }
KOP kb kop_or(kb a, kb b) { return (kb)(a | b); }
KOP kb kop_not(kb a) { return (kb)~a; }
KOP kv kop_select(kb c, kv a, kv b) { return _mm512_mask_blend_ps(c, b, a); }
${mvecWrappers("avx512")}
`;

const AVX2 = `${X86_HEAD}
typedef __m256 kv;
typedef __m256i km;
typedef __m256 kb;
enum { KL = 8 };
KOP kv kop_set1(float c) { return _mm256_set1_ps(c); }
KOP kv kop_load(const float *p) { return _mm256_loadu_ps(p); }
KOP void kop_store(float *p, kv x) { _mm256_storeu_ps(p, x); }
/* The tail: the first r lanes, the others zero and never stored. */
KOP km kop_mask(size_t r) { return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)r), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)); }
KOP kv kop_loadm(const float *p, km m) { return _mm256_maskload_ps(p, m); }
KOP void kop_storem(float *p, km m, kv x) { _mm256_maskstore_ps(p, m, x); }
KOP kv kop_add(kv a, kv b) { return _mm256_add_ps(a, b); }
KOP kv kop_sub(kv a, kv b) { return _mm256_sub_ps(a, b); }
KOP kv kop_mul(kv a, kv b) { return _mm256_mul_ps(a, b); }
KOP kv kop_div(kv a, kv b) { return _mm256_div_ps(a, b); }
KOP kv kop_neg(kv a) { return _mm256_xor_ps(a, _mm256_set1_ps(-0.0f)); }
KOP kv kop_fabs(kv a) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a); }
KOP kv kop_copysign(kv a, kv b) {
  const kv s = _mm256_set1_ps(-0.0f);
  /* A NaN sign source counts as positive, as in the model. */
  const kv sb = _mm256_andnot_ps(_mm256_cmp_ps(b, b, _CMP_UNORD_Q), b);
  return _mm256_or_ps(_mm256_andnot_ps(s, a), _mm256_and_ps(s, sb));
}
KOP kv kop_fmin(kv a, kv b) {
  kv r = _mm256_min_ps(a, b);
  r = _mm256_blendv_ps(r, a, _mm256_cmp_ps(b, b, _CMP_UNORD_Q));
  return _mm256_blendv_ps(r, _mm256_or_ps(a, b), _mm256_cmp_ps(a, b, _CMP_EQ_OQ));
}
KOP kv kop_fmax(kv a, kv b) {
  kv r = _mm256_max_ps(a, b);
  r = _mm256_blendv_ps(r, a, _mm256_cmp_ps(b, b, _CMP_UNORD_Q));
  return _mm256_blendv_ps(r, _mm256_and_ps(a, b), _mm256_cmp_ps(a, b, _CMP_EQ_OQ));
}
KOP kv kop_floor(kv a) { return _mm256_round_ps(a, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC); }
KOP kv kop_sqrt(kv a) { return _mm256_sqrt_ps(a); }
KOP kv kop_fma(kv a, kv b, kv c) { return _mm256_fmadd_ps(a, b, c); }
KOP kv kop_fms(kv a, kv b, kv c) { return _mm256_fmsub_ps(a, b, c); }
KOP kv kop_fnma(kv a, kv b, kv c) { return _mm256_fnmadd_ps(a, b, c); }
KOP kv kop_recip(kv a) { return _mm256_div_ps(_mm256_set1_ps(1.0f), a); }
KOP kv kop_rsqrt(kv x) {
  /* vrsqrtps flushes subnormal inputs: scale them (and zeros, harmlessly) by 2^24. */
  const kv tiny = _mm256_cmp_ps(x, _mm256_set1_ps(0x1p-126f), _CMP_LT_OQ);
  const kv xs = _mm256_blendv_ps(x, _mm256_mul_ps(x, _mm256_set1_ps(0x1p24f)), tiny);
  const kv y = _mm256_rsqrt_ps(xs);
  const kv e = _mm256_fnmadd_ps(_mm256_mul_ps(xs, y), y, _mm256_set1_ps(1.0f));
  kv r = _mm256_fmadd_ps(_mm256_mul_ps(y, _mm256_set1_ps(0.5f)), e, y);
  const kv special = _mm256_or_ps(_mm256_cmp_ps(xs, _mm256_setzero_ps(), _CMP_EQ_OQ),
                                  _mm256_cmp_ps(xs, _mm256_set1_ps(INFINITY), _CMP_EQ_OQ));
  r = _mm256_blendv_ps(r, y, special);
  return _mm256_mul_ps(r, _mm256_blendv_ps(_mm256_set1_ps(1.0f), _mm256_set1_ps(0x1p12f), tiny));
}
KOP kv kop_mulrsqrt(kv a, kv b) { return _mm256_mul_ps(a, kop_rsqrt(b)); }
/* Truth values are all-ones or all-zero lanes, as vcmpps makes them. */
KOP kb kop_lt(kv a, kv b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
KOP kb kop_le(kv a, kv b) { return _mm256_cmp_ps(a, b, _CMP_LE_OQ); }
KOP kb kop_eq(kv a, kv b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
KOP kb kop_ne(kv a, kv b) { return _mm256_cmp_ps(a, b, _CMP_NEQ_UQ); }
KOP kb kop_and(kb a, kb b) { return _mm256_and_ps(a, b); }
KOP kb kop_or(kb a, kb b) { return _mm256_or_ps(a, b); }
KOP kb kop_not(kb a) { return _mm256_xor_ps(a, _mm256_castsi256_ps(_mm256_set1_epi32(-1))); }
KOP kv kop_select(kb c, kv a, kv b) { return _mm256_blendv_ps(b, a, c); }
${mvecWrappers("avx2")}
`;

const NEON = `#include <arm_neon.h>
#include <math.h>
#include <stddef.h>
#include <string.h>
#define KOP static inline __attribute__((always_inline))
typedef float32x4_t kv;
typedef size_t km;
typedef uint32x4_t kb;
enum { KL = 4 };
KOP kv kop_set1(float c) { return vdupq_n_f32(c); }
KOP kv kop_load(const float *p) { return vld1q_f32(p); }
KOP void kop_store(float *p, kv x) { vst1q_f32(p, x); }
/* The tail: the first r lanes, the others zero and never stored. No masked
 * loads: the r floats go through a zeroed local vector, both ways. */
KOP km kop_mask(size_t r) { return r; }
KOP kv kop_loadm(const float *p, km m) {
  float b[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  memcpy(b, p, m * sizeof(float));
  return vld1q_f32(b);
}
KOP void kop_storem(float *p, km m, kv x) {
  float b[4];
  vst1q_f32(b, x);
  memcpy(p, b, m * sizeof(float));
}
KOP uint32x4_t kop_u(kv a) { return vreinterpretq_u32_f32(a); }
KOP kv kop_add(kv a, kv b) { return vaddq_f32(a, b); }
KOP kv kop_sub(kv a, kv b) { return vsubq_f32(a, b); }
KOP kv kop_mul(kv a, kv b) { return vmulq_f32(a, b); }
KOP kv kop_div(kv a, kv b) { return vdivq_f32(a, b); }
KOP kv kop_neg(kv a) { return vnegq_f32(a); }
KOP kv kop_fabs(kv a) { return vabsq_f32(a); }
KOP kv kop_copysign(kv a, kv b) {
  /* A NaN sign source counts as positive, as in the model. */
  const kv sb = vreinterpretq_f32_u32(vandq_u32(vceqq_f32(b, b), kop_u(b)));
  return vbslq_f32(vdupq_n_u32(0x80000000u), sb, a);
}
/* FMINNM/FMAXNM: a quiet NaN operand yields the other, and -0 < +0. */
KOP kv kop_fmin(kv a, kv b) { return vminnmq_f32(a, b); }
KOP kv kop_fmax(kv a, kv b) { return vmaxnmq_f32(a, b); }
KOP kv kop_floor(kv a) { return vrndmq_f32(a); }
KOP kv kop_sqrt(kv a) { return vsqrtq_f32(a); }
/* vfmaq_f32(c, a, b) = c + a*b and vfmsq_f32(c, a, b) = c - a*b, one rounding. */
KOP kv kop_fma(kv a, kv b, kv c) { return vfmaq_f32(c, a, b); }
KOP kv kop_fms(kv a, kv b, kv c) { return vfmaq_f32(vnegq_f32(c), a, b); }
KOP kv kop_fnma(kv a, kv b, kv c) { return vfmsq_f32(c, a, b); }
KOP kv kop_recip(kv a) { return vdivq_f32(vdupq_n_f32(1.0f), a); }
KOP kv kop_rsqrt(kv x) {
  const kv y0 = vrsqrteq_f32(x);
  /* Newton with FRSQRTS: y1 = y0 (3 - (x y0) y0) / 2, about 16 bits. */
  const kv y1 = vmulq_f32(y0, vrsqrtsq_f32(vmulq_f32(x, y0), y0));
  /* Newton with FMAs: e = 1 - x y1^2, y' = y1 + (y1/2) e. */
  const kv e = vfmsq_f32(vdupq_n_f32(1.0f), vmulq_f32(x, y1), y1);
  const kv r = vfmaq_f32(y1, vmulq_f32(y1, vdupq_n_f32(0.5f)), e);
  /* x = +0, -0, +inf: the estimate (+inf, -inf, +0) is exact; Newton would give NaN. */
  const uint32x4_t special = vorrq_u32(vceqq_f32(x, vdupq_n_f32(0.0f)), vceqq_f32(x, vdupq_n_f32(INFINITY)));
  return vbslq_f32(special, y0, r);
}
KOP kv kop_mulrsqrt(kv a, kv b) { return vmulq_f32(a, kop_rsqrt(b)); }
/* Truth values are all-ones or all-zero lanes, as FCM* makes them. */
KOP kb kop_lt(kv a, kv b) { return vcltq_f32(a, b); }
KOP kb kop_le(kv a, kv b) { return vcleq_f32(a, b); }
KOP kb kop_eq(kv a, kv b) { return vceqq_f32(a, b); }
KOP kb kop_ne(kv a, kv b) { return vmvnq_u32(vceqq_f32(a, b)); }
KOP kb kop_and(kb a, kb b) { return vandq_u32(a, b); }
KOP kb kop_or(kb a, kb b) { return vorrq_u32(a, b); }
KOP kb kop_not(kb a) { return vmvnq_u32(a); }
KOP kv kop_select(kb c, kv a, kv b) { return vbslq_f32(c, a, b); }
float64x2_t Sleef_expd2_u10advsimd(float64x2_t);
/* e^|a| / 2 per lane, in double precision, rounded once to float32 (sinh and cosh beyond SLEEF's float domain). */
KOP kv kop_halfexp64(kv a) {
  const kv x = vabsq_f32(a);
  const float64x2_t h = vdupq_n_f64(0.5);
  const float64x2_t lo = vmulq_f64(Sleef_expd2_u10advsimd(vcvt_f64_f32(vget_low_f32(x))), h);
  const float64x2_t hi = vmulq_f64(Sleef_expd2_u10advsimd(vcvt_high_f64_f32(x)), h);
  return vcvt_high_f32_f64(vcvt_f32_f64(lo), hi);
}
${mvecWrappers("neon")}
`;

/** The preamble of a batch of SIMD kernels for `isa`. */
export function simdPreamble(isa: Isa): string {
  return isa === "avx512" ? AVX512 : isa === "avx2" ? AVX2 : NEON;
}
