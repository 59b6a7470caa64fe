/**
 * The C helpers (`kap_*`) that implement the approximation vocabulary
 * (`vocab.ts`) for each instruction set: AVX-512 (__m512), AVX2 with FMA
 * (__m256), NEON (float32x4_t) and plain scalar C (float). An
 * approximation's C body is the same text for every ISA; only these
 * helpers differ, each written to the float32 meaning of `eval32.ts` (see
 * vocab.ts for the edge semantics). Types are `kav` (a vector of float32)
 * and `kam` (a lane mask), and the macro `KAP`, so the text can sit next to
 * the kernel preamble's `kv` and `kop_*` without a clash.
 *
 * Compile with -ffp-contract=off: the helpers fuse nothing the vocabulary
 * does not say to fuse.
 */
import type { Isa } from "../target/target.ts";

/** Where an approximation's C can run: a SIMD target, or plain scalar C. */
export type ApproxIsa = Isa | "scalar";
export const APPROX_ISAS: readonly ApproxIsa[] = ["avx512", "avx2", "neon", "scalar"];

const AVX512 = `#include <immintrin.h>
#include <math.h>
#define KAP static inline __attribute__((always_inline))
typedef __m512 kav;
typedef __mmask16 kam;
enum { KAP_LANES = 16 };
KAP kav kap_set1(float c) { return _mm512_set1_ps(c); }
KAP __m512i kap_bits(kav a) { return _mm512_castps_si512(a); }
KAP kav kap_float(__m512i a) { return _mm512_castsi512_ps(a); }
KAP kav kap_add(kav a, kav b) { return _mm512_add_ps(a, b); }
KAP kav kap_sub(kav a, kav b) { return _mm512_sub_ps(a, b); }
KAP kav kap_mul(kav a, kav b) { return _mm512_mul_ps(a, b); }
KAP kav kap_div(kav a, kav b) { return _mm512_div_ps(a, b); }
KAP kav kap_fma(kav a, kav b, kav c) { return _mm512_fmadd_ps(a, b, c); }
KAP kav kap_neg(kav a) { return kap_float(_mm512_xor_si512(kap_bits(a), _mm512_set1_epi32((int)0x80000000u))); }
KAP kav kap_abs(kav a) { return kap_float(_mm512_and_si512(kap_bits(a), _mm512_set1_epi32(0x7fffffff))); }
/* Bitwise c ? b : a (truth table 0xd8): the sign bit from b, the rest from a. */
KAP kav kap_copysign(kav a, kav b) {
  return kap_float(_mm512_ternarylogic_epi32(kap_bits(a), kap_bits(b), _mm512_set1_epi32((int)0x80000000u), 0xd8));
}
/* minps/maxps: a < b ? a : b and a > b ? a : b, as the vocabulary says. */
KAP kav kap_min(kav a, kav b) { return _mm512_min_ps(a, b); }
KAP kav kap_max(kav a, kav b) { return _mm512_max_ps(a, b); }
KAP kav kap_rint(kav a) { return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
KAP kav kap_floor(kav a) { return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC); }
KAP kav kap_pow2i(kav n) {
  return kap_float(_mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23));
}
/* vscalefps: p * 2^floor(n), one rounding (subnormal and overflow results included). */
KAP kav kap_ldexp(kav p, kav n) { return _mm512_scalef_ps(p, n); }
KAP __m512i kap_logexp_i(kav x) { return _mm512_srai_epi32(_mm512_sub_epi32(kap_bits(x), _mm512_set1_epi32(0x3f3504f3)), 23); }
KAP kav kap_logexp(kav x) { return _mm512_cvtepi32_ps(kap_logexp_i(x)); }
KAP kav kap_logmant(kav x) { return kap_float(_mm512_sub_epi32(kap_bits(x), _mm512_slli_epi32(kap_logexp_i(x), 23))); }
KAP kav kap_rsqrtseed(kav x) { return kap_float(_mm512_sub_epi32(_mm512_set1_epi32(0x5f3759df), _mm512_srli_epi32(kap_bits(x), 1))); }
KAP kam kap_lt(kav a, kav b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
KAP kam kap_gt(kav a, kav b) { return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ); }
KAP kam kap_eq(kav a, kav b) { return _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ); }
KAP kam kap_nge(kav a, kav b) { return _mm512_cmp_ps_mask(a, b, _CMP_NGE_UQ); }
KAP kam kap_isnan(kav a) { return _mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q); }
KAP kam kap_or(kam a, kam b) { return (kam)(a | b); }
KAP kav kap_select(kam m, kav a, kav b) { return _mm512_mask_blend_ps(m, b, a); }
`;

