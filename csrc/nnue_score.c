/*
 * Scoring rewrite candidates: the inner loop of guided search.
 *
 * Every candidate is base - removed + added for one base accumulator. The
 * head's first layer is linear in the accumulator, so
 *
 *   W1 (base - removed + added) + b1 = (W1 base + b1) - sum W1 r + sum W1 a
 *
 * W1 base + b1 is computed once per call, and each row's projection W1 r (32
 * floats, 2 zmm) is computed once and cached until the row or the head
 * changes. A candidate then costs two vector additions per delta row, the
 * clamp and the 32-wide output layer, instead of 256-wide row additions and
 * a 256 x 32 product.
 */
#include <string.h>

#include "nnue.h"

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

/* Computes the projection of a (materialized) row through head h's W1. */
static void project(nnue_net *net, int32_t head, int32_t row) {
  const uint16_t *q = net->q + (size_t)row * NNUE_DIMS;
  const float *w1t = net->w1t[head];
  float p[NNUE_HIDDEN] = {0};
  for (int i = 0; i < NNUE_DIMS; i++) {
    uint32_t u = (uint32_t)q[nnue_bf16_pos(i)] << 16;
    float x;
    memcpy(&x, &u, sizeof x);
    for (int j = 0; j < NNUE_HIDDEN; j++) p[j] += x * w1t[i * NNUE_HIDDEN + j];
  }
  memcpy(net->proj[head] + (size_t)row * NNUE_HIDDEN, p, sizeof p);
  net->proj_stamp[head][row] = net->head_version[head];
}

static void prepare(nnue_net *net, int32_t head, const int32_t *f, int32_t n) {
  const uint32_t version = net->head_version[head];
  for (int32_t k = 0; k < n; k++) {
    const int32_t r = f[k];
    if (net->proj_stamp[head][r] == version) continue;
    nnue_row(net, r);
    project(net, head, r);
  }
}

static int valid(const nnue_net *net, const int32_t *off, const int32_t *f, int32_t n) {
  if (n < 0 || off[0] != 0) return NNUE_EARG;
  for (int32_t i = 0; i < n; i++) {
    if (off[i + 1] < off[i]) return NNUE_EARG;
  }
  for (int32_t k = 0; k < off[n]; k++) {
    if ((uint32_t)f[k] >= (uint32_t)net->rows) return NNUE_EFEATURE;
  }
  return NNUE_OK;
}

int32_t nnue_score_candidates(nnue_net *net, int32_t head, const float *base, int32_t n,
                              const int32_t *rem_off, const int32_t *rem, const int32_t *add_off,
                              const int32_t *add, float *out) {
  if (head < 0 || head >= NNUE_HEADS) return NNUE_EHEAD;
  int32_t rc = valid(net, rem_off, rem, n);
  if (rc == NNUE_OK) rc = valid(net, add_off, add, n);
  if (rc != NNUE_OK) return rc;
  prepare(net, head, rem, rem_off[n]);
  prepare(net, head, add, add_off[n]);

  const float *p = net->head[head];
  const float *w1t = net->w1t[head];
  const float *proj = net->proj[head];
  const float out_scale = p[NNUE_HEAD_OUT_SCALE], b2 = p[NNUE_HEAD_B2];
  _Alignas(64) float zb[NNUE_HIDDEN];
  memcpy(zb, p + NNUE_HEAD_B1, sizeof zb);
  for (int i = 0; i < NNUE_DIMS; i++) {
    for (int j = 0; j < NNUE_HIDDEN; j++) zb[j] += base[i] * w1t[i * NNUE_HIDDEN + j];
  }

#if defined(__AVX512F__)
  const __m512 zb0 = _mm512_load_ps(zb), zb1 = _mm512_load_ps(zb + 16);
  const __m512 v0 = _mm512_loadu_ps(p + NNUE_HEAD_W2), v1 = _mm512_loadu_ps(p + NNUE_HEAD_W2 + 16);
  const __m512 zero = _mm512_setzero_ps(), one = _mm512_set1_ps(1.0f);
  for (int32_t c = 0; c < n; c++) {
    __m512 z0 = zb0, z1 = zb1;
    for (int32_t k = rem_off[c]; k < rem_off[c + 1]; k++) {
      const float *r = proj + (size_t)rem[k] * NNUE_HIDDEN;
      z0 = _mm512_sub_ps(z0, _mm512_load_ps(r));
      z1 = _mm512_sub_ps(z1, _mm512_load_ps(r + 16));
    }
    for (int32_t k = add_off[c]; k < add_off[c + 1]; k++) {
      const float *r = proj + (size_t)add[k] * NNUE_HIDDEN;
      z0 = _mm512_add_ps(z0, _mm512_load_ps(r));
      z1 = _mm512_add_ps(z1, _mm512_load_ps(r + 16));
    }
    z0 = _mm512_min_ps(_mm512_max_ps(z0, zero), one);
    z1 = _mm512_min_ps(_mm512_max_ps(z1, zero), one);
    out[c] = out_scale * (_mm512_reduce_add_ps(_mm512_fmadd_ps(z1, v1, _mm512_mul_ps(z0, v0))) + b2);
  }
#else
  for (int32_t c = 0; c < n; c++) {
    float z[NNUE_HIDDEN];
    memcpy(z, zb, sizeof z);
    for (int32_t k = rem_off[c]; k < rem_off[c + 1]; k++) {
      const float *r = proj + (size_t)rem[k] * NNUE_HIDDEN;
      for (int j = 0; j < NNUE_HIDDEN; j++) z[j] -= r[j];
    }
    for (int32_t k = add_off[c]; k < add_off[c + 1]; k++) {
      const float *r = proj + (size_t)add[k] * NNUE_HIDDEN;
      for (int j = 0; j < NNUE_HIDDEN; j++) z[j] += r[j];
    }
    float s = 0.0f;
    for (int j = 0; j < NNUE_HIDDEN; j++) {
      const float h = z[j] < 0.0f ? 0.0f : (z[j] > 1.0f ? 1.0f : z[j]);
      s += h * p[NNUE_HEAD_W2 + j];
    }
    out[c] = out_scale * (s + b2);
  }
#endif
  return NNUE_OK;
}
