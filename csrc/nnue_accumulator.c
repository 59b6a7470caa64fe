/*
 * Accumulator kernels and the batched head forward, AVX-512 when the
 * compiler targets it (the library is built with -march=native) and plain
 * loops otherwise. (Scoring candidates has its own path: nnue_score.c.)
 *
 * An accumulator (256 floats = 16 zmm) stays in registers while a
 * candidate's delta rows are added and subtracted, then goes to a small
 * aligned scratch from which the head forward broadcasts one element at a
 * time against rows of the transposed W1 (32 hidden units = 2 zmm). Eight
 * accumulators share each load of W1, which keeps the forward bound by FMA
 * throughput rather than by loads.
 */
#include <string.h>

#include "nnue.h"

#if defined(__AVX512F__)
#include <immintrin.h>
#define NNUE_AVX512 1
#else
#define NNUE_AVX512 0
#endif

enum { LANES = 16, VECS = NNUE_DIMS / LANES, GROUP = 8 };

static int in_range(const nnue_net *net, const int32_t *f, int32_t n) {
  for (int32_t i = 0; i < n; i++) {
    if ((uint32_t)f[i] >= (uint32_t)net->rows) return 0;
  }
  return 1;
}

static int valid_csr(const int32_t *off, int32_t n) {
  if (n < 0 || off[0] != 0) return 0;
  for (int32_t i = 0; i < n; i++) {
    if (off[i + 1] < off[i]) return 0;
  }
  return 1;
}

/* Gives fresh rows their initial value before a vector loop reads them
 * (a call inside that loop would spill the 16 accumulator registers). */
static inline void materialize(nnue_net *net, const int32_t *f, int32_t n) {
  for (int32_t k = 0; k < n; k++) {
    if (net->state[f[k]] == NNUE_FRESH) nnue_row(net, f[k]);
  }
}

#if NNUE_AVX512

/* acc (in 16 registers) += or -= rows: the loop the compiler keeps in zmm. */
#define LOAD_ACC(a, src) \
  for (int v = 0; v < VECS; v++) a[v] = _mm512_loadu_ps((src) + v * LANES)
#define STORE_ACC(dst, a) \
  for (int v = 0; v < VECS; v++) _mm512_storeu_ps((dst) + v * LANES, a[v])

/* Adds (sign +1) or subtracts rows in bfloat16 to the accumulator held in
 * 16 registers: per 32 stored values, a shift gives the 16 even ones and a
 * mask the 16 odd ones as float32 (see nnue_bf16_pos). */
/* Half of the additions go to the FMA pipes (x * 1 + a is exact, like
 * x + a): Zen 4 has two FADD and two FMA pipes, and either pair alone
 * would bound the loop. */
#define ROWS_LOOP(ADD, MULADD)                                                     \
  for (int32_t k = 0; k < n; k++) {                                                \
    const __m512i *r = (const __m512i *)(q + (size_t)f[k] * NNUE_DIMS);             \
    _Pragma("GCC unroll 8") for (int c = 0; c < VECS / 2; c++) {                   \
      const __m512i x = _mm512_load_si512(r + c);                                  \
      a[2 * c] = ADD(a[2 * c], _mm512_castsi512_ps(_mm512_slli_epi32(x, 16)));     \
      a[2 * c + 1] = MULADD(_mm512_castsi512_ps(_mm512_and_si512(x, hi)), one, a[2 * c + 1]); \
    }                                                                              \
  }

static inline void add_rows(const uint16_t *q, __m512 a[VECS], const int32_t *f, int32_t n) {
  const __m512i hi = _mm512_set1_epi32((int32_t)0xffff0000u);
  const __m512 one = _mm512_set1_ps(1.0f);
  ROWS_LOOP(_mm512_add_ps, _mm512_fmadd_ps)
}

static inline void sub_rows(const uint16_t *q, __m512 a[VECS], const int32_t *f, int32_t n) {
  const __m512i hi = _mm512_set1_epi32((int32_t)0xffff0000u);
  const __m512 one = _mm512_set1_ps(1.0f);
  ROWS_LOOP(_mm512_sub_ps, _mm512_fnmadd_ps)
}

/* base - removed + added, written to out. */
static void apply(nnue_net *net, const float *base, const int32_t *rem, int32_t nr,
                  const int32_t *add, int32_t na, float *out) {
  materialize(net, rem, nr);
  materialize(net, add, na);
  __m512 a[VECS];
#pragma GCC unroll 16
  LOAD_ACC(a, base);
  sub_rows(net->q, a, rem, nr);
  add_rows(net->q, a, add, na);
#pragma GCC unroll 16
  STORE_ACC(out, a);
}

void nnue_forward8(const nnue_net *net, int32_t head, const float *const *accs, int32_t m,
                   float *out) {
  const float *p = net->head[head];
  const float *w1t = net->w1t[head];
  __m512 h[GROUP][2];
  const __m512 b0 = _mm512_loadu_ps(p + NNUE_HEAD_B1), b1 = _mm512_loadu_ps(p + NNUE_HEAD_B1 + 16);
  const float *src[GROUP];
  for (int k = 0; k < GROUP; k++) {
    h[k][0] = b0;
    h[k][1] = b1;
    src[k] = accs[k < m ? k : 0]; /* pad a short group with a duplicate */
  }
  for (int i = 0; i < NNUE_DIMS; i++) {
    const __m512 w0 = _mm512_load_ps(w1t + i * NNUE_HIDDEN);
    const __m512 w1 = _mm512_load_ps(w1t + i * NNUE_HIDDEN + 16);
#pragma GCC unroll 8
    for (int k = 0; k < GROUP; k++) {
      const __m512 x = _mm512_set1_ps(src[k][i]);
      h[k][0] = _mm512_fmadd_ps(w0, x, h[k][0]);
      h[k][1] = _mm512_fmadd_ps(w1, x, h[k][1]);
    }
  }
  const __m512 zero = _mm512_setzero_ps(), one = _mm512_set1_ps(1.0f);
  const __m512 v0 = _mm512_loadu_ps(p + NNUE_HEAD_W2), v1 = _mm512_loadu_ps(p + NNUE_HEAD_W2 + 16);
  for (int k = 0; k < m; k++) {
    const __m512 c0 = _mm512_min_ps(_mm512_max_ps(h[k][0], zero), one);
    const __m512 c1 = _mm512_min_ps(_mm512_max_ps(h[k][1], zero), one);
    const __m512 s = _mm512_fmadd_ps(c1, v1, _mm512_mul_ps(c0, v0));
    out[k] = p[NNUE_HEAD_OUT_SCALE] * (_mm512_reduce_add_ps(s) + p[NNUE_HEAD_B2]);
  }
}