const AVX2 = `#include <immintrin.h>
#include <math.h>
#define KAP static inline __attribute__((always_inline))
typedef __m256 kav;
typedef __m256 kam;
enum { KAP_LANES = 8 };
KAP kav kap_set1(float c) { return _mm256_set1_ps(c); }
KAP __m256i kap_bits(kav a) { return _mm256_castps_si256(a); }
KAP kav kap_float(__m256i a) { return _mm256_castsi256_ps(a); }
KAP kav kap_add(kav a, kav b) { return _mm256_add_ps(a, b); }
KAP kav kap_sub(kav a, kav b) { return _mm256_sub_ps(a, b); }
KAP kav kap_mul(kav a, kav b) { return _mm256_mul_ps(a, b); }
KAP kav kap_div(kav a, kav b) { return _mm256_div_ps(a, b); }
KAP kav kap_fma(kav a, kav b, kav c) { return _mm256_fmadd_ps(a, b, c); }
KAP kav kap_neg(kav a) { return _mm256_xor_ps(a, _mm256_set1_ps(-0.0f)); }
KAP kav kap_abs(kav a) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a); }
KAP kav kap_copysign(kav a, kav b) {
  const kav s = _mm256_set1_ps(-0.0f);
  return _mm256_or_ps(_mm256_andnot_ps(s, a), _mm256_and_ps(s, b));
}
/* minps/maxps: a < b ? a : b and a > b ? a : b, as the vocabulary says. */
KAP kav kap_min(kav a, kav b) { return _mm256_min_ps(a, b); }
KAP kav kap_max(kav a, kav b) { return _mm256_max_ps(a, b); }
KAP kav kap_rint(kav a) { return _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
KAP kav kap_floor(kav a) { return _mm256_round_ps(a, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC); }
KAP kav kap_pow2i(kav n) {
  return kap_float(_mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23));
}
/*
 * p * 2^n for integer n in [-151, 129]: p * 2^floor(n/2) is exact, the second product the one rounding. When every
 * lane has |n| <= 126 (nearly always), 2^n is one normal float and one product is that same rounding: the same bits
 * for one multiply instead of two and one exponent build instead of two. NaN and infinite n take the general path.
 */
KAP kav kap_ldexp(kav p, kav n) {
  const kav far = _mm256_cmp_ps(kap_abs(n), kap_set1(126.0f), _CMP_NLE_UQ);
  if (__builtin_expect(_mm256_testz_ps(far, far), 1)) return kap_mul(p, kap_pow2i(n));
  const kav n1 = kap_floor(kap_mul(n, kap_set1(0.5f)));
  return kap_mul(kap_mul(p, kap_pow2i(n1)), kap_pow2i(kap_sub(n, n1)));
}
KAP __m256i kap_logexp_i(kav x) { return _mm256_srai_epi32(_mm256_sub_epi32(kap_bits(x), _mm256_set1_epi32(0x3f3504f3)), 23); }
KAP kav kap_logexp(kav x) { return _mm256_cvtepi32_ps(kap_logexp_i(x)); }
KAP kav kap_logmant(kav x) { return kap_float(_mm256_sub_epi32(kap_bits(x), _mm256_slli_epi32(kap_logexp_i(x), 23))); }
KAP kav kap_rsqrtseed(kav x) { return kap_float(_mm256_sub_epi32(_mm256_set1_epi32(0x5f3759df), _mm256_srli_epi32(kap_bits(x), 1))); }
KAP kam kap_lt(kav a, kav b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
KAP kam kap_gt(kav a, kav b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
KAP kam kap_eq(kav a, kav b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
KAP kam kap_nge(kav a, kav b) { return _mm256_cmp_ps(a, b, _CMP_NGE_UQ); }
KAP kam kap_isnan(kav a) { return _mm256_cmp_ps(a, a, _CMP_UNORD_Q); }
KAP kam kap_or(kam a, kam b) { return _mm256_or_ps(a, b); }
KAP kav kap_select(kam m, kav a, kav b) { return _mm256_blendv_ps(b, a, m); }
`;

