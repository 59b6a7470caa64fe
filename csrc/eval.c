/*
 * Reference float32 interpreter for expression bytecode.
 *
 * It defines, in C, the same float32 semantics as the TypeScript evaluator:
 * IEEE single operations for + - * / sqrt and the fused ops (one rounding),
 * and for everything else the float64 libm function rounded once to float.
 * Tests compare the two bit for bit; compiled kernels are then compared to
 * both. It works column by column in chunks so each op is a tight loop over
 * a cache-resident block.
 */
#include <math.h>
#include <stdlib.h>

#include "kopt.h"

enum { CHUNK = 256 };

/* C's fmin/fmax leave the sign of a zero result open; JavaScript's
 * Math.min/max (and so the TypeScript model) pick -0 for min and +0 for max. */
static float min_js(float a, float b) {
  if (isnan(a)) return b;
  if (isnan(b)) return a;
  if (a == b) return signbit(a) ? a : b;
  return a < b ? a : b;
}

static float max_js(float a, float b) {
  if (isnan(a)) return b;
  if (isnan(b)) return a;
  if (a == b) return signbit(a) ? b : a;
  return a > b ? a : b;
}

#define UNARY64(fn) for (int64_t k = 0; k < m; k++) r[k] = (float)fn((double)x[k])
#define BINARY64(fn) \
  for (int64_t k = 0; k < m; k++) r[k] = (float)fn((double)x[k], (double)y[k])

static double rsqrt64(double x) { return 1.0 / sqrt(x); }
static double recip64(double x) { return 1.0 / x; }
static double exp2_64(double x) { return pow(2.0, x); }
static double mulrsqrt64(double a, double b) { return a / sqrt(b); }

/* One op over one chunk: r[k] = op(x[k], y[k], z[k]). */
static int apply(int32_t kind, float *restrict r, const float *x, const float *y,
                 const float *z, int64_t m) {
  switch (kind) {
    case KOPT_ADD: for (int64_t k = 0; k < m; k++) r[k] = x[k] + y[k]; break;
    case KOPT_SUB: for (int64_t k = 0; k < m; k++) r[k] = x[k] - y[k]; break;
    case KOPT_MUL: for (int64_t k = 0; k < m; k++) r[k] = x[k] * y[k]; break;
    case KOPT_DIV: for (int64_t k = 0; k < m; k++) r[k] = x[k] / y[k]; break;
    case KOPT_NEG: for (int64_t k = 0; k < m; k++) r[k] = -x[k]; break;
    case KOPT_FABS: for (int64_t k = 0; k < m; k++) r[k] = fabsf(x[k]); break;
    case KOPT_COPYSIGN:
      for (int64_t k = 0; k < m; k++) r[k] = copysignf(x[k], y[k]);
      break;
    case KOPT_FMIN: for (int64_t k = 0; k < m; k++) r[k] = min_js(x[k], y[k]); break;
    case KOPT_FMAX: for (int64_t k = 0; k < m; k++) r[k] = max_js(x[k], y[k]); break;
    case KOPT_FLOOR: for (int64_t k = 0; k < m; k++) r[k] = floorf(x[k]); break;
    case KOPT_SQRT: for (int64_t k = 0; k < m; k++) r[k] = sqrtf(x[k]); break;
    case KOPT_CBRT: UNARY64(cbrt); break;
    case KOPT_FMA: for (int64_t k = 0; k < m; k++) r[k] = fmaf(x[k], y[k], z[k]); break;
    case KOPT_FMS: for (int64_t k = 0; k < m; k++) r[k] = fmaf(x[k], y[k], -z[k]); break;
    case KOPT_FNMA: for (int64_t k = 0; k < m; k++) r[k] = fmaf(-x[k], y[k], z[k]); break;
    case KOPT_RSQRT: UNARY64(rsqrt64); break;
    case KOPT_MULRSQRT: BINARY64(mulrsqrt64); break;
    case KOPT_RECIP: UNARY64(recip64); break;
    case KOPT_EXP: UNARY64(exp); break;
    case KOPT_EXP2: UNARY64(exp2_64); break;
    case KOPT_EXPM1: UNARY64(expm1); break;
    case KOPT_LOG: UNARY64(log); break;
    case KOPT_LOG2: UNARY64(log2); break;
    case KOPT_LOG1P: UNARY64(log1p); break;
    case KOPT_SIN: UNARY64(sin); break;
    case KOPT_COS: UNARY64(cos); break;
    case KOPT_TAN: UNARY64(tan); break;
    case KOPT_ASIN: UNARY64(asin); break;
    case KOPT_ACOS: UNARY64(acos); break;
    case KOPT_ATAN: UNARY64(atan); break;
    case KOPT_ATAN2: BINARY64(atan2); break;
    case KOPT_SINH: UNARY64(sinh); break;
    case KOPT_COSH: UNARY64(cosh); break;
    case KOPT_TANH: UNARY64(tanh); break;
    case KOPT_POW: BINARY64(pow); break;
    case KOPT_HYPOT: BINARY64(hypot); break;
    /* Truth values are 1 and 0; a select reads any non-zero as true. */
    case KOPT_SELECT: for (int64_t k = 0; k < m; k++) r[k] = x[k] != 0.0f ? y[k] : z[k]; break;
    case KOPT_LT: for (int64_t k = 0; k < m; k++) r[k] = x[k] < y[k] ? 1.0f : 0.0f; break;
    case KOPT_LE: for (int64_t k = 0; k < m; k++) r[k] = x[k] <= y[k] ? 1.0f : 0.0f; break;
    case KOPT_EQ: for (int64_t k = 0; k < m; k++) r[k] = x[k] == y[k] ? 1.0f : 0.0f; break;
    case KOPT_NE: for (int64_t k = 0; k < m; k++) r[k] = x[k] != y[k] ? 1.0f : 0.0f; break;
    case KOPT_AND: for (int64_t k = 0; k < m; k++) r[k] = x[k] != 0.0f && y[k] != 0.0f ? 1.0f : 0.0f; break;
    case KOPT_OR: for (int64_t k = 0; k < m; k++) r[k] = x[k] != 0.0f || y[k] != 0.0f ? 1.0f : 0.0f; break;
    case KOPT_NOT: for (int64_t k = 0; k < m; k++) r[k] = x[k] != 0.0f ? 0.0f : 1.0f; break;
    default: return -1; /* leaves are handled by the caller; d has no value */
  }
  return 0;
}