#else /* portable loops */

static inline float bf16_value(uint16_t h) {
  uint32_t u = (uint32_t)h << 16;
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

static void apply(nnue_net *net, const float *base, const int32_t *rem, int32_t nr,
                  const int32_t *add, int32_t na, float *out) {
  float a[NNUE_DIMS];
  memcpy(a, base, sizeof a);
  materialize(net, rem, nr);
  materialize(net, add, na);
  for (int32_t k = 0; k < nr; k++) {
    const uint16_t *r = net->q + (size_t)rem[k] * NNUE_DIMS;
    for (int i = 0; i < NNUE_DIMS; i++) a[i] -= bf16_value(r[nnue_bf16_pos(i)]);
  }
  for (int32_t k = 0; k < na; k++) {
    const uint16_t *r = net->q + (size_t)add[k] * NNUE_DIMS;
    for (int i = 0; i < NNUE_DIMS; i++) a[i] += bf16_value(r[nnue_bf16_pos(i)]);
  }
  memcpy(out, a, sizeof a);
}

void nnue_forward8(const nnue_net *net, int32_t head, const float *const *accs, int32_t m,
                   float *out) {
  const float *p = net->head[head];
  for (int k = 0; k < m; k++) {
    float s = 0.0f;
    for (int j = 0; j < NNUE_HIDDEN; j++) {
      float z = p[NNUE_HEAD_B1 + j];
      for (int i = 0; i < NNUE_DIMS; i++) z += p[NNUE_HEAD_W1 + j * NNUE_DIMS + i] * accs[k][i];
      z = z < 0.0f ? 0.0f : (z > 1.0f ? 1.0f : z);
      s += z * p[NNUE_HEAD_W2 + j];
    }
    out[k] = p[NNUE_HEAD_OUT_SCALE] * (s + p[NNUE_HEAD_B2]);
  }
}

#endif

static const int32_t NONE[1] = {0};

int32_t nnue_acc_build(nnue_net *net, const int32_t *feats, int32_t n, float *acc) {
  if (n < 0) return NNUE_EARG;
  if (!in_range(net, feats, n)) return NNUE_EFEATURE;
  static const float zero[NNUE_DIMS];
  apply(net, zero, NONE, 0, feats, n, acc);
  return NNUE_OK;
}

int32_t nnue_acc_build_batch(nnue_net *net, const int32_t *off, const int32_t *feats, int32_t n,
                             float *accs) {
  if (!valid_csr(off, n)) return NNUE_EARG;
  if (!in_range(net, feats, off[n])) return NNUE_EFEATURE;
  static const float zero[NNUE_DIMS];
  for (int32_t i = 0; i < n; i++) {
    apply(net, zero, NONE, 0, feats + off[i], off[i + 1] - off[i], accs + (size_t)i * NNUE_DIMS);
  }
  return NNUE_OK;
}

int32_t nnue_acc_apply_delta(nnue_net *net, float *acc, const int32_t *removed, int32_t nr,
                             const int32_t *added, int32_t na) {
  if (nr < 0 || na < 0) return NNUE_EARG;
  if (!in_range(net, removed, nr) || !in_range(net, added, na)) return NNUE_EFEATURE;
  apply(net, acc, removed, nr, added, na, acc);
  return NNUE_OK;
}

int32_t nnue_acc_apply_delta_batch(nnue_net *net, float *accs, int32_t n, const int32_t *rem_off,
                                   const int32_t *rem, const int32_t *add_off, const int32_t *add) {
  if (!valid_csr(rem_off, n) || !valid_csr(add_off, n)) return NNUE_EARG;
  if (!in_range(net, rem, rem_off[n]) || !in_range(net, add, add_off[n])) return NNUE_EFEATURE;
  for (int32_t i = 0; i < n; i++) {
    float *a = accs + (size_t)i * NNUE_DIMS;
    apply(net, a, rem + rem_off[i], rem_off[i + 1] - rem_off[i], add + add_off[i],
          add_off[i + 1] - add_off[i], a);
  }
  return NNUE_OK;
}

int32_t nnue_eval(const nnue_net *net, int32_t head, const float *accs, int32_t n, float *out) {
  if (head < 0 || head >= NNUE_HEADS) return NNUE_EHEAD;
  if (n < 0) return NNUE_EARG;
  const float *src[GROUP];
  for (int32_t i = 0; i < n; i += GROUP) {
    int32_t m = n - i < GROUP ? n - i : GROUP;
    for (int32_t k = 0; k < m; k++) src[k] = accs + (size_t)(i + k) * NNUE_DIMS;
    nnue_forward8(net, head, src, m, out + i);
  }
  return NNUE_OK;
}