const NEON = `#include <arm_neon.h>
#include <math.h>
#define KAP static inline __attribute__((always_inline))
typedef float32x4_t kav;
typedef uint32x4_t kam;
enum { KAP_LANES = 4 };
KAP kav kap_set1(float c) { return vdupq_n_f32(c); }
KAP int32x4_t kap_bits(kav a) { return vreinterpretq_s32_f32(a); }
KAP kav kap_float(int32x4_t a) { return vreinterpretq_f32_s32(a); }
KAP kav kap_add(kav a, kav b) { return vaddq_f32(a, b); }
KAP kav kap_sub(kav a, kav b) { return vsubq_f32(a, b); }
KAP kav kap_mul(kav a, kav b) { return vmulq_f32(a, b); }
KAP kav kap_div(kav a, kav b) { return vdivq_f32(a, b); }
KAP kav kap_fma(kav a, kav b, kav c) { return vfmaq_f32(c, a, b); }
KAP kav kap_neg(kav a) { return vnegq_f32(a); }
KAP kav kap_abs(kav a) { return vabsq_f32(a); }
KAP kav kap_copysign(kav a, kav b) { return vbslq_f32(vdupq_n_u32(0x80000000u), b, a); }
/* x86's min/max semantics (FMIN/FMAX differ on NaN and on signed zeros). */
KAP kav kap_min(kav a, kav b) { return vbslq_f32(vcltq_f32(a, b), a, b); }
KAP kav kap_max(kav a, kav b) { return vbslq_f32(vcgtq_f32(a, b), a, b); }
KAP kav kap_rint(kav a) { return vrndnq_f32(a); }
KAP kav kap_floor(kav a) { return vrndmq_f32(a); }
KAP kav kap_pow2i(kav n) { return kap_float(vshlq_n_s32(vaddq_s32(vcvtq_s32_f32(n), vdupq_n_s32(127)), 23)); }
/* As on AVX2: one multiply when every lane has |n| <= 126 (vminvq of the "near" lanes), else two. */
KAP kav kap_ldexp(kav p, kav n) {
  if (__builtin_expect(vminvq_u32(vcleq_f32(vabsq_f32(n), vdupq_n_f32(126.0f))) != 0, 1)) return kap_mul(p, kap_pow2i(n));
  const kav n1 = kap_floor(kap_mul(n, kap_set1(0.5f)));
  return kap_mul(kap_mul(p, kap_pow2i(n1)), kap_pow2i(kap_sub(n, n1)));
}
KAP int32x4_t kap_logexp_i(kav x) { return vshrq_n_s32(vsubq_s32(kap_bits(x), vdupq_n_s32(0x3f3504f3)), 23); }
KAP kav kap_logexp(kav x) { return vcvtq_f32_s32(kap_logexp_i(x)); }
KAP kav kap_logmant(kav x) { return kap_float(vsubq_s32(kap_bits(x), vshlq_n_s32(kap_logexp_i(x), 23))); }
KAP kav kap_rsqrtseed(kav x) {
  return vreinterpretq_f32_u32(vsubq_u32(vdupq_n_u32(0x5f3759dfu), vshrq_n_u32(vreinterpretq_u32_f32(x), 1)));
}
KAP kam kap_lt(kav a, kav b) { return vcltq_f32(a, b); }
KAP kam kap_gt(kav a, kav b) { return vcgtq_f32(a, b); }
KAP kam kap_eq(kav a, kav b) { return vceqq_f32(a, b); }
KAP kam kap_nge(kav a, kav b) { return vmvnq_u32(vcgeq_f32(a, b)); }
KAP kam kap_isnan(kav a) { return vmvnq_u32(vceqq_f32(a, a)); }
KAP kam kap_or(kam a, kam b) { return vorrq_u32(a, b); }
KAP kav kap_select(kam m, kav a, kav b) { return vbslq_f32(m, a, b); }
`;