static int arity(int32_t kind) {
  switch (kind) {
    case KOPT_FMA: case KOPT_FMS: case KOPT_FNMA: case KOPT_SELECT: return 3;
    case KOPT_ADD: case KOPT_SUB: case KOPT_MUL: case KOPT_DIV:
    case KOPT_COPYSIGN: case KOPT_FMIN: case KOPT_FMAX: case KOPT_MULRSQRT:
    case KOPT_ATAN2: case KOPT_POW: case KOPT_HYPOT: case KOPT_D:
    case KOPT_LT: case KOPT_LE: case KOPT_EQ: case KOPT_NE: case KOPT_AND: case KOPT_OR: return 2;
    default: return 1;
  }
}

/* Checks slot references point backwards and leaves are in range. */
static int validate(const int32_t *code, int32_t ninstr, int32_t nvars) {
  if (ninstr <= 0) return -1;
  for (int32_t i = 0; i < ninstr; i++) {
    const int32_t *ins = code + 4 * i;
    if (ins[0] < 0 || ins[0] >= KOPT_KIND_COUNT || ins[0] == KOPT_D) return -1;
    if (ins[0] == KOPT_VAR && (ins[1] < 0 || ins[1] >= nvars)) return -1;
    if (ins[0] == KOPT_CONST && ins[1] < 0) return -1;
    if (ins[0] > KOPT_VAR) {
      for (int j = 1; j <= arity(ins[0]); j++) {
        if (ins[j] < 0 || ins[j] >= i) return -1;
      }
    }
  }
  return 0;
}

int32_t kopt_eval_f32(const int32_t *code, int32_t ninstr, const float *consts,
                      const float *inputs, int32_t nvars, float *out, int64_t n) {
  if (validate(code, ninstr, nvars) != 0 || n < 0) return -1;
  float *slots = malloc(sizeof(float) * CHUNK * (size_t)ninstr);
  if (slots == NULL) return -1;
  for (int64_t base = 0; base < n; base += CHUNK) {
    const int64_t m = n - base < CHUNK ? n - base : CHUNK;
    for (int32_t i = 0; i < ninstr; i++) {
      const int32_t *ins = code + 4 * i;
      float *r = slots + (size_t)i * CHUNK;
      if (ins[0] == KOPT_CONST) {
        for (int64_t k = 0; k < m; k++) r[k] = consts[ins[1]];
      } else if (ins[0] == KOPT_VAR) {
        const float *col = inputs + (size_t)ins[1] * (size_t)n + (size_t)base;
        for (int64_t k = 0; k < m; k++) r[k] = col[k];
      } else {
        const int a = arity(ins[0]);
        const float *x = slots + (size_t)ins[1] * CHUNK;
        const float *y = a >= 2 ? slots + (size_t)ins[2] * CHUNK : x;
        const float *z = a >= 3 ? slots + (size_t)ins[3] * CHUNK : x;
        apply(ins[0], r, x, y, z, m);
      }
    }
    const float *res = slots + (size_t)(ninstr - 1) * CHUNK;
    for (int64_t k = 0; k < m; k++) out[base + k] = res[k];
  }
  free(slots);
  return 0;
}