const SCALAR = `#include <math.h>
#include <stdint.h>
#include <string.h>
#define KAP static inline __attribute__((always_inline))
typedef float kav;
typedef int kam;
enum { KAP_LANES = 1 };
KAP kav kap_set1(float c) { return c; }
KAP uint32_t kap_bits(kav a) { uint32_t u; memcpy(&u, &a, sizeof u); return u; }
KAP kav kap_float(uint32_t u) { kav a; memcpy(&a, &u, sizeof a); return a; }
KAP kav kap_add(kav a, kav b) { return a + b; }
KAP kav kap_sub(kav a, kav b) { return a - b; }
KAP kav kap_mul(kav a, kav b) { return a * b; }
KAP kav kap_div(kav a, kav b) { return a / b; }
KAP kav kap_fma(kav a, kav b, kav c) { return fmaf(a, b, c); }
KAP kav kap_neg(kav a) { return kap_float(kap_bits(a) ^ 0x80000000u); }
KAP kav kap_abs(kav a) { return kap_float(kap_bits(a) & 0x7fffffffu); }
KAP kav kap_copysign(kav a, kav b) { return kap_float((kap_bits(a) & 0x7fffffffu) | (kap_bits(b) & 0x80000000u)); }
KAP kav kap_min(kav a, kav b) { return a < b ? a : b; }
KAP kav kap_max(kav a, kav b) { return a > b ? a : b; }
KAP kav kap_rint(kav a) { return rintf(a); }
KAP kav kap_floor(kav a) { return floorf(a); }
/* n outside [-126, 127] (NaN included) gives an unspecified value, never undefined behaviour. */
KAP kav kap_pow2i(kav n) {
  const int32_t k = (n >= -200.0f && n <= 200.0f) ? (int32_t)n : 0;
  return kap_float((uint32_t)(k + 127) << 23);
}
/* p * 2^n for integer n in [-151, 129]: p * 2^floor(n/2) is exact, the second product the one rounding. */
KAP kav kap_ldexp(kav p, kav n) {
  const kav n1 = kap_floor(kap_mul(n, kap_set1(0.5f)));
  return kap_mul(kap_mul(p, kap_pow2i(n1)), kap_pow2i(kap_sub(n, n1)));
}
KAP int32_t kap_logexp_i(kav x) { return (int32_t)(kap_bits(x) - 0x3f3504f3u) >> 23; }
KAP kav kap_logexp(kav x) { return (float)kap_logexp_i(x); }
KAP kav kap_logmant(kav x) { return kap_float(kap_bits(x) - ((uint32_t)kap_logexp_i(x) << 23)); }
KAP kav kap_rsqrtseed(kav x) { return kap_float(0x5f3759dfu - (kap_bits(x) >> 1)); }
KAP kam kap_lt(kav a, kav b) { return a < b; }
KAP kam kap_gt(kav a, kav b) { return a > b; }
KAP kam kap_eq(kav a, kav b) { return a == b; }
KAP kam kap_nge(kav a, kav b) { return !(a >= b); }
KAP kam kap_isnan(kav a) { return a != a; }
KAP kam kap_or(kam a, kam b) { return a | b; }
KAP kav kap_select(kam m, kav a, kav b) { return m ? a : b; }
`;

/** The `kap_*` helpers of `isa`: put once before any approximation's C. */
export function approxPrelude(isa: ApproxIsa): string {
  switch (isa) {
    case "avx512":
      return AVX512;
    case "avx2":
      return AVX2;
    case "neon":
      return NEON;
    case "scalar":
      return SCALAR;
  }
}

/** Compiler flags an ISA's helpers need (beyond -O2 and -ffp-contract=off), on its own compiler. */
export function approxIsaFlags(isa: ApproxIsa): string[] {
  switch (isa) {
    case "avx512":
      return ["-mavx512f", "-mavx512dq", "-mfma"];
    case "avx2":
      return ["-mavx2", "-mfma"];
    case "neon":
      return ["-march=armv8-a"];
    case "scalar":
      return [];
  }
}
